/*
 * template.c - message templates: the built-in defaults
 * (data/notify_templates.tsv, compiled in), the admin's edits from the
 * store on top, and rendering with variables.
 *
 * The syntax is small on purpose: {{name}} and {{#name}}...{{/name}}
 * (the part between only when name is set and not empty), no nesting of
 * the same name, no expressions. Variables are the members of a JSON
 * object; integers whose name ends in "_at" are instants, written out in
 * the message's language.
 */
#include "notify_int.h"
#include "../base/embedded.h"
#include "../base/mw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* The variables templates may use (mw_notify_vars and events.c fill them). */
static const char *const known_vars[] = {
	"office", "receipt_no", "title", "category", "department", "department_en", "status",
	"due_at", "new_due_at", "info_due_at", "scheduled_at", "cooperation_due_at", "reason",
	"reason_en", "to_department", "from_department", "assignee", "address", "track_url",
	"session", "text", "code",
};

#define NAME_MAX_LEN 40

static bool known_var(const char *name, size_t len)
{
	for (size_t i = 0; i < MW_ARRAY_LEN(known_vars); i++)
		if (strlen(known_vars[i]) == len && !memcmp(known_vars[i], name, len))
			return true;
	return false;
}

bool mw_notify_template_channel_ok(const char *channel)
{
	return channel && (!strcmp(channel, "email") || !strcmp(channel, "text") ||
			   !strcmp(channel, "inbox") || !strcmp(channel, "timeline"));
}

/* Finds the next tag at or after p: "{{" [#/] name "}}". Returns its
 * start or NULL; fills the tag's sigil ('\0', '#', '/'), name and end. */
static const char *next_tag(const char *p, char *sigil, const char **name, size_t *len,
			    const char **end)
{
	const char *s = strstr(p, "{{"), *e;

	if (!s)
		return NULL;
	e = strstr(s + 2, "}}");
	if (!e)
		return NULL;
	*sigil = s[2] == '#' || s[2] == '/' ? s[2] : '\0';
	*name = s + 2 + (*sigil != '\0');
	*len = (size_t)(e - *name);
	*end = e + 2;
	return s;
}

int mw_notify_template_check(const char *text, char *err, size_t errsz)
{
	const char *p = text, *open_name = NULL;
	size_t open_len = 0;

	for (;;) {
		char sigil;
		const char *name, *end, *tag = next_tag(p, &sigil, &name, &open_len, &end);
		size_t len = open_len;

		if (!tag) {
			if (strstr(p, "{{") || strstr(p, "}}")) {
				snprintf(err, errsz, "unbalanced {{ or }} in the template");
				return MW_ERR_INVALID;
			}
			break;
		}
		if (strstr(p, "}}") && strstr(p, "}}") < tag) {
			snprintf(err, errsz, "unbalanced {{ or }} in the template");
			return MW_ERR_INVALID;
		}
		if (len == 0 || len > NAME_MAX_LEN || !known_var(name, len)) {
			snprintf(err, errsz, "unknown variable {{%.*s}}; known: office, receipt_no, "
				 "title, department, due_at, reason, ...", (int)(len > 40 ? 40 : len),
				 name);
			return MW_ERR_INVALID;
		}
		if (sigil == '#') {
			if (open_name) {
				snprintf(err, errsz, "sections {{#...}} cannot nest");
				return MW_ERR_INVALID;
			}
			open_name = name;
			open_len = len;
		} else if (sigil == '/') {
			if (!open_name || len != open_len || memcmp(name, open_name, len)) {
				snprintf(err, errsz, "{{/%.*s}} closes no open section", (int)len,
					 name);
				return MW_ERR_INVALID;
			}
			open_name = NULL;
		}
		p = end;
	}
	if (open_name) {
		snprintf(err, errsz, "section {{#%.*s}} is not closed", (int)open_len, open_name);
		return MW_ERR_INVALID;
	}
	return MW_OK;
}

void mw_tmpl_time(mw_time t, const char *lang, char *out, size_t outsz)
{
	static const char *const wd_ko[] = { "일", "월", "화", "수", "목", "금", "토" };
	static const char *const wd_en[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	mw_civil c;

	mw_time_to_kst(t, &c);
	if (lang && !strcmp(lang, "en"))
		snprintf(out, outsz, "%s %d %s %d, %02d:%02d KST", wd_en[c.wday], c.day,
			 mon_en[c.month - 1], c.year, c.hour, c.min);
	else
		snprintf(out, outsz, "%d년 %d월 %d일(%s) %02d:%02d", c.year, c.month, c.day,
			 wd_ko[c.wday], c.hour, c.min);
}

static bool ends_with_at(const char *name, size_t len)
{
	return len > 3 && !memcmp(name + len - 3, "_at", 3);
}

/* The variable's text into out (empty when unset). */
static void var_text(json_t *vars, const char *name, size_t len, const char *lang, mw_buf *out)
{
	char key[NAME_MAX_LEN + 1], when[64];
	json_t *v;

	if (len > NAME_MAX_LEN)
		return;
	memcpy(key, name, len);
	key[len] = '\0';
	v = json_object_get(vars, key);
	if (json_is_string(v)) {
		mw_buf_puts(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		if (ends_with_at(name, len)) {
			if (json_integer_value(v) > 0) {
				mw_tmpl_time(json_integer_value(v), lang, when, sizeof(when));
				mw_buf_puts(out, when);
			}
		} else {
			mw_buf_printf(out, "%lld", (long long)json_integer_value(v));
		}
	}
}

static bool var_set(json_t *vars, const char *name, size_t len, const char *lang)
{
	mw_buf b = MW_BUF_INIT;
	bool set;

	var_text(vars, name, len, lang, &b);
	set = b.len > 0;
	mw_buf_release(&b);
	return set;
}

int mw_tmpl_render(const char *text, json_t *vars, const char *lang, mw_buf *out)
{
	const char *p = text;
	bool skipping = false;

	for (;;) {
		char sigil;
		const char *name, *end;
		size_t len;
		const char *tag = next_tag(p, &sigil, &name, &len, &end);

		if (!tag) {
			if (!skipping)
				mw_buf_puts(out, p);
			break;
		}
		if (!skipping)
			mw_buf_append(out, p, (size_t)(tag - p));
		if (sigil == '#')
			skipping = !var_set(vars, name, len, lang);
		else if (sigil == '/')
			skipping = false;
		else if (!skipping)
			var_text(vars, name, len, lang, out);
		p = end;
	}
	return out->ptr || !*text ? MW_OK : MW_ERR_NOMEM;
}

/* ---- loading ----------------------------------------------------------- */

/* Undoes the TSV escapes: \n, \t, \\. */
static char *unescape(mw_arena *a, const char *s, size_t n)
{
	char *out = mw_arena_alloc(a, n + 1);
	size_t j = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char c = s[++i];

			out[j++] = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		} else {
			out[j++] = s[i];
		}
	}
	out[j] = '\0';
	return out;
}

