/*
 * web.c - the parts every page shares: loading the embedded templates,
 * catalogues and assets; the page lifecycle (language, easy mode, CSRF,
 * running an API handler in-process, rendering, redirects, cookies);
 * dates in KST; the static file handler and the HTML error page.
 */
#include "web_int.h"
#include "../base/embedded.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../base/timeutil.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define PAGE_MAX_BYTES ((size_t)4 << 20)
#define YEAR_SECONDS (365 * 86400)
#define TRACK_COOKIE_SECONDS 3600

static const char *const lang_codes[MW_LANG__COUNT] = { "ko", "en" };

/* ---- loading ---------------------------------------------------------- */

static const struct {
	const char *ext;
	const char *type;
} content_types[] = {
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".png", "image/png" },
	{ ".svg", "image/svg+xml" },
	{ ".ico", "image/x-icon" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".json", "application/json" },
	{ ".txt", "text/plain; charset=utf-8" },
};

static const char *content_type_of(const char *path)
{
	size_t n = strlen(path);

	for (size_t i = 0; i < MW_ARRAY_LEN(content_types); i++) {
		size_t k = strlen(content_types[i].ext);

		if (n > k && !strcmp(path + n - k, content_types[i].ext))
			return content_types[i].type;
	}
	return "text/plain; charset=utf-8"; /* LICENSE and the like */
}

static int cmp_asset(const void *a, const void *b)
{
	return strcmp(((const mw_asset *)a)->path, ((const mw_asset *)b)->path);
}

static int load_assets(mw_web *w)
{
	crypto_generichash_state all;
	unsigned char h[16];
	char hex[33];
	size_t n = 0;

	for (const struct mw_embedded *e = mw_embedded_files; e->name; e++)
		n += !strncmp(e->name, "static/", 7);
	w->assets = calloc(n ? n : 1, sizeof(*w->assets));
	if (!w->assets)
		return MW_ERR_NOMEM;
	for (const struct mw_embedded *e = mw_embedded_files; e->name; e++) {
		mw_asset *a;

		if (strncmp(e->name, "static/", 7))
			continue;
		a = &w->assets[w->nassets++];
		a->path = e->name + 7;
		a->data = e->data;
		a->len = e->len;
		a->content_type = content_type_of(a->path);
		crypto_generichash(h, sizeof(h) / 2, (const unsigned char *)e->data, e->len, NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h) / 2);
		snprintf(a->etag, sizeof(a->etag), "\"%s\"", hex);
	}
	qsort(w->assets, w->nassets, sizeof(*w->assets), cmp_asset);
	crypto_generichash_init(&all, NULL, 0, sizeof(h) / 2);
	for (size_t i = 0; i < w->nassets; i++)
		crypto_generichash_update(&all, (const unsigned char *)w->assets[i].etag,
					  strlen(w->assets[i].etag));
	crypto_generichash_final(&all, h, sizeof(h) / 2);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h) / 2);
	snprintf(w->static_prefix, sizeof(w->static_prefix), "/static/v/%s", hex);
	return MW_OK;
}

static const mw_asset *find_asset(const mw_web *w, const char *path)
{
	mw_asset key = { .path = path };

	return w->nassets ? bsearch(&key, w->assets, w->nassets, sizeof(key), cmp_asset) : NULL;
}

struct key_check {
	const mw_web *w;
	char *err;
	size_t errsz;
	bool bad;
};

static void check_key(void *ctx, const char *key)
{
	struct key_check *kc = ctx;

	for (int l = 0; l < MW_LANG__COUNT && !kc->bad; l++)
		if (!mw_catalog_get(kc->w->cat[l], key)) {
			snprintf(kc->err, kc->errsz, "i18n/%s.tsv has no text for %s (used by a template)",
				 lang_codes[l], key);
			kc->bad = true;
		}
}

/* The CSP source of the tile server: the URL's origin, with a
 * "{s}." subdomain placeholder widened to "*.". */
