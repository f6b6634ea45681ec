/*
 * crypto.h - the few cryptographic operations minwon needs, all from
 * libsodium:
 *  - random tokens (citizen access tokens, session ids, CSRF tokens):
 *    16 random bytes, base64url without padding, 22 characters;
 *  - token digests (BLAKE2b-256) so that the database never holds a
 *    token an attacker could reuse;
 *  - keyed digests (BLAKE2b keyed) for searchable personal data, such as
 *    the phone number, without storing it in clear;
 *  - sealed fields: XChaCha20-Poly1305 with a random nonce, for contact
 *    data at rest; the record's receipt number is bound in as associated
 *    data so a sealed value cannot be moved to another row;
 *  - password hashes: argon2id (crypto_pwhash_str).
 *
 * The master key (32 bytes) comes from the key file written by
 * `minwon init` (mode 0600) or from MINWON_KEY (64 hex digits). Purpose
 * keys are derived from it with crypto_kdf, so one secret serves all.
 */
#ifndef MW_CRYPTO_H
#define MW_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define MW_TOKEN_BYTES 16
#define MW_TOKEN_CHARS 22       /* base64url of 16 bytes, no padding */
#define MW_DIGEST_BYTES 32
#define MW_DIGEST_HEX 65        /* 64 hex digits + NUL */
#define MW_KEY_BYTES 32

typedef struct mw_keys {
	unsigned char seal[MW_KEY_BYTES];   /* contact data encryption */
	unsigned char lookup[MW_KEY_BYTES]; /* keyed digests (phone, idempotency) */
	unsigned char mac[MW_KEY_BYTES];    /* server-side MACs (cursors, CSRF) */
} mw_keys;

/* sodium_init(); MW_ERR_CRYPTO when the library cannot start. */
int mw_crypto_init(void);

/* Creates a key file with a fresh master key (mode 0600, O_EXCL). */
int mw_keyfile_create(const char *path);
/* Loads the master key from MINWON_KEY, or else from path, and derives
 * the purpose keys. MW_ERR_IO / MW_ERR_INVALID with a message in errbuf. */
int mw_keys_load(const char *path, mw_keys *out, char *errbuf, size_t errsz);

/* Writes a new random token (MW_TOKEN_CHARS + NUL) into out. */
void mw_token_new(char out[MW_TOKEN_CHARS + 1]);
/* Hex digest of a token (unkeyed BLAKE2b-256). */
void mw_token_digest(const char *token, char out[MW_DIGEST_HEX]);
/* Hex keyed digest of data. */
void mw_keyed_digest(const mw_keys *k, const void *data, size_t len, char out[MW_DIGEST_HEX]);
/* Constant-time comparison of two NUL-terminated strings of equal length. */
int mw_ct_streq(const char *a, const char *b);

/* Seals plaintext; *out is a heap base64 string (caller frees). */
int mw_seal(const mw_keys *k, const char *ad, const char *plain, size_t len, char **out);
/* Opens what mw_seal produced; *out is a heap NUL-terminated string. */
int mw_unseal(const mw_keys *k, const char *ad, const char *sealed, char **out, size_t *outlen);

/* argon2id hash string of a password (heap, caller frees). */
int mw_password_hash(const char *password, char **out);
/* MW_OK when password matches hash, MW_ERR_UNAUTHORIZED otherwise. */
int mw_password_verify(const char *hash, const char *password);

#endif
