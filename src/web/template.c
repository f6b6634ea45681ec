/*
 * template.c - compile mustache-subset templates into flat node lists and
 * render them over jansson values (see template.h for the language).
 *
 * A section node records the index just past its body, so rendering is a
 * loop over an index range that recurses only into section bodies and
 * partials; both depths are bounded.
 */
#include "template.h"
#include "../base/arena.h"
#include "../base/mw.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

#define MAX_SECTION_NESTING 32
#define MAX_PARTIAL_DEPTH 16
#define MAX_CONTEXT_DEPTH 64

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL, N_MSG };

struct node {
	enum node_kind kind;
	const char *s;      /* text (not NUL-terminated) or name */
	size_t len;         /* of the text */
	const char *arg;    /* {{@key arg}}: the variable, or NULL */
	int end;            /* sections: index just past the body */
	int line;
};

struct tpl {
	const char *name;
	struct node *nodes;
	int n;
};

struct mw_tpl_set {
	mw_arena arena;     /* names and template sources */
	struct tpl *t;
	size_t n, cap;
};

mw_tpl_set *mw_tpl_set_new(void)
{
	return calloc(1, sizeof(mw_tpl_set));
}

void mw_tpl_set_free(mw_tpl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->t[i].nodes);
	free(s->t);
	mw_arena_release(&s->arena);
	free(s);
}

static const struct tpl *find(const mw_tpl_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->t[i].name, name))
			return &s->t[i];
	return NULL;
}

/* ---- compiling ------------------------------------------------------- */

struct parser {
	mw_tpl_set *set;
	const char *name;
	struct node *nodes;
	int n, cap;
	char *err;
	size_t errsz;
};

static int fail(struct parser *p, int line, const char *what)
{
	snprintf(p->err, p->errsz, "%s:%d: %s", p->name, line, what);
	return MW_ERR_INVALID;
}

static int push_node(struct parser *p, struct node nd)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		struct node *nn = realloc(p->nodes, (size_t)cap * sizeof(*nn));

		if (!nn)
			return MW_ERR_NOMEM;
		p->nodes = nn;
		p->cap = cap;
	}
	p->nodes[p->n++] = nd;
	return MW_OK;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* "." alone, or dot-separated non-empty parts of name characters. */
static bool valid_name(const char *s, size_t n)
{
	if (n == 1 && s[0] == '.')
		return true;
	if (!n || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return false;
	return true;
}

static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\n' ||
		      (*s)[*n - 1] == '\r'))
		(*n)--;
}

static int count_lines(const char *s, size_t n)
{
	int lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	return lines;
}

static const char *find_str(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(hay + i, needle, k))
			return hay + i;
	return NULL;
}

/* One tag's content (between the braces), with its sigil. */
static int compile_tag(struct parser *p, bool triple, const char *c, size_t n, int line,
		       int *stack, int *depth)
{
	struct node nd = { .line = line };
	char sigil = triple ? '&' : (n ? c[0] : '\0');
	const char *arg = NULL;
	size_t argn = 0;

	if (!triple && n && strchr("#^/>@!&", sigil)) {
		c++;
		n--;
	} else if (!triple) {
		sigil = '\0';
	}
	if (sigil == '!')
		return MW_OK;
	trim(&c, &n);
	if (sigil == '@') {
		const char *sp = memchr(c, ' ', n);

		if (sp) {
			arg = sp + 1;
			argn = n - (size_t)(arg - c);
			n = (size_t)(sp - c);
			trim(&arg, &argn);
			if (!valid_name(arg, argn))
				return fail(p, line, "bad variable name in {{@key name}}");
		}
	}
	if (!valid_name(c, n))
		return fail(p, line, "bad or empty tag name");
	nd.s = mw_arena_strndup(&p->set->arena, c, n);
	nd.arg = arg ? mw_arena_strndup(&p->set->arena, arg, argn) : NULL;
	if (!nd.s || (arg && !nd.arg))
		return MW_ERR_NOMEM;
	switch (sigil) {
	case '#':
	case '^':
		if (*depth == MAX_SECTION_NESTING)
			return fail(p, line, "sections nested too deeply");
		nd.kind = sigil == '#' ? N_SECTION : N_INVERTED;
		stack[(*depth)++] = p->n;
		return push_node(p, nd);
	case '/': {
		struct node *open;

		if (!*depth)
			return fail(p, line, "closing a section that is not open");
		open = &p->nodes[stack[*depth - 1]];
		if (strcmp(open->s, nd.s))
			return fail(p, line, "closing tag does not match the open section");
		open->end = p->n;
		(*depth)--;
		return MW_OK;
	}
	case '>':
		nd.kind = N_PARTIAL;
		break;
	case '@':
		nd.kind = N_MSG;
		break;
	case '&':
		nd.kind = N_RAW;
		break;
	default:
		nd.kind = N_VAR;
		break;
	}
	return push_node(p, nd);
}