static void tile_origin(const char *url, char *out, size_t outsz)
{
	const char *host = strstr(url, "://"), *end;
	size_t schemelen;

	out[0] = '\0';
	if (!host)
		return;
	schemelen = (size_t)(host - url);
	host += 3;
	end = strchr(host, '/');
	if (!end)
		end = host + strlen(host);
	if (!strncmp(host, "{s}.", 4))
		snprintf(out, outsz, "%.*s://*.%.*s", (int)schemelen, url, (int)(end - host - 4),
			 host + 4);
	else
		snprintf(out, outsz, "%.*s://%.*s", (int)schemelen, url, (int)(end - host), host);
	/* Only plain host characters may reach a header. */
	for (char *p = out; *p; p++)
		if (*p == ';' || *p == ',' || *p == ' ' || *p == '\'' || (unsigned char)*p < 0x21 ||
		    (unsigned char)*p > 0x7e) {
			out[0] = '\0';
			return;
		}
}

int mw_web_new(const mw_web_config *cfg, mw_web **out, char *errbuf, size_t errsz)
{
	mw_web *w = calloc(1, sizeof(*w));
	struct key_check kc = { .err = errbuf, .errsz = errsz };
	char origin[300];
	int rc = MW_OK;

	*out = NULL;
	if (!w || !(w->tpl = mw_tpl_set_new())) {
		free(w);
		return MW_ERR_NOMEM;
	}
	for (const struct mw_embedded *e = mw_embedded_files; e->name && !rc; e++) {
		size_t n = strlen(e->name);

		if (!strncmp(e->name, "templates/", 10) && n > 15 && !strcmp(e->name + n - 5, ".html")) {
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)(n - 15), e->name + 10);
			rc = mw_tpl_add(w->tpl, name, e->data, e->len, errbuf, errsz);
		}
	}
	for (int l = 0; l < MW_LANG__COUNT && !rc; l++)
		rc = mw_catalog_load_lang(lang_codes[l], &w->cat[l], errbuf, errsz);
	if (!rc)
		rc = mw_tpl_link(w->tpl, errbuf, errsz);
	if (!rc) {
		kc.w = w;
		mw_tpl_each_msg_key(w->tpl, check_key, &kc);
		if (kc.bad)
			rc = MW_ERR_NOTFOUND;
	}
	if (!rc)
		rc = load_assets(w);
	if (rc) {
		mw_web_free(w);
		return rc;
	}
	mw_strlcpy(w->tile_url, cfg && cfg->tile_url ? cfg->tile_url : "", sizeof(w->tile_url));
	tile_origin(w->tile_url, origin, sizeof(origin));
	snprintf(w->csp, sizeof(w->csp),
		 "default-src 'self'; img-src 'self' data: blob:%s%s; script-src 'self'; "
		 "style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
		 "form-action 'self'",
		 origin[0] ? " " : "", origin);
	*out = w;
	return MW_OK;
}

void mw_web_free(mw_web *w)
{
	if (!w)
		return;
	mw_tpl_set_free(w->tpl);
	for (int l = 0; l < MW_LANG__COUNT; l++)
		mw_catalog_free(w->cat[l]);
	free(w->assets);
	free(w);
}

/* ---- static files ------------------------------------------------------ */

/* GET /static/{*}: "v/<hash>/<path>" is cached for a year (the hash
 * names this build's assets), a bare "<path>" revalidates by ETag. */
int web_static(mw_req *r)
{
	const mw_web *w = r->app->web;
	const char *path = mw_req_param(r, 0), *inm;
	const mw_asset *a;
	bool versioned = false;
	size_t plen;

	if (!w) {
		mw_resp_error(r, 404, "not_found", "no such file");
		return MW_OK;
	}
	plen = strlen(w->static_prefix) - 8; /* "v/<hash>" without "/static/" */
	if (!strncmp(path, "v/", 2)) {
		if (strncmp(path, w->static_prefix + 8, plen) || path[plen] != '/') {
			mw_web_error_page(r, 404);
			return MW_OK;
		}
		path += plen + 1;
		versioned = true;
	}
	a = find_asset(w, path);
	if (!a) {
		mw_web_error_page(r, 404);
		return MW_OK;
	}
	r->cache_control = versioned ? "public, max-age=31536000, immutable" : "no-cache";
	mw_resp_header(r, "ETag", a->etag);
	inm = mw_req_header(r, "If-None-Match");
	if (inm && strstr(inm, a->etag)) {
		mw_resp_static(r, 304, NULL, "", 0);
		return MW_OK;
	}
	mw_resp_static(r, 200, a->content_type, a->data, a->len);
	return MW_OK;
}

