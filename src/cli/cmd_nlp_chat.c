/*
 * cmd_nlp_chat.c - `minwon nlp chat`: the counselling chatbot's decision
 * (nlp.h, mw_chat_decide) on JSON lines, for offices checking their FAQ
 * file and for the evaluation. The HTTP chat (src/api/chat.c) makes the
 * same decision and adds the conversation around it.
 */
#include "cli.h"
#include "jsonl.h"
#include "../base/buf.h"
#include "../base/embedded.h"
#include "../base/mw.h"
#include "../base/utf8.h"
#include "../nlp/nlp.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

/* A chat message is at most this long (the HTTP chat's body limit);
 * longer input lines are skipped whole. */
#define CHAT_TEXT_MAX ((size_t)16 << 10)

static void usage(FILE *f)
{
	fprintf(f,
		"usage: minwon nlp chat --faq FAQ.jsonl [--model MODEL]\n\n"
		"Reads JSON lines {\"id\",\"text\"} on standard input, decides for each what the\n"
		"counselling chatbot does and writes one line per input on standard output:\n"
		"  {\"id\",\"kind\",\"faq_id\",\"category\",\"confidence\",\"reason\",\"answer\"}\n"
		"kind is \"faq\" (answer is the FAQ entry's answer, faq_id its id, category\n"
		"its category), \"report\" (the message reports a problem: answer offers to\n"
		"file it, category is the classifier's) or \"human\" (a counsellor answers;\n"
		"reason is personal_case, official, legal, not_covered, chitchat, abuse or\n"
		"requested). A bad line gives {\"id\",\"error\":{\"code\",\"message\"}} (codes:\n"
		"invalid_json, missing_text, empty_text, invalid_text, invalid_utf8,\n"
		"too_large, line_too_long) and the run goes on. Texts may be up to %zu KiB.\n\n"
		"  --faq FAQ.jsonl  the knowledge base: lines {\"id\",\"question\",\"answer\",\n"
		"                   \"category\"} as for 'minwon faq import'\n"
		"  --model MODEL    a model written by 'minwon nlp train', for the category\n"
		"                   of reports; without it reports have none\n",
		CHAT_TEXT_MAX >> 10);
}

/* The hand-off's first sentence, by reason (data/chat_replies.tsv). */
static const char *handoff_key(const char *reason, char *buf, size_t size)
{
	snprintf(buf, size, "handoff.%s", reason ? reason : "not_covered");
	return mw_chat_reply_text(MW_CHAT_KO, buf) ? buf : "handoff.not_covered";
}

/* The Korean name of a category code, from the built-in taxonomy
 * (data/categories.tsv: code, name_ko, ...); NULL when unknown. Writes
 * into buf. */
static const char *category_name(const char *code, char *buf, size_t size)
{
	const struct mw_embedded *e = mw_embedded_find("categories.tsv");
	size_t clen = strlen(code);

	if (!e || !clen)
		return NULL;
	for (const char *p = e->data, *end = e->data + e->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) > clen + 1 && !memcmp(p, code, clen) && p[clen] == '\t') {
			const char *name = p + clen + 1;
			const char *tab = memchr(name, '\t', (size_t)(eol - name));
			size_t n = (size_t)((tab ? tab : eol) - name);

			if (n >= size)
				return NULL;
			memcpy(buf, name, n);
			buf[n] = '\0';
			return buf;
		}
		p = eol + 1;
	}
	return NULL;
}



static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *decision_json(json_t *id, const mw_chat_decision *d)
{
	char name[128], *answer = NULL;
	const char *kind, *faq_id = NULL, *category = NULL, *reason = NULL, *text;
	json_t *o;

	switch (d->kind) {
	case MW_CHAT_FAQ:
		kind = "faq";
		faq_id = d->faq->id;
		category = d->faq->category;
		text = d->faq->answer;
		break;
	case MW_CHAT_REPORT: {
		const char *cn = d->category[0] ? category_name(d->category, name, sizeof(name)) : NULL;
		mw_buf b = MW_BUF_INIT;

		kind = "report";
		category = d->category;
		mw_chat_reply(&b, MW_CHAT_KO, cn ? "report.offer" : "report.offer_any", "category", cn,
			      NULL);
		mw_buf_putc(&b, ' ');
		mw_chat_reply(&b, MW_CHAT_KO, "report.next", NULL);
		answer = mw_buf_detach(&b, NULL);
		text = answer ? answer : "";
		break;
	}
	default: {
		mw_buf b = MW_BUF_INIT;
		char key[64];

		kind = "human";
		reason = d->reason ? d->reason : "not_covered";
		mw_chat_reply(&b, MW_CHAT_KO, handoff_key(reason, key, sizeof(key)), NULL);
		mw_buf_putc(&b, ' ');
		mw_chat_reply(&b, MW_CHAT_KO, "handoff.within", "hours", MW_COUNSEL_HOURS_TEXT, NULL);
		answer = mw_buf_detach(&b, NULL);
		text = answer ? answer : "";
		break;
	}
	}
	o = json_pack("{s:O,s:s,s:o,s:o,s:f,s:o,s:s}", "id", id ? id : json_null(), "kind", kind,
		      "faq_id", str_or_null(faq_id), "category", str_or_null(category),
		      "confidence", d->confidence, "reason", str_or_null(reason), "answer", text);
	free(answer);
	return o;
}

/* One input line to one output line. */
static void chat_line(const mw_faq *faq, const mw_classifier *cls, char *line, size_t len)
{
	json_t *id, *j;
	mw_chat_decision d;
	const char *s;
	size_t n;
	int rc;

	if (!(j = mw_jsonl_read_request(line, len, CHAT_TEXT_MAX, &id, &s, &n)))
		return;
	rc = mw_chat_decide(faq, cls, s, n, &d);
	if (rc)
		mw_jsonl_emit_error(id, mw_err_code(rc), mw_err_str(rc));
	else
		mw_jsonl_emit(decision_json(id, &d));
	json_decref(j);
}

int mw_nlp_cmd_chat(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "faq", required_argument, NULL, 'f' },
		{ "model", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *faq_path = NULL, *model_path = NULL;
	mw_classifier *cls = NULL;
	mw_faq *faq = NULL;
	char err[256], *line = NULL;
	size_t cap = 0, len = 0;
	int c, r, rc = MW_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:m:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'f': faq_path = optarg; break;
		case 'm': model_path = optarg; break;
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	if (!faq_path || optind != argc) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (mw_faq_load_jsonl(faq_path, &faq, err, sizeof(err))) {
		mw_cli_err("cannot load the FAQ %s: %s", faq_path, err);
		goto out;
	}
	if (model_path && mw_classifier_load(model_path, &cls, err, sizeof(err))) {
		mw_cli_err("cannot load model %s: %s", model_path, err);
		goto out;
	}
	while ((r = mw_jsonl_read_line(stdin, &line, &cap, &len)) != 0) {
		if (r == -2) {
			mw_cli_err("out of memory");
			goto out;
		}
		if (r == -1) {
			mw_jsonl_emit_error(NULL, "line_too_long", "line is longer than 4 MiB");
			continue;
		}
		if (mw_jsonl_blank(line, len))
			continue;
		chat_line(faq, cls, line, len);
	}
	rc = fflush(stdout) ? MW_EXIT_FAIL : MW_EXIT_OK;
out:
	free(line);
	mw_faq_free(faq);
	mw_classifier_free(cls);
	return rc;
}