int mw_tpl_add(mw_tpl_set *s, const char *name, const char *src, size_t len, char *errbuf,
	       size_t errsz)
{
	struct parser p = { .set = s, .err = errbuf, .errsz = errsz };
	int stack[MAX_SECTION_NESTING], depth = 0, line = 1, rc = MW_OK;
	const char *copy, *pos, *end;

	if (errsz)
		errbuf[0] = '\0';
	if (find(s, name)) {
		snprintf(errbuf, errsz, "%s: defined twice", name);
		return MW_ERR_CONFLICT;
	}
	p.name = mw_arena_strdup(&s->arena, name);
	copy = mw_arena_strndup(&s->arena, src, len);
	if (!p.name || !copy)
		return MW_ERR_NOMEM;
	pos = copy;
	end = copy + len;
	while (pos < end && !rc) {
		const char *open = find_str(pos, (size_t)(end - pos), "{{"), *close;
		bool triple;

		if (!open) {
			rc = push_node(&p, (struct node){ N_TEXT, pos, (size_t)(end - pos), NULL, 0, line });
			break;
		}
		if (open > pos)
			rc = push_node(&p, (struct node){ N_TEXT, pos, (size_t)(open - pos), NULL, 0, line });
		line += count_lines(pos, (size_t)(open - pos));
		if (rc)
			break;
		triple = open + 2 < end && open[2] == '{';
		close = find_str(open + (triple ? 3 : 2), (size_t)(end - open) - (triple ? 3 : 2),
				 triple ? "}}}" : "}}");
		if (!close) {
			rc = fail(&p, line, "tag is not closed");
			break;
		}
		rc = compile_tag(&p, triple, open + (triple ? 3 : 2),
				 (size_t)(close - open) - (triple ? 3 : 2), line, stack, &depth);
		line += count_lines(open, (size_t)(close - open));
		pos = close + (triple ? 3 : 2);
	}
	if (!rc && depth)
		rc = fail(&p, p.nodes[stack[depth - 1]].line, "section is not closed");
	if (!rc && s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct tpl *nt = realloc(s->t, cap * sizeof(*nt));

		if (!nt) {
			rc = MW_ERR_NOMEM;
		} else {
			s->t = nt;
			s->cap = cap;
		}
	}
	if (rc) {
		free(p.nodes);
		return rc;
	}
	s->t[s->n++] = (struct tpl){ p.name, p.nodes, p.n };
	return MW_OK;
}

int mw_tpl_link(mw_tpl_set *s, char *errbuf, size_t errsz)
{
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < s->t[i].n; k++) {
			const struct node *nd = &s->t[i].nodes[k];

			if (nd->kind == N_PARTIAL && !find(s, nd->s)) {
				snprintf(errbuf, errsz, "%s:%d: no partial named %s", s->t[i].name,
					 nd->line, nd->s);
				return MW_ERR_NOTFOUND;
			}
		}
	return MW_OK;
}

void mw_tpl_each_msg_key(const mw_tpl_set *s, void (*fn)(void *ctx, const char *key), void *ctx)
{
	for (size_t i = 0; i < s->n; i++)
		for (int k = 0; k < s->t[i].n; k++)
			if (s->t[i].nodes[k].kind == N_MSG)
				fn(ctx, s->t[i].nodes[k].s);
}

/* ---- rendering ------------------------------------------------------- */

int mw_html_escape(mw_buf *b, const char *s, size_t n)
{
	size_t start = 0;
	int rc = MW_OK;

	for (size_t i = 0; i < n && !rc; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		if (i > start)
			rc = mw_buf_append(b, s + start, i - start);
		if (!rc)
			rc = mw_buf_puts(b, ent);
		start = i + 1;
	}
	if (!rc && n > start)
		rc = mw_buf_append(b, s + start, n - start);
	return rc;
}

struct render {
	const mw_tpl_set *set;
	mw_tpl_msg_fn msg;
	void *msg_ctx;
	mw_buf *out;
	json_t *stack[MAX_CONTEXT_DEPTH];
	int depth;
	int partials;
};