/* ---- the page lifecycle ------------------------------------------------ */

struct cookie {
	struct cookie *next;
	const char *header;
};

struct page_priv {
	mw_page pg;
	struct cookie *cookies;
};

static void page_cleanup(mw_req *r)
{
	mw_page *pg = r->page;

	if (!pg)
		return;
	json_decref(pg->view);
	json_decref(pg->answer);
	pg->view = pg->answer = NULL;
	r->page = NULL;
}

const char *mw_page_msg(const mw_page *pg, const char *key)
{
	const char *t = mw_catalog_get(pg->web->cat[pg->lang], key);

	if (!t)
		t = mw_catalog_get(pg->web->cat[MW_LANG_KO], key);
	return t ? t : key;
}

const char *mw_page_msg2(const mw_page *pg, const char *prefix, const char *key)
{
	char k[160];

	const char *t;

	snprintf(k, sizeof(k), "%s%s", prefix, key ? key : "");
	t = mw_page_msg(pg, k);
	return t == k ? mw_arena_strdup(&pg->r->arena, k) : t;
}

const char *mw_page_msg_fill(mw_page *pg, const char *key, const char *arg)
{
	const char *pattern = mw_page_msg(pg, key), *hole = strstr(pattern, "{}");
	const char *t;

	if (!hole)
		return pattern;
	t = mw_arena_printf(&pg->r->arena, "%.*s%s%s", (int)(hole - pattern), pattern,
			    arg ? arg : "", hole + 2);
	return t ? t : pattern;
}

static const char *tpl_msg(void *ctx, const char *key)
{
	const mw_page *pg = ctx;
	const char *t = mw_catalog_get(pg->web->cat[pg->lang], key);

	return t ? t : mw_catalog_get(pg->web->cat[MW_LANG_KO], key);
}

void mw_page_cookie(mw_page *pg, const char *name, const char *value, int max_age, bool strict)
{
	struct page_priv *pp = (struct page_priv *)pg;
	struct cookie *c = mw_arena_alloc(&pg->r->arena, sizeof(*c));
	bool secure = !strncmp(pg->r->app->public_url, "https:", 6);

	if (!c)
		return;
	if (max_age >= 0)
		c->header = mw_arena_printf(&pg->r->arena, "%s=%s; Path=/; HttpOnly; SameSite=%s%s; Max-Age=%d",
					    name, max_age ? value : "", strict ? "Strict" : "Lax",
					    secure ? "; Secure" : "", max_age);
	else
		c->header = mw_arena_printf(&pg->r->arena, "%s=%s; Path=/; HttpOnly; SameSite=%s%s", name,
					    value, strict ? "Strict" : "Lax", secure ? "; Secure" : "");
	if (!c->header)
		return;
	c->next = pp->cookies;
	pp->cookies = c;
}

/* The headers every page answer carries. Of what the API handler added
 * only its cookies stay (the session of a sign-in, its end at sign-out);
 * the rest (ETag, Idempotent-Replayed, ...) described the JSON. */
static void page_headers(mw_page *pg)
{
	struct page_priv *pp = (struct page_priv *)pg;
	mw_req *r = pg->r;
	const char *api_cookies[MW_MAX_RESP_HEADERS];
	int n = 0;

	for (int i = 0; i < r->nhdr; i++)
		if (!strcmp(r->hdr_name[i], "Set-Cookie"))
			api_cookies[n++] = r->hdr_value[i];
	mw_resp_headers_clear(r);
	for (int i = 0; i < n; i++)
		mw_resp_header(r, "Set-Cookie", api_cookies[i]);
	r->cache_control = "no-store";
	for (struct cookie *c = pp->cookies; c; c = c->next)
		mw_resp_header(r, "Set-Cookie", c->header);
	mw_resp_header(r, "Content-Security-Policy", pg->web->csp);
	mw_resp_header(r, "X-Frame-Options", "DENY");
	mw_resp_header(r, "Content-Language", lang_codes[pg->lang]);
}

