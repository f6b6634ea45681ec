#include "crypto.h"
#include "mw.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "banned.h"

/* argon2id cost: OWASP's recommendation (19 MiB, t=2) keeps a login under
 * ~50 ms and bounds memory when many people log in at once. */
#define PWHASH_OPS 2
#define PWHASH_MEM (19u << 20)

int mw_crypto_init(void)
{
	return sodium_init() < 0 ? MW_ERR_CRYPTO : MW_OK;
}

int mw_keyfile_create(const char *path)
{
	unsigned char key[MW_KEY_BYTES];
	char hex[MW_KEY_BYTES * 2 + 2];
	int fd, rc = MW_OK;
	size_t len;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? MW_ERR_CONFLICT : MW_ERR_IO;
	crypto_kdf_keygen(key);
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	len = strlen(hex);
	hex[len++] = '\n';
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd))
		rc = MW_ERR_IO;
	close(fd);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

static int derive(const unsigned char master[MW_KEY_BYTES], mw_keys *out)
{
	if (crypto_kdf_derive_from_key(out->seal, sizeof(out->seal), 1, "mw-seal_", master) ||
	    crypto_kdf_derive_from_key(out->lookup, sizeof(out->lookup), 2, "mw-look_", master) ||
	    crypto_kdf_derive_from_key(out->mac, sizeof(out->mac), 3, "mw-mac__", master))
		return MW_ERR_CRYPTO;
	return MW_OK;
}

int mw_keys_load(const char *path, mw_keys *out, char *errbuf, size_t errsz)
{
	unsigned char master[MW_KEY_BYTES];
	char hex[160];
	const char *env = getenv("MINWON_KEY");
	size_t binlen = 0;
	int rc;

	if (env && *env) {
		if (mw_strlcpy(hex, env, sizeof(hex))) {
			snprintf(errbuf, errsz, "MINWON_KEY is too long");
			return MW_ERR_INVALID;
		}
	} else {
		FILE *f = fopen(path, "re");
		size_t n;

		if (!f) {
			snprintf(errbuf, errsz, "cannot open key file %s: %s", path, strerror(errno));
			return MW_ERR_IO;
		}
		n = fread(hex, 1, sizeof(hex) - 1, f);
		fclose(f);
		hex[n] = '\0';
	}
	if (sodium_hex2bin(master, sizeof(master), hex, strlen(hex), " \r\n", &binlen, NULL) ||
	    binlen != sizeof(master)) {
		sodium_memzero(hex, sizeof(hex));
		snprintf(errbuf, errsz, "the key must be %d hex digits", MW_KEY_BYTES * 2);
		return MW_ERR_INVALID;
	}
	rc = derive(master, out);
	sodium_memzero(master, sizeof(master));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}

void mw_token_new(char out[MW_TOKEN_CHARS + 1])
{
	unsigned char raw[MW_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, MW_TOKEN_CHARS + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void mw_token_digest(const char *token, char out[MW_DIGEST_HEX])
{
	unsigned char d[MW_DIGEST_BYTES];

	crypto_generichash(d, sizeof(d), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, MW_DIGEST_HEX, d, sizeof(d));
}

void mw_keyed_digest(const mw_keys *k, const void *data, size_t len, char out[MW_DIGEST_HEX])
{
	unsigned char d[MW_DIGEST_BYTES];

	crypto_generichash(d, sizeof(d), data, len, k->lookup, sizeof(k->lookup));
	sodium_bin2hex(out, MW_DIGEST_HEX, d, sizeof(d));
}

int mw_ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int mw_seal(const mw_keys *k, const char *ad, const char *plain, size_t len, char **out)
{
	const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	const size_t ab = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *box;
	unsigned long long clen;
	size_t b64len;
	box = malloc(nb + len + ab);
	if (!box)
		return MW_ERR_NOMEM;
	randombytes_buf(box, nb);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + nb, &clen, (const unsigned char *)plain,
						   len, (const unsigned char *)ad, strlen(ad), NULL, box,
						   k->seal);
	b64len = sodium_base64_ENCODED_LEN(nb + clen, sodium_base64_VARIANT_ORIGINAL);
	*out = malloc(b64len);
	if (!*out) {
		free(box);
		return MW_ERR_NOMEM;
	}
	sodium_bin2base64(*out, b64len, box, nb + clen, sodium_base64_VARIANT_ORIGINAL);
	free(box);
	return MW_OK;
}

int mw_unseal(const mw_keys *k, const char *ad, const char *sealed, char **out, size_t *outlen)
{
	const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	const size_t ab = crypto_aead_xchacha20poly1305_ietf_ABYTES;
	size_t slen = strlen(sealed), binlen;
	unsigned char *bin;
	unsigned long long mlen;
	char *plain;

	bin = malloc(slen + 1);
	if (!bin)
		return MW_ERR_NOMEM;
	if (sodium_base642bin(bin, slen, sealed, slen, NULL, &binlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) || binlen < nb + ab) {
		free(bin);
		return MW_ERR_CRYPTO;
	}
	plain = malloc(binlen - nb - ab + 1);
	if (!plain) {
		free(bin);
		return MW_ERR_NOMEM;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)plain, &mlen, NULL,
						       bin + nb, binlen - nb, (const unsigned char *)ad,
						       strlen(ad),
						       bin, k->seal)) {
		free(bin);
		free(plain);
		return MW_ERR_CRYPTO;
	}
	free(bin);
	plain[mlen] = '\0';
	*out = plain;
	if (outlen)
		*outlen = (size_t)mlen;
	return MW_OK;
}

int mw_password_hash(const char *password, char **out)
{
	char *h = malloc(crypto_pwhash_STRBYTES);

	if (!h)
		return MW_ERR_NOMEM;
	if (crypto_pwhash_str_alg(h, password, strlen(password), PWHASH_OPS, PWHASH_MEM,
				  crypto_pwhash_ALG_ARGON2ID13)) {
		free(h);
		return MW_ERR_NOMEM;
	}
	*out = h;
	return MW_OK;
}

int mw_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0
		       ? MW_OK
		       : MW_ERR_UNAUTHORIZED;
}
