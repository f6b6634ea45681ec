/*
 * test_crypto.c - tokens, digests, sealed fields, password hashes and
 * the master key (src/base/crypto.c).
 *
 * Key files are written into a fresh directory under $TMPDIR (or /tmp)
 * that the group teardown removes. MINWON_KEY is unset around every test
 * that does not set it itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "base/mw.h"
#include "base/crypto.h"

#include "base/banned.h"

static char tmpdir[512];

static int group_setup(void **state)
{
	const char *base = getenv("TMPDIR");

	(void)state;
	if (mw_crypto_init() != MW_OK)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "%s/mw-test-crypto-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	unsetenv("MINWON_KEY");
	return 0;
}

static void path_in_tmp(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", tmpdir, name);
}

static int group_teardown(void **state)
{
	static const char *const names[] = { "key", "key2", "key-short", "key-junk", "key-new" };
	char path[600];

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(names); i++) {
		path_in_tmp(names[i], path, sizeof(path));
		unlink(path);
	}
	rmdir(tmpdir);
	unsetenv("MINWON_KEY");
	return 0;
}

static int unset_key_env(void **state)
{
	(void)state;
	return unsetenv("MINWON_KEY");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static bool is_hex_lower(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Keys for tests, from a fixed master key through MINWON_KEY. */
static void test_keys(mw_keys *k, const char *hex)
{
	char err[256];

	assert_int_equal(setenv("MINWON_KEY", hex, 1), 0);
	assert_int_equal(mw_keys_load("/nonexistent/key", k, err, sizeof(err)), MW_OK);
	unsetenv("MINWON_KEY");
}

#define HEX_A "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HEX_B "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* ---- tokens ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void test_tokens(void **state)
{
	enum { N = 1000 };
	static char toks[N][MW_TOKEN_CHARS + 1];

	(void)state;
	assert_int_equal(MW_TOKEN_CHARS, 22);
	for (int i = 0; i < N; i++) {
		memset(toks[i], '#', sizeof(toks[i]));
		mw_token_new(toks[i]);
		assert_int_equal(strlen(toks[i]), 22);
		for (int j = 0; j < 22; j++) {
			char c = toks[i][j];

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '-' || c == '_'))
				fail_msg("token %s has '%c' outside base64url", toks[i], c);
		}
		/* 16 bytes in 22 characters: the last one carries 2 bits only. */
		assert_non_null(strchr("AQgw", toks[i][21]));
	}
	qsort(toks, N, sizeof(toks[0]), cmp_str);
	for (int i = 1; i < N; i++)
		if (!strcmp(toks[i - 1], toks[i]))
			fail_msg("token %s issued twice", toks[i]);
}

/* ---- digests --------------------------------------------------------- */