/* Is t made of min to max characters of [A-Za-z0-9_-] (our tokens)? */
static bool token_chars(const char *t, size_t min, size_t max)
{
	size_t n = t ? strlen(t) : 0;

	if (!t || n < min || n > max)
		return false;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '-' || *t == '_'))
			return false;
	return true;
}

/* The citizen forms' CSRF token: a MAC of the browser cookie under the
 * server's key, so a page of another site can neither read nor forge it. */
static void browser_csrf(const mw_keys *k, const char *browser, char *out, size_t outsz)
{
	unsigned char mac[16];

	crypto_generichash(mac, sizeof(mac), (const unsigned char *)browser, strlen(browser),
			   k->mac, sizeof(k->mac));
	sodium_bin2base64(out, outsz, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool query_flag(mw_req *r, const char *name, bool *out)
{
	const char *v = mw_req_query(r, name);

	if (!v)
		return false;
	*out = !strcmp(v, "1") || !strcmp(v, "on");
	return true;
}

mw_page *mw_page_begin(mw_req *r)
{
	struct page_priv *pp;
	mw_page *pg;
	const char *lang, *browser, *easy;
	char browser_new[MW_TOKEN_CHARS + 1];
	bool flag;

	if (!r->app->web) {
		mw_resp_error(r, 503, "not_configured", "this server serves no pages");
		return NULL;
	}
	pp = mw_arena_alloc(&r->arena, sizeof(*pp));
	if (!pp) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		return NULL;
	}
	pg = &pp->pg;
	pg->r = r;
	pg->web = r->app->web;
	r->page = pg;
	r->cleanup = page_cleanup;

	lang = mw_req_query(r, "lang");
	if (lang && (!strcmp(lang, "ko") || !strcmp(lang, "en")))
		mw_page_cookie(pg, MW_COOKIE_LANG, lang, YEAR_SECONDS, false);
	else
		lang = mw_req_cookie(r, MW_COOKIE_LANG);
	pg->lang = lang && !strcmp(lang, "en") ? MW_LANG_EN : MW_LANG_KO;
	if (query_flag(r, "easy", &flag)) {
		pg->easy = flag;
		mw_page_cookie(pg, MW_COOKIE_EASY, flag ? "1" : "0", YEAR_SECONDS, false);
	} else {
		easy = mw_req_cookie(r, MW_COOKIE_EASY);
		pg->easy = easy && !strcmp(easy, "1");
	}

	if (r->auth) {
		mw_strlcpy(pg->csrf, r->auth->csrf, sizeof(pg->csrf));
	} else {
		browser = mw_req_cookie(r, MW_COOKIE_BROWSER);
		if (!token_chars(browser, MW_TOKEN_CHARS, MW_TOKEN_CHARS)) {
			mw_token_new(browser_new);
			browser = mw_arena_strdup(&r->arena, browser_new);
			mw_page_cookie(pg, MW_COOKIE_BROWSER, browser, YEAR_SECONDS, false);
		}
		browser_csrf(&r->app->keys, browser ? browser : "", pg->csrf, sizeof(pg->csrf));
	}

	pg->view = json_pack("{s:s, s:b, s:b, s:s, s:s, s:s, s:s, s:b}", "lang",
			     lang_codes[pg->lang], "is_ko", pg->lang == MW_LANG_KO, "easy", pg->easy,
			     "csrf", pg->csrf, "static", pg->web->static_prefix, "path", r->path,
			     "tile_url", pg->web->tile_url, "signed_in", r->auth != NULL);
	if (!pg->view) {
		mw_resp_err(r, MW_ERR_NOMEM, "out of memory");
		return NULL;
	}
	return pg;
}

int mw_page_form(mw_page *pg)
{
	mw_req *r = pg->r;
	const char *sent;
	int rc;

	/* The body buffer may end without a NUL when empty. */
	rc = mw_form_parse(&r->arena, mw_req_header(r, "Content-Type"), r->body.ptr ? r->body.ptr : "",
			   r->body.len, &pg->form);
	if (rc) {
		mw_web_error_page(r, rc == MW_ERR_UNSUPPORTED ? 415 : 400);
		return rc;
	}
	sent = mw_form_get(&pg->form, "csrf");
	if (!sent || strlen(sent) != strlen(pg->csrf) || !mw_ct_streq(sent, pg->csrf)) {
		mw_log_info("web", "event=csrf_refused route=%s", r->route ? r->route->name : "-");
		mw_web_error_page(r, 403);
		return MW_ERR_FORBIDDEN;
	}
	return MW_OK;
}

const char *mw_page_field(const mw_page *pg, const char *name)
{
	const char *v = mw_form_get(&pg->form, name);

	return v ? v : "";
}

const char *mw_page_field_opt(const mw_page *pg, const char *name)
{
	const char *v = mw_page_field(pg, name);

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	return *v ? v : NULL;
}

static void page_answered(mw_req *r)
{
	mw_page *pg = r->page;
	json_t *answer = NULL;

	if (r->resp_body && r->content_type && !strncmp(r->content_type, "application/json", 16))
		answer = json_loadb(r->resp_body, r->resp_len, 0, NULL);
	json_decref(pg->answer);
	pg->answer = answer;
	pg->then(pg, r->status, answer);
}

void mw_page_call(mw_page *pg, mw_handler h, json_t *body, mw_page_then then)
{
	mw_req *r = pg->r;

	if (body) {
		char *s = json_dumps(body, JSON_COMPACT);

		/* The raw form stays alive: file parts point into it. */
		if (!r->form_body.ptr) {
			r->form_body = r->body;
			r->body = (mw_buf)MW_BUF_INIT;
		}
		mw_buf_reset(&r->body);
		if (!s || mw_buf_puts(&r->body, s)) {
			free(s);
			mw_web_error_page(r, 503);
			return;
		}
		free(s);
		mw_req_set_header(r, "Content-Type", "application/json");
	}
	pg->then = then;
	r->render = page_answered;
	r->status = 0;
	h(r);
	/* A handler that answered at once: go on now. One that suspended
	 * goes on from the server's render step after the resume. */
	if (!r->suspended && r->render == page_answered) {
		r->render = NULL;
		page_answered(r);
	}
}

int mw_page_call_raw(mw_page *pg, mw_handler h, const char *data, size_t len)
{
	mw_req *r = pg->r;
	mw_buf saved = r->body;

	r->body = (mw_buf){ (char *)data, len, len, 0 };
	mw_req_set_header(r, "Content-Type", "application/octet-stream");
	r->status = 0;
	h(r);
	MW_ASSERT(!r->suspended);
	r->body = saved;
	return r->status;
}

void mw_page_track(mw_page *pg, const char *receipt, const char *token)
{
	char *v = mw_arena_printf(&pg->r->arena, "%s.%s", receipt, token);

	mw_page_cookie(pg, MW_COOKIE_TRACK, v ? v : "", v ? TRACK_COOKIE_SECONDS : 0, true);
}

void mw_page_assets(mw_page *pg, const char *css, const char *js)
{
	if (css)
		json_object_set_new(pg->view, "page_css", json_pack("[s]", css));
	if (js)
		json_object_set_new(pg->view, "page_js", json_pack("[s]", js));
}

const char *mw_page_category(const mw_page *pg, const char *code, const char *api_name)
{
	char key[96];
	const char *en;

	if (pg->lang == MW_LANG_KO || !code)
		return api_name;
	snprintf(key, sizeof(key), "category.%s", code);
	en = mw_catalog_get(pg->web->cat[pg->lang], key);
	return en ? en : api_name;
}

json_t *mw_page_categories(const mw_page *pg, json_t *items, const char *chosen)
{
	json_t *out = json_array(), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		const char *code = json_string_value(json_object_get(it, "code"));
		const char *name = json_string_value(json_object_get(it, "name"));

		json_array_append_new(out, json_pack("{s:s?, s:s?, s:b}", "code", code, "name",
						     mw_page_category(pg, code, name), "selected",
						     chosen && code && !strcmp(chosen, code)));
	}
	return out;
}