static json_t *lookup(const struct render *rd, const char *name)
{
	const char *dot;
	size_t headlen;
	json_t *v = NULL;

	if (!strcmp(name, "."))
		return rd->stack[rd->depth - 1];
	dot = strchr(name, '.');
	headlen = dot ? (size_t)(dot - name) : strlen(name);
	for (int i = rd->depth - 1; i >= 0 && !v; i--)
		if (json_is_object(rd->stack[i]))
			v = json_object_getn(rd->stack[i], name, headlen);
	while (v && dot) {
		const char *part = dot + 1;

		dot = strchr(part, '.');
		v = json_is_object(v) ? json_object_getn(v, part, dot ? (size_t)(dot - part)
								      : strlen(part))
				      : NULL;
	}
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE:
		return false;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	default:
		return true;
	}
}

static int put_value(mw_buf *b, const json_t *v, bool escape)
{
	char num[64];

	if (!v)
		return MW_OK;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return escape ? mw_html_escape(b, json_string_value(v), json_string_length(v))
			      : mw_buf_append(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		return mw_buf_puts(b, num);
	case JSON_REAL:
		snprintf(num, sizeof(num), "%.10g", json_real_value(v));
		return mw_buf_puts(b, num);
	case JSON_TRUE:
		return mw_buf_puts(b, "true");
	default:
		return MW_OK;
	}
}

static int put_msg(struct render *rd, const struct node *nd)
{
	const char *text = rd->msg ? rd->msg(rd->msg_ctx, nd->s) : NULL;
	const char *hole;
	int rc;

	if (!text)
		text = nd->s;
	hole = nd->arg ? strstr(text, "{}") : NULL;
	if (!hole)
		return mw_html_escape(rd->out, text, strlen(text));
	rc = mw_html_escape(rd->out, text, (size_t)(hole - text));
	if (!rc)
		rc = put_value(rd->out, lookup(rd, nd->arg), true);
	if (!rc)
		rc = mw_html_escape(rd->out, hole + 2, strlen(hole + 2));
	return rc;
}

static int render_range(struct render *rd, const struct tpl *t, int from, int to);

static int render_with(struct render *rd, const struct tpl *t, int from, int to, json_t *ctx)
{
	int rc;

	if (rd->depth == MAX_CONTEXT_DEPTH)
		return MW_ERR_INVALID;
	rd->stack[rd->depth++] = ctx;
	rc = render_range(rd, t, from, to);
	rd->depth--;
	return rc;
}

static int render_section(struct render *rd, const struct tpl *t, int i)
{
	const struct node *nd = &t->nodes[i];
	json_t *v = lookup(rd, nd->s);
	int rc = MW_OK;

	if (nd->kind == N_INVERTED)
		return truthy(v) ? MW_OK : render_range(rd, t, i + 1, nd->end);
	if (!truthy(v))
		return MW_OK;
	if (json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v) && !rc; k++)
			rc = render_with(rd, t, i + 1, nd->end, json_array_get(v, k));
		return rc;
	}
	return render_with(rd, t, i + 1, nd->end, v);
}

static int render_range(struct render *rd, const struct tpl *t, int from, int to)
{
	int rc = MW_OK;

	for (int i = from; i < to && !rc; i++) {
		const struct node *nd = &t->nodes[i];

		switch (nd->kind) {
		case N_TEXT:
			rc = mw_buf_append(rd->out, nd->s, nd->len);
			break;
		case N_VAR:
			rc = put_value(rd->out, lookup(rd, nd->s), true);
			break;
		case N_RAW:
			rc = put_value(rd->out, lookup(rd, nd->s), false);
			break;
		case N_MSG:
			rc = put_msg(rd, nd);
			break;
		case N_SECTION:
		case N_INVERTED:
			rc = render_section(rd, t, i);
			i = nd->end - 1;
			break;
		case N_PARTIAL: {
			const struct tpl *pt = find(rd->set, nd->s);

			if (!pt)
				return MW_ERR_NOTFOUND;
			if (rd->partials == MAX_PARTIAL_DEPTH)
				return MW_ERR_INVALID;
			rd->partials++;
			rc = render_range(rd, pt, 0, pt->n);
			rd->partials--;
			break;
		}
		}
	}
	return rc;
}

int mw_tpl_render(const mw_tpl_set *s, const char *name, json_t *ctx, mw_tpl_msg_fn msg,
		  void *msg_ctx, mw_buf *out)
{
	const struct tpl *t = find(s, name);
	struct render rd = { .set = s, .msg = msg, .msg_ctx = msg_ctx, .out = out };

	if (!t)
		return MW_ERR_NOTFOUND;
	return render_with(&rd, t, 0, t->n, ctx);
}
