/*
 * cmd_nlp_model.c - `minwon nlp train | classify | eval`: the routing
 * classifier from the command line (the chatbot verb lives in
 * cmd_nlp_chat.c).
 *
 * Input files are JSON lines like ../shared/bench/complaints.jsonl:
 *   {"id":"P0001","text":"...","category":"noise","urgent":false}
 * Training data comes from --data files (weight 1) and the built-in corpus
 * (src/nlp/corpus.h, weight MW_NLP_DEFAULT_WEIGHT). Every source ends up
 * as an array of mw_train_example handed to train_and_save(), which is
 * where another source (the database) plugs in.
 */
#include "cli.h"
#include "jsonl.h"
#include "../base/mw.h"
#include "../base/utf8.h"
#include "../nlp/corpus.h"
#include "../nlp/nlp.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/banned.h"

/* A complaint text may be this long (bytes); longer is too_large. */
#define TEXT_MAX_BYTES ((size_t)64 << 10)
#define MAX_DATA_FILES 16
#define DEFAULT_CORPUS 3000
#define CORPUS_SEED 20240611u

/* ---- reading lines ----------------------------------------------------- */

/* Reads training/evaluation lines into c with the given weight. Bad lines
 * are counted in *bad and reported once on stderr. */
static int read_examples(const char *path, mw_nlp_corpus *c, double weight, size_t *bad)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, len = 0, lineno = 0, nbad = 0;
	int r, rc = MW_OK;

	if (!f) {
		mw_cli_err("cannot open %s", path);
		return MW_ERR_IO;
	}
	while ((r = mw_jsonl_read_line(f, &line, &cap, &len)) != 0) {
		json_t *j, *text, *cat, *urg;
		json_error_t err;

		lineno++;
		if (r == -2) {
			rc = MW_ERR_NOMEM;
			break;
		}
		if (r == -1) {
			nbad++;
			continue;
		}
		if (mw_jsonl_blank(line, len))
			continue;
		if (!(j = json_loadb(line, len, 0, &err))) {
			nbad++;
			continue;
		}
		text = json_object_get(j, "text");
		cat = json_object_get(j, "category");
		urg = json_object_get(j, "urgent");
		if (!json_is_string(text) || !json_is_string(cat) || !*json_string_value(text) ||
		    strlen(json_string_value(cat)) >= MW_NLP_CODE_MAX ||
		    !*json_string_value(cat)) {
			nbad++;
		} else if ((rc = mw_nlp_corpus_add(c, json_string_value(text), json_string_value(cat),
						   json_is_true(urg), weight))) {
			json_decref(j);
			break;
		}
		json_decref(j);
	}
	if (nbad)
		mw_cli_err("%s: skipped %zu of %zu lines (not JSON, or without text and category)",
			   path, nbad, lineno);
	if (bad)
		*bad += nbad;
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

/* ---- progress bar ------------------------------------------------------ */