void mw_page_post(mw_page *pg, mw_handler h, json_t *body, mw_page_then then)
{
	if (!body) {
		mw_web_error_page(pg->r, 503);
		return;
	}
	mw_page_call(pg, h, body, then);
	json_decref(body);
}

void mw_page_render(mw_page *pg, int status, const char *tpl)
{
	mw_req *r = pg->r;
	mw_buf out = MW_BUF_INIT;
	size_t len;
	char *html;
	int rc;

	out.max = PAGE_MAX_BYTES;
	if (pg->before_render)
		pg->before_render(pg);
	rc = mw_tpl_render(pg->web->tpl, tpl, pg->view, tpl_msg, pg, &out);
	if (rc) {
		mw_log_error("web", "event=render_failed template=%s err=%s", tpl, mw_err_code(rc));
		mw_buf_release(&out);
		page_headers(pg);
		mw_resp_text(r, 500, "text/plain; charset=utf-8", "internal error\n");
		return;
	}
	html = mw_buf_detach(&out, &len);
	page_headers(pg);
	if (!html) {
		mw_resp_text(r, 503, "text/plain; charset=utf-8", "out of memory\n");
		return;
	}
	mw_resp_bytes(r, status, "text/html; charset=utf-8", html, len);
}

void mw_page_redirect(mw_page *pg, const char *location)
{
	page_headers(pg);
	mw_resp_header(pg->r, "Location", location);
	mw_resp_static(pg->r, 303, NULL, "", 0);
}

