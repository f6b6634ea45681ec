/*
 * cmd_nlp.c - `minwon nlp <train|classify|chat|eval>`: the routing
 * classifier and the chatbot from the command line, for offices and tests.
 * Each verb lives in its own file; this one only dispatches.
 */
#include "cli.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

static const mw_cli_cmd verbs[] = {
	{ "train", "train a model from JSON lines (and/or the database)", mw_nlp_cmd_train },
	{ "classify", "classify JSON lines from standard input", mw_nlp_cmd_classify },
	{ "chat", "answer chatbot questions from standard input", mw_nlp_cmd_chat },
	{ "eval", "k-fold cross-validation report", mw_nlp_cmd_eval },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon nlp <verb> [options]\n\nverbs:\n");
	for (size_t i = 0; i < MW_ARRAY_LEN(verbs); i++)
		fprintf(f, "  %-9s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nRun 'minwon nlp <verb> --help' for its options.\n");
}

int mw_cmd_nlp(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return MW_EXIT_OK;
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(verbs); i++)
		if (!strcmp(argv[1], verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	mw_cli_err("unknown nlp verb '%s'", argv[1]);
	usage(stderr);
	return MW_EXIT_USAGE;
}