static void progress_bar(void *ctx, size_t done, size_t total, const char *stage)
{
	int width = 30, fill = total ? (int)(width * done / total) : width;

	MW_UNUSED(ctx);
	fprintf(stderr, "\rtraining  %-12s [%-30.*s] %zu/%zu", stage, fill,
		"##############################", done, total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- train ------------------------------------------------------------- */

typedef struct train_cfg {
	const char *out;        /* model path */
	mw_train_opts opts;
	size_t n_office;        /* how many of the examples are the office's */
} train_cfg;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Per-category counts of ex, printed as a table. */
static void print_counts(const mw_train_example *ex, size_t n, size_t n_office)
{
	const char **codes = malloc((n ? n : 1) * sizeof(*codes));
	size_t i, j, k = 0;

	if (!codes)
		return;
	for (i = 0; i < n; i++)
		codes[k++] = ex[i].category;
	qsort(codes, k, sizeof(*codes), cmp_str);
	printf("%-20s %8s %8s %8s\n", "category", "office", "built-in", "urgent");
	for (i = 0; i < k; i = j) {
		size_t office = 0, builtin = 0, urgent = 0;

		for (j = i; j < k && !strcmp(codes[j], codes[i]); j++)
			;
		for (size_t e = 0; e < n; e++) {
			if (strcmp(ex[e].category, codes[i]))
				continue;
			if (e < n_office)
				office++;
			else
				builtin++;
			urgent += ex[e].urgent;
		}
		printf("%-20s %8zu %8zu %8zu\n", codes[i], office, builtin, urgent);
	}
	free(codes);
}

/* Trains on ex[0..n) and writes the model; ex[0..n_office) are the
 * office's own examples (for the summary only). Any source of examples
 * (JSON lines, the database) ends here. */
static int train_and_save(const mw_train_example *ex, size_t n, const train_cfg *cfg)
{
	mw_classifier *m = NULL;
	double t0 = now_s();
	int rc;

	rc = mw_classifier_train(ex, n, &cfg->opts, &m);
	if (rc == MW_ERR_INVALID) {
		mw_cli_err("training needs examples of at least two categories");
		goto out;
	}
	if (rc) {
		mw_cli_err("training failed: %s", mw_err_str(rc));
		goto out;
	}
	if ((rc = mw_classifier_save(m, cfg->out))) {
		mw_cli_err("cannot write %s: %s", cfg->out, mw_err_str(rc));
		goto out;
	}
	print_counts(ex, n, cfg->n_office);
	printf("examples  %zu (office %zu, built-in %zu)\n", n, cfg->n_office, n - cfg->n_office);
	printf("time      %.1f s\n", now_s() - t0);
	printf("model     %s\n", cfg->out);
	printf("version   %s\n", mw_classifier_version(m));
out:
	mw_classifier_free(m);
	return rc;
}

static void train_usage(FILE *f)
{
	fprintf(f,
		"usage: minwon nlp train [--data FILE.jsonl ...] [--from-db PATH]\n"
		"                        [--default-corpus N] [--c C] --out MODEL\n\n"
		"Trains the routing classifier (category and urgency) and writes MODEL.\n"
		"Training lines are JSON: {\"id\",\"text\",\"category\",\"urgent\"}; lines that do\n"
		"not parse are skipped and counted. The office's data is combined with the\n"
		"corpus built into minwon - generated complaints of every category, the\n"
		"seed complaints of data/nlp_seed.tsv and the category phrases of\n"
		"data/nlp_lexicon.tsv - which counts half as much as the office's lines.\n"
		"Without --data the model learns from the built-in corpus alone. The\n"
		"confidence is calibrated and the urgency threshold tuned (for 90 %%\n"
		"recall) by a 2-fold cross-validation inside the training data, on the\n"
		"office's lines when there are enough of them.\n\n"
		"  --data FILE        JSON lines to learn from (repeatable, '-' = stdin)\n"
		"  --from-db PATH     also learn from the office's handled complaints: the\n"
		"                     category people settled on (answered or closed ones,\n"
		"                     and every staff correction, which counts double)\n"
		"  --default-corpus N built-in generated complaints to add (default %d,\n"
		"                     0 = none: then also no seed complaints or phrases)\n"
		"  --c C              regularisation of the category model (default 64)\n"
		"  --out MODEL        where to write the model (atomically)\n",
		DEFAULT_CORPUS);
}

/* Appends the office's handled complaints from the database: what people
 * decided is the label; a staff correction of the AI weighs double. */
static int add_from_db(mw_nlp_corpus *c, const char *db, size_t *added)
{
	mw_store *s;
	mw_arena a = MW_ARENA_INIT;
	mw_training_row *rows;
	size_t n;
	int rc;

	*added = 0;
	if ((rc = mw_cli_open(db, &s)))
		return rc;
	rc = mw_store_training_rows(s, 0, &a, &rows, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (!rows[i].text || !rows[i].category)
			continue;
		rc = mw_nlp_corpus_add(c, rows[i].text, rows[i].category, rows[i].urgent,
				       rows[i].corrected ? 2.0 : 1.0);
		if (!rc)
			(*added)++;
	}
	mw_arena_release(&a);
	mw_store_close(s);
	return rc;
}

/* Appends the built-in corpus: n generated complaints and the seeds. */
static int add_builtin(mw_nlp_corpus *c, size_t n)
{
	int rc;

	if (n == 0)
		return MW_OK;
	if ((rc = mw_nlp_corpus_generated(c, n, CORPUS_SEED, MW_NLP_DEFAULT_WEIGHT)))
		return rc;
	return mw_nlp_corpus_seed(c, MW_NLP_DEFAULT_WEIGHT, NULL);
}

static int parse_size(const char *opt, const char *arg, int64_t min, int64_t max, int64_t *out)
{
	if (mw_parse_i64(arg, min, max, out)) {
		mw_cli_err("%s must be a number from %lld to %lld", opt, (long long)min,
			   (long long)max);
		return -1;
	}
	return 0;
}

static int parse_real(const char *opt, const char *arg, double min, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (!*arg || *end || !(v >= min && v <= max)) {
		mw_cli_err("%s must be a number from %g to %g", opt, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int mw_nlp_cmd_train(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "default-corpus", required_argument, NULL, 'g' },
		{ "c", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "from-db", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data[MAX_DATA_FILES], *from_db = NULL;
	size_t ndata = 0;
	int64_t ngen = DEFAULT_CORPUS;
	mw_nlp_corpus corpus = MW_NLP_CORPUS_INIT;
	train_cfg cfg = { 0 };
	int c, rc = MW_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:g:c:o:D:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'D': from_db = optarg; break;
		case 'd':
			if (ndata == MAX_DATA_FILES) {
				mw_cli_err("at most %d --data files", MAX_DATA_FILES);
				return MW_EXIT_USAGE;
			}
			data[ndata++] = optarg;
			break;
		case 'g':
			if (parse_size("--default-corpus", optarg, 0, 1000000, &ngen))
				return MW_EXIT_USAGE;
			break;
		case 'c':
			if (parse_real("--c", optarg, 1e-3, 1e4, &cfg.opts.c))
				return MW_EXIT_USAGE;
			break;
		case 'o': cfg.out = optarg; break;
		case 'h': train_usage(stdout); return MW_EXIT_OK;
		default: train_usage(stderr); return MW_EXIT_USAGE;
		}
	}
	if (!cfg.out || optind != argc || (ndata == 0 && ngen == 0 && !from_db)) {
		train_usage(stderr);
		return MW_EXIT_USAGE;
	}
	for (size_t i = 0; i < ndata; i++)
		if (read_examples(data[i], &corpus, 1.0, NULL))
			goto out;
	if (from_db) {
		size_t added;

		if (add_from_db(&corpus, from_db, &added)) {
			mw_cli_err("cannot read training examples from %s", from_db);
			goto out;
		}
		fprintf(stderr, "from-db   %zu handled complaints\n", added);
	}
	cfg.n_office = corpus.n;
	if (add_builtin(&corpus, (size_t)ngen)) {
		mw_cli_err("cannot build the built-in corpus");
		goto out;
	}
	if (isatty(2))
		cfg.opts.progress = progress_bar;
	if (train_and_save(corpus.ex, corpus.n, &cfg) == MW_OK)
		rc = MW_EXIT_OK;
out:
	mw_nlp_corpus_release(&corpus);
	return rc;
}

/* ---- classify ---------------------------------------------------------- */

static void classify_usage(FILE *f)
{
	fprintf(f,
		"usage: minwon nlp classify --model MODEL\n\n"
		"Reads JSON lines {\"id\",\"text\"} on standard input and writes one line per\n"
		"input on standard output:\n"
		"  {\"id\",\"category\",\"confidence\",\"urgent\",\"urgent_p\",\n"
		"   \"top\":[{\"category\",\"p\"},...3]}\n"
		"confidence is the calibrated probability of the category. A bad line\n"
		"gives {\"id\",\"error\":{\"code\",\"message\"}} (codes: invalid_json,\n"
		"missing_text, empty_text, invalid_utf8, too_large, line_too_long) and\n"
		"the run goes on. Texts may be up to %zu KiB, lines up to %zu MiB.\n\n"
		"  --model MODEL   a model written by 'minwon nlp train'\n",
		TEXT_MAX_BYTES >> 10, MW_JSONL_LINE_MAX >> 20);
}



static json_t *prediction_json(json_t *id, const mw_prediction *p)
{
	json_t *top = json_array();

	for (int k = 0; k < MW_NLP_TOP; k++)
		if (p->top[k].category[0])
			json_array_append_new(top, json_pack("{s:s,s:f}", "category",
							     p->top[k].category, "p", p->top[k].p));
	return json_pack("{s:O,s:s,s:f,s:b,s:f,s:o}", "id", id ? id : json_null(), "category",
			 p->category, "confidence", p->confidence, "urgent", p->urgent, "urgent_p",
			 p->urgent_p, "top", top);
}

/* One input line to one output line. */
static void classify_line(const mw_classifier *m, char *line, size_t len)
{
	json_t *id, *j;
	mw_prediction p;
	const char *s;
	size_t n;
	int rc;

	if (!(j = mw_jsonl_read_request(line, len, TEXT_MAX_BYTES, &id, &s, &n)))
		return;
	rc = mw_classifier_predict(m, s, n, &p);
	if (rc == MW_ERR_INVALID)
		/* Valid JSON, so valid UTF-8: only blank-like texts remain. */
		mw_jsonl_emit_error(id, "empty_text", "text has nothing to classify");
	else if (rc)
		mw_jsonl_emit_error(id, mw_err_code(rc), mw_err_str(rc));
	else
		mw_jsonl_emit(prediction_json(id, &p));
	json_decref(j);
}

int mw_nlp_cmd_classify(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	mw_classifier *m = NULL;
	char err[256], *line = NULL;
	size_t cap = 0, len = 0;
	int c, r, rc = MW_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "m:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'm': path = optarg; break;
		case 'h': classify_usage(stdout); return MW_EXIT_OK;
		default: classify_usage(stderr); return MW_EXIT_USAGE;
		}
	}
	if (!path || optind != argc) {
		classify_usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (mw_classifier_load(path, &m, err, sizeof(err))) {
		mw_cli_err("cannot load model %s: %s", path, err);
		return MW_EXIT_FAIL;
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
		classify_line(m, line, len);
	}
	rc = fflush(stdout) ? MW_EXIT_FAIL : MW_EXIT_OK;
out:
	free(line);
	mw_classifier_free(m);
	return rc;
}

/* ---- eval -------------------------------------------------------------- */

static void eval_usage(FILE *f)
{
	fprintf(f,
		"usage: minwon nlp eval --data FILE.jsonl [--data ...] [--folds K] [--seed N]\n"
		"                       [--default-corpus N] [--c C]\n"
		"                       [--test FILE.jsonl | --test-generated N]\n"
		"                       [--questions Q.jsonl --faq FAQ.jsonl] [--errors]\n\n"
		"Measures the routing classifier. By default a K-fold cross-validation of\n"
		"the --data lines (shuffled with --seed, default 1; K default 5): each fold\n"
		"is predicted by a model trained on the other folds plus the built-in\n"
		"corpus (--default-corpus N generated complaints and the seed phrases;\n"
		"default %d, 0 = none), exactly as 'nlp train' would build it. With --test\n"
		"the model is trained on all --data (plus the built-in corpus) and tested\n"
		"on FILE; --test-generated N tests on N generated complaints of another\n"
		"seed instead. With either, --data may be left out to measure the\n"
		"built-in corpus alone.\n\n"
		"Report: top-1 and top-3 accuracy, calibration (mean confidence against\n"
		"accuracy), urgent precision and recall, per-category precision and\n"
		"recall, and the confusion matrix (rows: true, columns: predicted).\n"
		"With --questions and --faq the chatbot (mw_chat_decide) is measured too,\n"
		"with a model trained on all --data: accuracy overall and by expected kind\n"
		"(an FAQ id, report:<category> or human).\n\n"
		"  --data FILE          labelled JSON lines (repeatable)\n"
		"  --folds K            folds of the cross-validation (2 to 20, default 5)\n"
		"  --seed N             shuffle seed (default 1)\n"
		"  --default-corpus N   generated complaints added to every training set\n"
		"  --c C                regularisation of the category model (default 64)\n"
		"  --test FILE          hold-out file instead of cross-validation\n"
		"  --test-generated N   N generated complaints as the hold-out set\n"
		"  --questions FILE     chatbot questions {\"id\",\"text\",\"expect\"}\n"
		"  --faq FILE           the knowledge base {\"id\",\"question\",\"answer\",\"category\"}\n"
		"  --errors             also list every misclassified line\n",
		DEFAULT_CORPUS);
}

typedef struct eval_acc {
	uint32_t ncat;
	const char **cats;      /* sorted codes seen in test or prediction */
	size_t *conf;           /* ncat x ncat: true x predicted */
	size_t n, top1, top3, bad;
	size_t utp, ufp, ufn, utn;
	double conf_sum, nll;
	size_t bin_n[10], bin_ok[10];
	double bin_conf[10];
	double *up;             /* urgent_p of every example, for the curve */
	bool *uy;               /* and whether it was urgent */
	size_t nup, upcap;
	bool show_errors;
} eval_acc;

static int cat_pos(const eval_acc *a, const char *code)
{
	size_t lo = 0, hi = a->ncat;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(a->cats[mid], code);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The category universe: every code of all examples. */
static int acc_init(eval_acc *a, const mw_nlp_corpus *all, const mw_nlp_corpus *more)
{
	size_t n = all->n + (more ? more->n : 0), k = 0, i;

	a->cats = malloc((n ? n : 1) * sizeof(*a->cats));
	if (!a->cats)
		return MW_ERR_NOMEM;
	for (i = 0; i < all->n; i++)
		a->cats[k++] = all->ex[i].category;
	for (i = 0; more && i < more->n; i++)
		a->cats[k++] = more->ex[i].category;
	qsort(a->cats, k, sizeof(*a->cats), cmp_str);
	a->ncat = 0;
	for (i = 0; i < k; i++)
		if (a->ncat == 0 || strcmp(a->cats[a->ncat - 1], a->cats[i]))
			a->cats[a->ncat++] = a->cats[i];
	a->conf = calloc((size_t)a->ncat * a->ncat + 1, sizeof(*a->conf));
	return a->conf ? MW_OK : MW_ERR_NOMEM;
}

static void acc_release(eval_acc *a)
{
	free(a->cats);
	free(a->conf);
	free(a->up);
	free(a->uy);
}

/* Remembers one urgency score; silently stops when out of memory. */
static void acc_urgent(eval_acc *a, double p, bool urgent)
{
	if (a->nup == a->upcap) {
		size_t ncap = a->upcap ? a->upcap * 2 : 1024;
		double *np = realloc(a->up, ncap * sizeof(*np));
		bool *ny;

		if (!np)
			return;
		a->up = np;
		if (!(ny = realloc(a->uy, ncap * sizeof(*ny))))
			return;
		a->uy = ny;
		a->upcap = ncap;
	}
	a->up[a->nup] = p;
	a->uy[a->nup++] = urgent;
}

/* Precision at the highest threshold whose recall reaches target (a
 * threshold-free view of the urgency ranking). */
static double precision_at_recall(const eval_acc *a, double target, double *thr)
{
	size_t pos = 0, tp = 0, seen = 0;
	double best = -1;

	*thr = 0;
	for (size_t i = 0; i < a->nup; i++)
		pos += a->uy[i];
	if (!pos)
		return 0;
	/* selection by repeated scans: n is small (an evaluation set) */
	for (;;) {
		double next = -1;

		for (size_t i = 0; i < a->nup; i++)
			if (a->up[i] > next && (best < 0 || a->up[i] < best))
				next = a->up[i];
		if (next < 0)
			return 0;
		best = next;
		for (size_t i = 0; i < a->nup; i++)
			if (a->up[i] == best) {
				seen++;
				tp += a->uy[i];
			}
		if ((double)tp / (double)pos >= target) {
			*thr = best;
			return (double)tp / (double)seen;
		}
	}
}

static void acc_add(eval_acc *a, const mw_train_example *e, size_t idx, const mw_classifier *m)
{
	mw_prediction p;
	int t, g, bin;
	bool ok, in3 = false;

	if (mw_classifier_predict(m, e->text, strlen(e->text), &p)) {
		a->bad++;
		return;
	}
	t = cat_pos(a, e->category);
	g = cat_pos(a, p.category);
	a->n++;
	ok = !strcmp(p.category, e->category);
	a->top1 += ok;
	for (int k = 0; k < MW_NLP_TOP; k++)
		in3 |= !strcmp(p.top[k].category, e->category);
	a->top3 += in3;
	if (t >= 0 && g >= 0)
		a->conf[(size_t)t * a->ncat + (size_t)g]++;
	a->conf_sum += p.confidence;
	bin = (int)(p.confidence * 10);
	bin = bin > 9 ? 9 : bin < 0 ? 0 : bin;
	a->bin_n[bin]++;
	a->bin_ok[bin] += ok;
	a->bin_conf[bin] += p.confidence;
	{
		double pt = 1e-6;

		for (int k = 0; k < MW_NLP_TOP; k++)
			if (!strcmp(p.top[k].category, e->category) && p.top[k].p > pt)
				pt = p.top[k].p;
		a->nll -= log(pt);
	}
	acc_urgent(a, p.urgent_p, e->urgent);
	if (e->urgent && p.urgent)
		a->utp++;
	else if (!e->urgent && p.urgent)
		a->ufp++;
	else if (e->urgent)
		a->ufn++;
	else
		a->utn++;
	if (a->show_errors && (!ok || e->urgent != p.urgent)) {
		int cut = 0;

		/* a prefix of the text, cut on a UTF-8 boundary */
		while (e->text[cut] && cut < 150)
			cut++;
		while (cut > 0 && ((unsigned char)e->text[cut] & 0xC0) == 0x80)
			cut--;
		printf("#%zu true=%s%s pred=%s(%.2f)%s up=%.2f | %.*s\n", idx, e->category,
		       e->urgent ? "!" : "", p.category, p.confidence, p.urgent ? "!" : "",
		       p.urgent_p, cut, e->text);
	}
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 0;
}

static void acc_report(const eval_acc *a)
{
	printf("\nexamples          %zu", a->n);
	if (a->bad)
		printf(" (%zu could not be classified)", a->bad);
	printf("\ntop-1             %.1f %%\n", 100 * ratio(a->top1, a->n));
	printf("top-3             %.1f %%\n", 100 * ratio(a->top3, a->n));
	printf("mean confidence   %.1f %%  (log-loss %.3f; a true category outside the top 3 counts as p = 1e-6)\n",
	       a->n ? 100 * a->conf_sum / (double)a->n : 0, a->n ? a->nll / (double)a->n : 0);
	printf("urgent            precision %.1f %%  recall %.1f %%  (tp %zu fp %zu fn %zu tn %zu)\n",
	       100 * ratio(a->utp, a->utp + a->ufp), 100 * ratio(a->utp, a->utp + a->ufn), a->utp,
	       a->ufp, a->ufn, a->utn);
	{
		double t90, t95, p90 = precision_at_recall(a, 0.90, &t90);
		double p95 = precision_at_recall(a, 0.95, &t95);

		printf("urgent ranking    precision %.1f %% at recall 90 %% (urgent_p >= %.3f), "
		       "%.1f %% at 95 %% (>= %.3f)\n", 100 * p90, t90, 100 * p95, t95);
	}
	printf("\ncalibration       confidence  accuracy  n\n");
	for (int b = 0; b < 10; b++)
		if (a->bin_n[b])
			printf("  %3d-%3d %%        %5.1f %%    %5.1f %%  %zu\n", b * 10, b * 10 + 10,
			       100 * a->bin_conf[b] / (double)a->bin_n[b],
			       100 * ratio(a->bin_ok[b], a->bin_n[b]), a->bin_n[b]);
	printf("\n%-20s %9s %9s %6s\n", "category", "precision", "recall", "n");
	for (uint32_t c = 0; c < a->ncat; c++) {
		size_t tp = a->conf[(size_t)c * a->ncat + c], row = 0, col = 0;

		for (uint32_t k = 0; k < a->ncat; k++) {
			row += a->conf[(size_t)c * a->ncat + k];
			col += a->conf[(size_t)k * a->ncat + c];
		}
		if (row == 0 && col == 0)
			continue;
		printf("%-20s %7.1f %% %7.1f %% %6zu\n", a->cats[c], 100 * ratio(tp, col),
		       100 * ratio(tp, row), row);
	}
	printf("\nconfusion (rows: true, columns: predicted, in the order above)\n");
	for (uint32_t c = 0; c < a->ncat; c++) {
		printf("%-20.20s", a->cats[c]);
		for (uint32_t k = 0; k < a->ncat; k++) {
			size_t v = a->conf[(size_t)c * a->ncat + k];

			if (v)
				printf(" %3zu", v);
			else
				printf("   .");
		}
		putchar('\n');
	}
}

/* A deterministic shuffle (xorshift64*) of 0..n-1. */
static void shuffle(size_t *idx, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;

	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = n; i > 1; i--) {
		size_t j;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		j = (size_t)((x * 0x2545F4914F6CDD1DULL) % i);
		size_t t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}

static int train_quiet(const mw_train_example *ex, size_t n, const mw_train_opts *opts,
		       mw_classifier **m)
{
	int rc = mw_classifier_train(ex, n, opts, m);

	if (rc)
		mw_cli_err("training failed: %s", mw_err_str(rc));
	return rc;
}

static int eval_kfold(const mw_nlp_corpus *data, const mw_nlp_corpus *builtin, int folds,
		      uint64_t seed, const mw_train_opts *opts, eval_acc *a)
{
	size_t *idx = malloc((data->n ? data->n : 1) * sizeof(*idx));
	mw_train_example *tr = malloc((data->n + builtin->n + 1) * sizeof(*tr));
	int rc = MW_OK;

	if (!idx || !tr) {
		rc = MW_ERR_NOMEM;
		goto out;
	}
	shuffle(idx, data->n, seed);
	for (int f = 0; f < folds; f++) {
		mw_classifier *m = NULL;
		size_t n = 0;

		for (size_t i = 0; i < data->n; i++)
			if ((int)(i % (size_t)folds) != f)
				tr[n++] = data->ex[idx[i]];
		if (builtin->n)
			memcpy(tr + n, builtin->ex, builtin->n * sizeof(*tr));
		n += builtin->n;
		if ((rc = train_quiet(tr, n, opts, &m)))
			goto out;
		for (size_t i = 0; i < data->n; i++)
			if ((int)(i % (size_t)folds) == f)
				acc_add(a, &data->ex[idx[i]], idx[i], m);
		mw_classifier_free(m);
		if (isatty(2))
			fprintf(stderr, "\rfold %d/%d", f + 1, folds);
	}
	if (isatty(2))
		fputc('\n', stderr);
out:
	free(idx);
	free(tr);
	return rc;
}

/* Trains on data + builtin; *m is the caller's. */
static int train_all(const mw_nlp_corpus *data, const mw_nlp_corpus *builtin,
		     const mw_train_opts *opts, mw_classifier **m)
{
	mw_train_example *tr = malloc((data->n + builtin->n + 1) * sizeof(*tr));
	int rc;

	if (!tr)
		return MW_ERR_NOMEM;
	if (data->n)
		memcpy(tr, data->ex, data->n * sizeof(*tr));
	if (builtin->n)
		memcpy(tr + data->n, builtin->ex, builtin->n * sizeof(*tr));
	rc = train_quiet(tr, data->n + builtin->n, opts, m);
	free(tr);
	return rc;
}

/* ---- chatbot evaluation ------------------------------------------------ */

enum { KIND_FAQ, KIND_REPORT, KIND_HUMAN, KIND__COUNT };
static const char *const kind_names[KIND__COUNT] = { "faq", "report", "human" };

static int eval_chat(const char *qpath, const char *faqpath, const mw_classifier *m)
{
	size_t total[KIND__COUNT] = { 0 }, right[KIND__COUNT] = { 0 };
	size_t got[KIND__COUNT][KIND__COUNT] = { { 0 } };
	size_t kind_ok[KIND__COUNT] = { 0 }; /* the right kind, entry or not */
	char err[256], *line = NULL;
	size_t cap = 0, len = 0, n = 0, ok = 0;
	mw_faq *faq = NULL;
	FILE *f = NULL;
	int r, rc = MW_ERR_IO;

	if (mw_faq_load_jsonl(faqpath, &faq, err, sizeof(err))) {
		mw_cli_err("cannot load FAQ %s: %s", faqpath, err);
		goto out;
	}
	if (!(f = fopen(qpath, "r"))) {
		mw_cli_err("cannot open %s", qpath);
		goto out;
	}
	while ((r = mw_jsonl_read_line(f, &line, &cap, &len)) != 0) {
		json_t *j;
		const char *text, *expect;
		mw_chat_decision d;
		int want, have;
		bool good;

		if (r < 0 || mw_jsonl_blank(line, len))
			continue;
		if (!(j = json_loadb(line, len, 0, NULL)))
			continue;
		text = json_string_value(json_object_get(j, "text"));
		expect = json_string_value(json_object_get(j, "expect"));
		if (!text || !expect || mw_chat_decide(faq, m, text, strlen(text), &d)) {
			json_decref(j);
			continue;
		}
		want = !strcmp(expect, "human") ? KIND_HUMAN :
		       !strncmp(expect, "report:", 7) ? KIND_REPORT : KIND_FAQ;
		have = d.kind == MW_CHAT_FAQ ? KIND_FAQ : d.kind == MW_CHAT_REPORT ? KIND_REPORT
										     : KIND_HUMAN;
		good = want == have;
		if (good)
			kind_ok[want]++;
		if (good && want == KIND_FAQ)
			good = d.faq && d.faq->id && !strcmp(d.faq->id, expect);
		if (good && want == KIND_REPORT)
			good = !strcmp(d.category, expect + 7);
		total[want]++;
		right[want] += good;
		got[want][have]++;
		n++;
		ok += good;
		json_decref(j);
	}
	printf("\nchatbot           %zu questions, right outcome %.1f %%\n", n, 100 * ratio(ok, n));
	for (int k = 0; k < KIND__COUNT; k++)
		printf("  %-7s %4zu  right %.1f %%  (right kind %.1f %%)\n", kind_names[k], total[k],
		       100 * ratio(right[k], total[k]), 100 * ratio(kind_ok[k], total[k]));
	printf("  expected \\ got   faq report  human\n");
	for (int k = 0; k < KIND__COUNT; k++)
		printf("  %-14s %6zu %6zu %6zu\n", kind_names[k], got[k][KIND_FAQ],
		       got[k][KIND_REPORT], got[k][KIND_HUMAN]);
	rc = MW_OK;
out:
	if (f)
		fclose(f);
	free(line);
	mw_faq_free(faq);
	return rc;
}

int mw_nlp_cmd_eval(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "folds", required_argument, NULL, 'k' },
		{ "seed", required_argument, NULL, 's' },
		{ "default-corpus", required_argument, NULL, 'g' },
		{ "c", required_argument, NULL, 'c' },
		{ "test", required_argument, NULL, 't' },
		{ "test-generated", required_argument, NULL, 'T' },
		{ "questions", required_argument, NULL, 'q' },
		{ "faq", required_argument, NULL, 'f' },
		{ "errors", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data[MAX_DATA_FILES], *test = NULL, *qpath = NULL, *faqpath = NULL;
	size_t ndata = 0;
	int64_t folds = 5, seed = 1, ngen = DEFAULT_CORPUS, ntestgen = 0;
	mw_nlp_corpus corpus = MW_NLP_CORPUS_INIT, builtin = MW_NLP_CORPUS_INIT;
	mw_nlp_corpus tests = MW_NLP_CORPUS_INIT;
	mw_train_opts opts = { 0 };
	eval_acc acc = { 0 };
	mw_classifier *m = NULL;
	double t0 = now_s();
	int c, rc = MW_EXIT_FAIL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:k:s:g:c:t:T:q:f:eh", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (ndata == MAX_DATA_FILES) {
				mw_cli_err("at most %d --data files", MAX_DATA_FILES);
				return MW_EXIT_USAGE;
			}
			data[ndata++] = optarg;
			break;
		case 'k':
			if (parse_size("--folds", optarg, 2, 20, &folds))
				return MW_EXIT_USAGE;
			break;
		case 's':
			if (parse_size("--seed", optarg, 0, INT64_MAX, &seed))
				return MW_EXIT_USAGE;
			break;
		case 'g':
			if (parse_size("--default-corpus", optarg, 0, 1000000, &ngen))
				return MW_EXIT_USAGE;
			break;
		case 'c':
			if (parse_real("--c", optarg, 1e-3, 1e4, &opts.c))
				return MW_EXIT_USAGE;
			break;
		case 't': test = optarg; break;
		case 'T':
			if (parse_size("--test-generated", optarg, 1, 1000000, &ntestgen))
				return MW_EXIT_USAGE;
			break;
		case 'q': qpath = optarg; break;
		case 'f': faqpath = optarg; break;
		case 'e': acc.show_errors = true; break;
		case 'h': eval_usage(stdout); return MW_EXIT_OK;
		default: eval_usage(stderr); return MW_EXIT_USAGE;
		}
	}
	if (optind != argc || (!qpath != !faqpath) || (test && ntestgen) ||
	    (ndata == 0 && !(ntestgen || test) ) || (ndata == 0 && ngen == 0)) {
		eval_usage(stderr);
		return MW_EXIT_USAGE;
	}
	for (size_t i = 0; i < ndata; i++)
		if (read_examples(data[i], &corpus, 1.0, NULL))
			goto out;
	if (add_builtin(&builtin, (size_t)ngen)) {
		mw_cli_err("cannot build the built-in corpus");
		goto out;
	}
	if (test && read_examples(test, &tests, 1.0, NULL))
		goto out;
	if (ntestgen &&
	    mw_nlp_corpus_generated(&tests, (size_t)ntestgen, CORPUS_SEED + 7919, 1.0)) {
		mw_cli_err("cannot generate the test set");
		goto out;
	}
	if (acc_init(&acc, &corpus, test || ntestgen ? &tests : &builtin))
		goto out;
	if (test || ntestgen) {
		printf("hold-out test: train on %zu lines + %zu built-in, test on %zu lines\n",
		       corpus.n, builtin.n, tests.n);
		if (train_all(&corpus, &builtin, &opts, &m))
			goto out;
		for (size_t i = 0; i < tests.n; i++)
			acc_add(&acc, &tests.ex[i], i, m);
	} else {
		if (corpus.n < (size_t)folds) {
			mw_cli_err("need at least %lld lines for %lld folds", (long long)folds,
				   (long long)folds);
			goto out;
		}
		printf("%lld-fold cross-validation of %zu lines (seed %lld), each training set "
		       "+ %zu built-in\n", (long long)folds, corpus.n, (long long)seed, builtin.n);
		if (eval_kfold(&corpus, &builtin, (int)folds, (uint64_t)seed, &opts, &acc))
			goto out;
	}
	acc_report(&acc);
	if (qpath) {
		if (!m && train_all(&corpus, &builtin, &opts, &m))
			goto out;
		if (eval_chat(qpath, faqpath, m))
			goto out;
	}
	printf("\ntime              %.1f s\n", now_s() - t0);
	rc = MW_EXIT_OK;
out:
	mw_classifier_free(m);
	acc_release(&acc);
	mw_nlp_corpus_release(&corpus);
	mw_nlp_corpus_release(&builtin);
	mw_nlp_corpus_release(&tests);
	return rc;
}
