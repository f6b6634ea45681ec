/*
 * fuzz_template.c - the pages' template compiler and renderer
 * (src/web/template.h).
 *
 * Input: a template source. It is compiled (with one partial "p" beside
 * it), linked and, when that works, rendered over a context whose every
 * string holds markup ("<script>…", quotes, ampersands).
 *
 * Checks: compiling either succeeds or fails with an error message;
 * rendering never fails but for the partial depth limit; when the source
 * has no '<' and no raw tag ({{{ or {{&), the output has no '<' either,
 * i.e. no value reaches the page unescaped.
 */
#include "fuzz.h"
#include "base/mw.h"
#include "web/template.h"

#include <string.h>

#include "base/banned.h"

static const char *msg(void *ctx, const char *key)
{
	(void)ctx;
	return strlen(key) % 2 ? "<b>{}</b>" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mw_tpl_set *s = mw_tpl_set_new();
	json_t *ctx = json_pack("{s:s, s:[{s:s},{s:s}], s:{s:s, s:{s:s}}, s:i, s:b, s:n}",
				"a", "<script>alert('x')</script>", "list", "name", "\"><img src=x>",
				"name", "&amp;", "o", "b", "<o>", "c", "d", "</d>", "n", 3, "t", 1, "z");
	mw_buf out = MW_BUF_INIT;
	char err[256];
	const char *src = (const char *)data;
	int rc;

	FUZZ_CHECK(s && ctx, "out of memory");
	err[0] = '\0';
	rc = mw_tpl_add(s, "t", src, size, err, sizeof(err));
	FUZZ_CHECK(rc == MW_OK || err[0], "error %d without a message", rc);
	if (!rc && mw_tpl_add(s, "p", "[{{name}}{{>p2}}]", 17, err, sizeof(err)) == MW_OK &&
	    mw_tpl_add(s, "p2", "{{a}}", 5, err, sizeof(err)) == MW_OK &&
	    mw_tpl_link(s, err, sizeof(err)) == MW_OK) {
		bool trusted = memchr(data, '<', size) || memmem(data, size, "{{{", 3) ||
			       memmem(data, size, "{{&", 3);

		out.max = 1 << 20;
		rc = mw_tpl_render(s, "t", ctx, msg, NULL, &out);
		FUZZ_CHECK(rc == MW_OK || rc == MW_ERR_INVALID || rc == MW_ERR_TOO_LARGE,
			   "render failed with %d", rc);
		if (rc == MW_OK && !trusted)
			FUZZ_CHECK(!out.len || !memchr(out.ptr, '<', out.len),
				   "a value reached the output unescaped");
	}
	mw_buf_release(&out);
	json_decref(ctx);
	mw_tpl_set_free(s);
	return 0;
}