static void test_token_digest(void **state)
{
	char a[MW_DIGEST_HEX], b[MW_DIGEST_HEX], c[MW_DIGEST_HEX];

	(void)state;
	mw_token_digest("abcdefghijklmnopqrstuv", a);
	mw_token_digest("abcdefghijklmnopqrstuv", b);
	mw_token_digest("abcdefghijklmnopqrstuw", c);
	assert_true(is_hex_lower(a, 64));
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	/* Plain BLAKE2b-256: the published digest of the empty string. */
	mw_token_digest("", a);
	assert_string_equal(a, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	mw_token_digest("abc", a);
	assert_string_equal(a, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

static void test_keyed_digest(void **state)
{
	mw_keys k1, k2;
	char plain[MW_DIGEST_HEX], d1[MW_DIGEST_HEX], d1b[MW_DIGEST_HEX], d2[MW_DIGEST_HEX];
	char dx[MW_DIGEST_HEX];
	const char *phone = "01012345678";

	(void)state;
	test_keys(&k1, HEX_A);
	test_keys(&k2, HEX_B);
	mw_token_digest(phone, plain);
	mw_keyed_digest(&k1, phone, strlen(phone), d1);
	mw_keyed_digest(&k1, phone, strlen(phone), d1b);
	mw_keyed_digest(&k2, phone, strlen(phone), d2);
	mw_keyed_digest(&k1, "01012345679", 11, dx);
	assert_true(is_hex_lower(d1, 64));
	assert_string_equal(d1, d1b);
	assert_string_not_equal(d1, plain);
	assert_string_not_equal(d1, d2);
	assert_string_not_equal(d1, dx);
	/* Only len bytes count. */
	mw_keyed_digest(&k1, "01012345678XYZ", 11, dx);
	assert_string_equal(d1, dx);
}

static void test_ct_streq(void **state)
{
	(void)state;
	assert_true(mw_ct_streq("abc", "abc"));
	assert_true(mw_ct_streq("", ""));
	assert_false(mw_ct_streq("abc", "abd"));
	assert_false(mw_ct_streq("abc", "abcd"));
	assert_false(mw_ct_streq("", "a"));
}

/* ---- sealed fields --------------------------------------------------- */

static void test_seal_roundtrip(void **state)
{
	mw_keys k;
	const char *msg = "{\"name\":\"홍길동\",\"phone\":\"010-1234-5678\"}";
	char *s1 = NULL, *s2 = NULL, *plain = NULL;
	size_t len = 0;

	(void)state;
	test_keys(&k, HEX_A);
	assert_int_equal(mw_seal(&k, "2611-000001", msg, strlen(msg), &s1), MW_OK);
	assert_int_equal(mw_seal(&k, "2611-000001", msg, strlen(msg), &s2), MW_OK);
	/* A fresh nonce every time; the plaintext does not show. */
	assert_string_not_equal(s1, s2);
	assert_null(strstr(s1, "010"));
	assert_int_equal(mw_unseal(&k, "2611-000001", s1, &plain, &len), MW_OK);
	assert_int_equal(len, strlen(msg));
	assert_string_equal(plain, msg);
	free(plain);
	plain = NULL;
	assert_int_equal(mw_unseal(&k, "2611-000001", s2, &plain, NULL), MW_OK);
	assert_string_equal(plain, msg);
	free(plain);
	free(s1);
	free(s2);

	/* Empty plaintext. */
	assert_int_equal(mw_seal(&k, "2611-000002", "", 0, &s1), MW_OK);
	assert_int_equal(mw_unseal(&k, "2611-000002", s1, &plain, &len), MW_OK);
	assert_int_equal(len, 0);
	assert_string_equal(plain, "");
	free(plain);
	free(s1);
}

static void test_seal_wrong_ad_or_key(void **state)
{
	mw_keys k, other;
	char *s = NULL, *plain = NULL;

	(void)state;
	test_keys(&k, HEX_A);
	test_keys(&other, HEX_B);
	assert_int_equal(mw_seal(&k, "2611-000001", "secret", 6, &s), MW_OK);
	/* Moved to another row: refused. */
	assert_int_equal(mw_unseal(&k, "2611-000002", s, &plain, NULL), MW_ERR_CRYPTO);
	assert_null(plain);
	assert_int_equal(mw_unseal(&k, "", s, &plain, NULL), MW_ERR_CRYPTO);
	assert_int_equal(mw_unseal(&other, "2611-000001", s, &plain, NULL), MW_ERR_CRYPTO);
	assert_null(plain);
	free(s);
}

static void test_seal_tampered(void **state)
{
	mw_keys k;
	char *s = NULL, *plain = NULL, *b64;
	unsigned char bin[512];
	size_t binlen = 0, b64len;

	(void)state;
	test_keys(&k, HEX_A);
	assert_int_equal(mw_seal(&k, "2611-000001", "010-1234-5678", 13, &s), MW_OK);
	assert_int_equal(sodium_base642bin(bin, sizeof(bin), s, strlen(s), NULL, &binlen, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	b64len = sodium_base64_ENCODED_LEN(binlen, sodium_base64_VARIANT_ORIGINAL);
	b64 = malloc(b64len);
	assert_non_null(b64);
	/* Flip one bit in every byte position in turn: nonce, ciphertext, tag. */
	for (size_t i = 0; i < binlen; i++) {
		bin[i] ^= 0x01;
		sodium_bin2base64(b64, b64len, bin, binlen, sodium_base64_VARIANT_ORIGINAL);
		if (mw_unseal(&k, "2611-000001", b64, &plain, NULL) != MW_ERR_CRYPTO)
			fail_msg("flipping byte %zu was not noticed", i);
		bin[i] ^= 0x01;
	}
	/* Truncated, empty, not base64. */
	sodium_bin2base64(b64, b64len, bin, binlen - 1, sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(mw_unseal(&k, "2611-000001", b64, &plain, NULL), MW_ERR_CRYPTO);
	sodium_bin2base64(b64, b64len, bin, 24 + 15, sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(mw_unseal(&k, "2611-000001", b64, &plain, NULL), MW_ERR_CRYPTO);
	assert_int_equal(mw_unseal(&k, "2611-000001", "", &plain, NULL), MW_ERR_CRYPTO);
	assert_int_equal(mw_unseal(&k, "2611-000001", "!!!not base64!!!", &plain, NULL),
			 MW_ERR_CRYPTO);
	assert_null(plain);
	/* Untouched, it still opens. */
	sodium_bin2base64(b64, b64len, bin, binlen, sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(mw_unseal(&k, "2611-000001", b64, &plain, NULL), MW_OK);
	assert_string_equal(plain, "010-1234-5678");
	free(plain);
	free(b64);
	free(s);
}

/* ---- passwords ------------------------------------------------------- */

static void test_password(void **state)
{
	char *h = NULL;

	(void)state;
	/* One hash only: argon2id is slow on purpose. */
	assert_int_equal(mw_password_hash("correct horse 배터리", &h), MW_OK);
	assert_non_null(h);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_null(strstr(h, "correct horse"));
	assert_int_equal(mw_password_verify(h, "correct horse 배터리"), MW_OK);
	assert_int_equal(mw_password_verify(h, "correct horse 배터리 "), MW_ERR_UNAUTHORIZED);
	assert_int_equal(mw_password_verify(h, "Correct horse 배터리"), MW_ERR_UNAUTHORIZED);
	assert_int_equal(mw_password_verify(h, ""), MW_ERR_UNAUTHORIZED);
	assert_int_equal(mw_password_verify("not a hash", "correct horse 배터리"),
			 MW_ERR_UNAUTHORIZED);
	assert_int_equal(mw_password_verify("", ""), MW_ERR_UNAUTHORIZED);
	free(h);
}

/* ---- the master key -------------------------------------------------- */

static void test_keyfile_create_and_load(void **state)
{
	char path[600], err[256], text[256];
	struct stat st;
	mw_keys k1, k2, kenv;
	FILE *f;
	size_t n;

	(void)state;
	path_in_tmp("key", path, sizeof(path));
	unlink(path);
	assert_int_equal(mw_keyfile_create(path), MW_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(S_ISREG(st.st_mode));

	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_int_equal(n, 65);
	assert_int_equal(text[64], '\n');
	text[64] = '\0';
	assert_true(is_hex_lower(text, 64));

	/* Never overwritten. */
	assert_int_equal(mw_keyfile_create(path), MW_ERR_CONFLICT);
	{
		char again[256];

		f = fopen(path, "r");
		assert_non_null(f);
		n = fread(again, 1, sizeof(again) - 1, f);
		fclose(f);
		again[n] = '\0';
		assert_int_equal(n, 65);
		assert_memory_equal(again, text, 64);
	}

	/* Loading twice gives the same keys; three distinct purpose keys. */
	assert_int_equal(mw_keys_load(path, &k1, err, sizeof(err)), MW_OK);
	assert_int_equal(mw_keys_load(path, &k2, err, sizeof(err)), MW_OK);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	assert_memory_not_equal(k1.seal, k1.lookup, MW_KEY_BYTES);
	assert_memory_not_equal(k1.seal, k1.mac, MW_KEY_BYTES);
	assert_memory_not_equal(k1.lookup, k1.mac, MW_KEY_BYTES);

	/* The same key through MINWON_KEY gives the same keys. */
	test_keys(&kenv, text);
	assert_memory_equal(&k1, &kenv, sizeof(k1));

	/* Two created key files differ. */
	{
		char path2[600];

		path_in_tmp("key2", path2, sizeof(path2));
		unlink(path2);
		assert_int_equal(mw_keyfile_create(path2), MW_OK);
		assert_int_equal(mw_keys_load(path2, &k2, err, sizeof(err)), MW_OK);
		assert_memory_not_equal(k1.seal, k2.seal, MW_KEY_BYTES);
	}
}

static void test_keyfile_errors(void **state)
{
	char path[600], err[256];
	mw_keys k;

	(void)state;
	err[0] = '\0';
	assert_int_equal(mw_keys_load("/nonexistent/dir/key", &k, err, sizeof(err)), MW_ERR_IO);
	assert_true(strlen(err) > 0);
	assert_int_equal(mw_keyfile_create("/nonexistent/dir/key"), MW_ERR_IO);

	path_in_tmp("key-short", path, sizeof(path));
	write_file(path, "abcdef\n");
	err[0] = '\0';
	assert_int_equal(mw_keys_load(path, &k, err, sizeof(err)), MW_ERR_INVALID);
	assert_non_null(strstr(err, "64"));

	path_in_tmp("key-junk", path, sizeof(path));
	write_file(path, HEX_A "zz\n");
	assert_int_equal(mw_keys_load(path, &k, err, sizeof(err)), MW_ERR_INVALID);
	/* CRLF line ending, as an editor on Windows would leave it. */
	write_file(path, HEX_A "\r\n");
	assert_int_equal(mw_keys_load(path, &k, err, sizeof(err)), MW_OK);
}

static void test_env_override(void **state)
{
	char path[600], err[256];
	mw_keys from_file, from_env, a;

	(void)state;
	path_in_tmp("key-new", path, sizeof(path));
	unlink(path);
	assert_int_equal(mw_keyfile_create(path), MW_OK);
	assert_int_equal(mw_keys_load(path, &from_file, err, sizeof(err)), MW_OK);

	/* MINWON_KEY wins over the file, and a missing file is no error. */
	assert_int_equal(setenv("MINWON_KEY", HEX_A, 1), 0);
	assert_int_equal(mw_keys_load(path, &from_env, err, sizeof(err)), MW_OK);
	assert_memory_not_equal(&from_env, &from_file, sizeof(from_env));
	assert_int_equal(mw_keys_load("/nonexistent/key", &a, err, sizeof(err)), MW_OK);
	assert_memory_equal(&a, &from_env, sizeof(a));

	/* Upper-case hex is the same key. */
	assert_int_equal(setenv("MINWON_KEY",
				"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", 1), 0);
	assert_int_equal(mw_keys_load(path, &a, err, sizeof(err)), MW_OK);
	assert_memory_equal(&a, &from_env, sizeof(a));

	/* An empty MINWON_KEY is as good as none. */
	assert_int_equal(setenv("MINWON_KEY", "", 1), 0);
	assert_int_equal(mw_keys_load(path, &a, err, sizeof(err)), MW_OK);
	assert_memory_equal(&a, &from_file, sizeof(a));
	unsetenv("MINWON_KEY");
}

static void test_env_bad_values(void **state)
{
	static const char *const bad[] = {
		"abc",
		"0001020304050607",
		/* 63 digits */
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1",
		/* 66 digits */
		HEX_A "20",
		/* a non-hex character */
		"g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		HEX_A "x",
		"not a key at all",
		/* longer than any buffer */
		HEX_A HEX_A HEX_A HEX_A,
		HEX_A HEX_A HEX_A HEX_A HEX_A HEX_A,
	};
	char err[256];
	mw_keys k;

	(void)state;
	for (size_t i = 0; i < MW_ARRAY_LEN(bad); i++) {
		int rc;

		assert_int_equal(setenv("MINWON_KEY", bad[i], 1), 0);
		err[0] = '\0';
		rc = mw_keys_load("/nonexistent/key", &k, err, sizeof(err));
		if (rc != MW_ERR_INVALID)
			fail_msg("MINWON_KEY=\"%s\": %s, want invalid", bad[i], mw_err_code(rc));
		assert_true(strlen(err) > 0);
		/* The message never echoes the secret. */
		assert_null(strstr(err, "0102030405"));
	}
	unsetenv("MINWON_KEY");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tokens, unset_key_env),
		cmocka_unit_test_setup(test_token_digest, unset_key_env),
		cmocka_unit_test_setup(test_keyed_digest, unset_key_env),
		cmocka_unit_test_setup(test_ct_streq, unset_key_env),
		cmocka_unit_test_setup(test_seal_roundtrip, unset_key_env),
		cmocka_unit_test_setup(test_seal_wrong_ad_or_key, unset_key_env),
		cmocka_unit_test_setup(test_seal_tampered, unset_key_env),
		cmocka_unit_test_setup(test_password, unset_key_env),
		cmocka_unit_test_setup(test_keyfile_create_and_load, unset_key_env),
		cmocka_unit_test_setup(test_keyfile_errors, unset_key_env),
		cmocka_unit_test_setup(test_env_override, unset_key_env),
		cmocka_unit_test_setup(test_env_bad_values, unset_key_env),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