/* ---- dates ------------------------------------------------------------- */

/* Fills a catalogue pattern: {Y} {M} {D} {W} {MON} {AP} {h} {mm}. */
static void fill_pattern(mw_buf *b, const mw_page *pg, const char *pat, const mw_civil *c)
{
	char weekdays[128], months[160], word[32];
	const char *wd = mw_page_msg(pg, "date.weekdays"), *mon = mw_page_msg(pg, "date.months");

	mw_strlcpy(weekdays, wd, sizeof(weekdays));
	mw_strlcpy(months, mon, sizeof(months));
	while (*pat) {
		const char *close;

		if (*pat != '{' || !(close = strchr(pat, '}'))) {
			mw_buf_putc(b, *pat++);
			continue;
		}
		snprintf(word, sizeof(word), "%.*s", (int)(close - pat - 1), pat + 1);
		pat = close + 1;
		if (!strcmp(word, "Y")) {
			mw_buf_printf(b, "%d", c->year);
		} else if (!strcmp(word, "M")) {
			mw_buf_printf(b, "%d", c->month);
		} else if (!strcmp(word, "D")) {
			mw_buf_printf(b, "%d", c->day);
		} else if (!strcmp(word, "h")) {
			mw_buf_printf(b, "%d", c->hour % 12 ? c->hour % 12 : 12);
		} else if (!strcmp(word, "mm")) {
			mw_buf_printf(b, "%02d", c->min);
		} else if (!strcmp(word, "AP")) {
			mw_buf_puts(b, mw_page_msg(pg, c->hour < 12 ? "date.am" : "date.pm"));
		} else if (!strcmp(word, "W") || !strcmp(word, "MON")) {
			/* The n-th space-separated word of the list. */
			const char *list = word[0] == 'W' ? weekdays : months;
			int want = word[0] == 'W' ? c->wday : c->month - 1, i = 0;
			const char *p = list;

			while (i < want && (p = strchr(p, ' ')) != NULL) {
				p++;
				i++;
			}
			if (p)
				mw_buf_append(b, p, strcspn(p, " "));
		}
	}
}

const char *mw_page_date(mw_page *pg, const char *iso, bool with_time)
{
	mw_time t;
	mw_civil c;
	mw_buf b = MW_BUF_INIT;
	char *s;
	const char *out;

	if (!iso || mw_time_parse_iso8601(iso, &t))
		return NULL;
	mw_time_to_kst(t, &c);
	fill_pattern(&b, pg, mw_page_msg(pg, "date.date"), &c);
	/* A deadline counted in days ends at 23:59:59: "by that day". */
	if (with_time && !(c.hour == 23 && c.min == 59)) {
		mw_buf_puts(&b, mw_page_msg(pg, "date.between"));
		fill_pattern(&b, pg, mw_page_msg(pg, "date.time"), &c);
	}
	s = mw_buf_detach(&b, NULL);
	out = mw_arena_strdup(&pg->r->arena, s);
	free(s);
	return out;
}