/* A new zeroed slot at the end of an arena array; NULL on OOM. */
static mw_tmpl *push(mw_arena *a, mw_tmpl **items, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		mw_tmpl *grown = mw_arena_alloc(a, nc * sizeof(*grown));

		if (!grown)
			return NULL;
		if (*n)
			memcpy(grown, *items, *n * sizeof(*grown));
		*items = grown;
		*cap = nc;
	}
	return &(*items)[(*n)++];
}

/* Reads the built-in table: one template a line, five tab-separated
 * fields. Lines starting with # and malformed lines are skipped (the
 * unit test checks that every line of the shipped file parses). */
static int load_defaults(mw_arena *a, mw_tmpl **items, size_t *n, size_t *cap)
{
	const struct mw_embedded *f = mw_embedded_find("notify_templates.tsv");
	const char *p = f ? f->data : "";

	while (*p) {
		const char *eol = strchr(p, '\n'), *field[5], *q = p;
		size_t flen[5];
		int k = 0;

		if (!eol)
			eol = p + strlen(p);
		while (k < 5 && q <= eol) {
			const char *tab = memchr(q, '\t', (size_t)(eol - q));
			const char *stop = tab && k < 4 ? tab : eol;

			field[k] = q;
			flen[k++] = (size_t)(stop - q);
			q = stop + 1;
		}
		if (*p != '#' && k == 5) {
			mw_tmpl *t = push(a, items, n, cap);

			if (!t)
				return MW_ERR_NOMEM;
			t->kind = unescape(a, field[0], flen[0]);
			t->channel = unescape(a, field[1], flen[1]);
			t->lang = unescape(a, field[2], flen[2]);
			t->subject = unescape(a, field[3], flen[3]);
			t->body = unescape(a, field[4], flen[4]);
			t->custom = false;
			if (!t->kind || !t->channel || !t->lang || !t->subject || !t->body)
				return MW_ERR_NOMEM;
		}
		p = *eol ? eol + 1 : eol;
	}
	return MW_OK;
}

static mw_tmpl *find_mut(mw_tmpl *items, size_t n, const char *kind, const char *channel,
			 const char *lang)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].kind, kind) && !strcmp(items[i].channel, channel) &&
		    !strcmp(items[i].lang, lang))
			return &items[i];
	return NULL;
}

int mw_tmpl_load(mw_store *s, mw_tmpl_set **out)
{
	mw_tmpl_set *t = calloc(1, sizeof(*t));
	mw_notify_template *rows;
	size_t nrows, cap = 0;
	int rc;

	if (!t)
		return MW_ERR_NOMEM;
	t->refs = 1;
	if ((rc = load_defaults(&t->arena, &t->items, &t->n, &cap)))
		goto fail;
	if (s && (rc = mw_store_notify_templates(s, &t->arena, &rows, &nrows)))
		goto fail;
	for (size_t i = 0; s && i < nrows; i++) {
		mw_tmpl *m = find_mut(t->items, t->n, rows[i].kind, rows[i].channel, rows[i].lang);

		if (!m) {
			if (!(m = push(&t->arena, &t->items, &t->n, &cap))) {
				rc = MW_ERR_NOMEM;
				goto fail;
			}
			m->kind = rows[i].kind;
			m->channel = rows[i].channel;
			m->lang = rows[i].lang;
		}
		m->subject = rows[i].subject;
		m->body = rows[i].body;
		m->custom = true;
	}
	*out = t;
	return MW_OK;
fail:
	mw_arena_release(&t->arena);
	free(t);
	return rc;
}

void mw_tmpl_put(mw_tmpl_set *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1) {
		mw_arena_release(&t->arena);
		free(t);
	}
}

const mw_tmpl *mw_tmpl_find(const mw_tmpl_set *t, const char *kind, const char *channel,
			    const char *lang)
{
	const mw_tmpl *m = find_mut(t->items, t->n, kind, channel, lang ? lang : "ko");

	return m ? m : find_mut(t->items, t->n, kind, channel, "ko");
}
