/*
 * cmd_faq.c - `minwon faq import FILE.jsonl` and `minwon faq list`: the
 * office's knowledge base for the counselling chatbot. The office edits
 * the file; import adds or replaces entries by id, in one transaction, and
 * a running server picks them up on SIGHUP. Single entries can also be
 * kept over HTTP (src/api/faq_admin.c), which reloads them at once.
 */
#include "cli.h"
#include "../base/mw.h"
#include "../core/text.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon faq import FILE.jsonl --db PATH\n"
		   "       minwon faq list --db PATH\n\n"
		   "FILE.jsonl holds one entry per line:\n"
		   "  {\"id\":\"FA01\",\"question\":\"...\",\"answer\":\"...\",\"category\":\"waste_collection\"}\n"
		   "category is a category code or \"general\". question_en and answer_en\n"
		   "(optional) are what the chatbot shows on the English pages; without\n"
		   "answer_en they show the Korean answer. Entries with an id that exists\n"
		   "replace it. Nothing is imported when a line is wrong: the error names the\n"
		   "line. A running server loads the new entries on SIGHUP.\n");
}

struct import_work {
	mw_work w;
	mw_faq_row *rows;
	size_t n;
};

static int import_run(mw_tx *tx, mw_work *w)
{
	struct import_work *iw = (struct import_work *)w;
	mw_time now = mw_now();
	int rc = MW_OK;

	for (size_t i = 0; i < iw->n && !rc; i++)
		rc = mw_tx_faq_put(tx, &iw->rows[i], now);
	return rc;
}

/* Reads and checks every line before anything is written. */
static int read_file(const char *path, mw_arena *a, mw_faq_row **out, size_t *n)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	int lineno = 0, rc = MW_OK;

	*n = 0;
	*out = NULL;
	if (!f) {
		mw_cli_err("cannot open %s", path);
		return MW_ERR_IO;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		static const char *const keys[] = { "id", "question", "answer", "question_en",
						    "answer_en" };
		const char *v[5], *cat;
		json_error_t err;
		json_t *j;

		lineno++;
		if (len <= 1 && (len == 0 || line[0] == '\n'))
			continue;
		j = json_loadb(line, (size_t)len, 0, &err);
		if (!json_is_object(j)) {
			mw_cli_err("%s:%d: not a JSON object (%s)", path, lineno, err.text);
			json_decref(j);
			rc = MW_ERR_INVALID;
			break;
		}
		for (int k = 0; k < 5; k++) {
			json_t *jv = json_object_get(j, keys[k]);
			bool optional = k >= 3;

			v[k] = json_string_value(jv);
			if (optional && (!jv || json_is_null(jv) || (v[k] && !*v[k]))) {
				v[k] = NULL;
				continue;
			}
			if (!v[k] || !*v[k] || !mw_text_valid_utf8(v[k], strlen(v[k]))) {
				mw_cli_err(optional ? "%s:%d: \"%s\" must be a text"
						    : "%s:%d: \"%s\" is missing or empty",
					   path, lineno, keys[k]);
				rc = MW_ERR_INVALID;
			}
		}
		cat = json_string_value(json_object_get(j, "category"));
		if (!rc && *n == alloc) {
			mw_faq_row *p;

			alloc = alloc ? alloc * 2 : 64;
			p = mw_arena_alloc(a, alloc * sizeof(*p));
			if (!p)
				rc = MW_ERR_NOMEM;
			else if (*n)
				memcpy(p, *out, *n * sizeof(*p));
			*out = p;
		}
		if (!rc)
			(*out)[(*n)++] = (mw_faq_row){ .id = mw_arena_strdup(a, v[0]),
						       .question = mw_arena_strdup(a, v[1]),
						       .answer = mw_arena_strdup(a, v[2]),
						       .category = mw_arena_strdup(a, cat ? cat : "general"),
						       .question_en = mw_arena_strdup(a, v[3]),
						       .answer_en = mw_arena_strdup(a, v[4]) };
		json_decref(j);
		if (rc)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

int mw_cmd_faq(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	mw_arena a = MW_ARENA_INIT;
	mw_store *s = NULL;
	int c, rc = MW_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	db = mw_cli_db(db);
	if (!db || optind >= argc) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "import") && optind + 2 == argc) {
		struct import_work iw = { .w = { .run = import_run } };

		if (read_file(argv[optind + 1], &a, &iw.rows, &iw.n))
			goto out;
		if (mw_cli_open(db, &s))
			goto out;
		if (mw_store_exec(s, &iw.w)) {
			mw_cli_err("cannot save the FAQ");
			goto out;
		}
		printf("imported %zu FAQ entries into %s\n", iw.n, db);
		rc = MW_EXIT_OK;
	} else if (!strcmp(argv[optind], "list") && optind + 1 == argc) {
		mw_faq_row *rows;
		size_t n;

		if (mw_cli_open(db, &s) || mw_store_faqs(s, &a, &rows, &n))
			goto out;
		for (size_t i = 0; i < n; i++)
			printf("%-8s %-18s %s\n", rows[i].id, rows[i].category, rows[i].question);
		rc = MW_EXIT_OK;
	} else {
		usage(stderr);
		rc = MW_EXIT_USAGE;
	}
out:
	mw_store_close(s);
	mw_arena_release(&a);
	return rc;
}