/* ---- what several pages need ------------------------------------------- */

void mw_page_put_fields(const mw_page *pg, json_t *obj, const char *const *names)
{
	const char *v;

	for (; *names; names++)
		if ((v = mw_page_field_opt(pg, *names)))
			json_object_set_new(obj, *names, json_string(v));
}

bool mw_page_key_ok(const char *s)
{
	return token_chars(s, 16, 64);
}

const char *mw_page_new_key(mw_page *pg)
{
	char key[MW_TOKEN_CHARS + 1];

	mw_token_new(key);
	return mw_arena_strdup(&pg->r->arena, key);
}

int mw_page_show(mw_req *r, mw_handler h, mw_page_then then)
{
	mw_page *pg = mw_page_begin(r);

	if (pg)
		mw_page_call(pg, h, NULL, then);
	return MW_OK;
}

void mw_page_add_error(mw_page *pg, json_t **errors, const char *field, const char *key)
{
	if (!*errors)
		*errors = json_object();
	if (!json_object_get(*errors, field))
		json_object_set_new(*errors, field, json_string(mw_page_msg(pg, key)));
}

void mw_page_view_errors(mw_page *pg, json_t *errors)
{
	json_t *list = json_array(), *v;
	const char *k;

	json_object_foreach(errors, k, v)
		json_array_append_new(list, json_pack("{s:s, s:O}", "field", k, "message", v));
	json_object_set_new(pg->view, "err", errors);
	json_object_set_new(pg->view, "error_list", list);
}

bool mw_page_receipt_cookie(mw_page *pg, const char *name, const char **receipt,
			    const char **token)
{
	const char *v = mw_req_cookie(pg->r, name), *dot;

	if (!v || !(dot = strchr(v, '.')) || dot == v || strlen(dot + 1) != MW_TOKEN_CHARS)
		return false;
	*receipt = mw_arena_strndup(&pg->r->arena, v, (size_t)(dot - v));
	*token = mw_arena_strdup(&pg->r->arena, dot + 1);
	return *receipt && *token;
}

void mw_page_citizen_target(mw_page *pg, const char *receipt, const char *token)
{
	pg->r->params[0] = receipt;
	pg->r->nparams = 1;
	mw_req_set_header(pg->r, "X-Complaint-Token", token);
}

bool mw_page_replayed(const mw_req *r)
{
	for (int i = 0; i < r->nhdr; i++)
		if (!strcmp(r->hdr_name[i], "Idempotent-Replayed"))
			return true;
	return false;
}

void mw_page_add_date(mw_page *pg, json_t *obj, const char *key, bool with_time)
{
	char k[64];
	const char *d = mw_page_date(pg, json_string_value(json_object_get(obj, key)), with_time);

	snprintf(k, sizeof(k), "%s_text", key);
	if (d)
		json_object_set_new(obj, k, json_string(d));
}

void mw_page_add_callback(mw_page *pg, json_t *c)
{
	const char *cb = json_string_value(json_object_get(c, "callback"));

	if (cb && (!strcmp(cb, "pending") || !strcmp(cb, "done")))
		json_object_set_new(c, "callback_text", json_string(mw_page_msg2(pg, "track.callback.", cb)));
}

void mw_page_receipt_view(mw_page *pg, json_t *c, const char *receipt, const char *token)
{
	char *url = token ? mw_arena_printf(&pg->r->arena, "%s/track#%s.%s", pg->r->app->public_url,
					    receipt, token)
			  : mw_arena_printf(&pg->r->arena, "%s/track#%s", pg->r->app->public_url,
					    receipt);
	char *svg = url ? mw_qr_svg(&pg->r->arena, url, mw_page_msg(pg, "receipt.qr_label")) : NULL;
	const char *category = json_string_value(json_object_get(c, "category"));
	const char *name = json_string_value(json_object_get(c, "category_name"));

	mw_page_add_date(pg, c, "due_at", true);
	mw_page_add_date(pg, c, "received_at", true);
	json_object_set_new(c, "category_text",
			    json_string(mw_page_category(pg, category, name)));
	mw_page_add_callback(pg, c);
	json_object_set(pg->view, "c", c);
	json_object_set_new(pg->view, "token", token ? json_string(token) : json_null());
	json_object_set_new(pg->view, "by_phone", json_boolean(!token));
	json_object_set_new(pg->view, "qr_svg", svg ? json_string(svg) : json_null());
}

/* ---- API refusals on forms ----------------------------------------------- */

/*
 * Which form field an API error belongs to: the error's code and a word
 * of its message (the API names the field it refuses), and the catalogue
 * key of what to tell the person. First match wins.
 */
static const struct {
	const char *code;
	const char *says;
	const char *field;
	const char *msg;
} api_field_errors[] = {
	{ "missing_field", "contact.phone", "phone", "error.callback_phone" },
	{ "too_large", "text", "text", "error.text_long" },
	{ "missing_field", "text", "text", "error.text_required" },
	{ "invalid", "field text", "text", "error.text_invalid" },
	{ "consent_required", "", "consent", "error.consent_required" },
	{ "missing_field", "consent", "consent", "error.consent_required" },
	{ "invalid", "contact.phone", "phone", "error.phone_invalid" },
	{ "invalid", "contact.email", "email", "error.email_invalid" },
	{ "too_large", "contact", "name", "error.contact_long" },
	{ "too_large", "name", "name", "error.contact_long" },
	{ "too_large", "phone", "phone", "error.phone_invalid" },
	{ "too_large", "email", "email", "error.email_invalid" },
	{ "invalid", "category", "category", "error.category_invalid" },
	{ "invalid", "lat", "location", "error.location_invalid" },
	{ "too_large", "address", "address", "error.address_long" },
};

bool mw_page_api_field_error(json_t *answer, const char **field, const char **msg_key)
{
	json_t *err = json_object_get(answer, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *message = json_string_value(json_object_get(err, "message"));

	for (size_t i = 0; code && message && i < MW_ARRAY_LEN(api_field_errors); i++)
		if (!strcmp(code, api_field_errors[i].code) &&
		    strstr(message, api_field_errors[i].says)) {
			*field = api_field_errors[i].field;
			*msg_key = api_field_errors[i].msg;
			return true;
		}
	return false;
}

/* ---- error pages ------------------------------------------------------- */

/* Where a page without a live session sends the browser: the field app
 * to its own sign-in (inside the installed app's scope, with "keep me
 * signed in"), every other staff page to the staff entrance. */
static const struct {
	const char *prefix;
	const char *page;
} sign_in_pages[] = {
	{ "/field", "/field/login" },
};

static const char *sign_in_page(const char *path)
{
	for (size_t i = 0; path && i < MW_ARRAY_LEN(sign_in_pages); i++) {
		size_t n = strlen(sign_in_pages[i].prefix);

		if (!strncmp(path, sign_in_pages[i].prefix, n) && (path[n] == '\0' || path[n] == '/'))
			return sign_in_pages[i].page;
	}
	return "/staff/login";
}

void mw_web_error_page(mw_req *r, int status)
{
	mw_page *pg = r->page;
	char key[32];

	if (!r->app->web) {
		mw_resp_error(r, status, status == 404 ? "not_found" : "error", "no such page");
		return;
	}
	if (!pg && !(pg = mw_page_begin(r)))
		return;
	/* A staff page without a (live) session: sign in first. */
	if (status == 401) {
		mw_page_redirect(pg, sign_in_page(r->path));
		return;
	}
	snprintf(key, sizeof(key), "error.%d", status);
	if (!mw_catalog_get(pg->web->cat[MW_LANG_KO], key))
		snprintf(key, sizeof(key), "error.%d", status >= 500 ? 500 : 400);
	json_object_set_new(pg->view, "title", json_string(mw_page_msg(pg, key)));
	json_object_set_new(pg->view, "status", json_integer(status));
	json_object_set_new(pg->view, "message", json_string(mw_page_msg2(pg, key, ".text")));
	mw_page_render(pg, status, "error");
}
