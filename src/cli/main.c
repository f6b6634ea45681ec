/*
 * main.c - the minwon command: a table of sub-commands.
 */
#include "cli.h"
#include "../base/crypto.h"
#include "../base/mw.h"

#include <stdio.h>
#include <string.h>

#include "../base/banned.h"

static const mw_cli_cmd commands[] = {
	{ "init", "create a database, its key file and the default reference data", mw_cmd_init },
	{ "serve", "run the HTTP server (with the deadline monitor and the senders)", mw_cmd_serve },
	{ "worker", "run the deadline monitor and the senders without the HTTP server", mw_cmd_worker },
	{ "notify", "send a test message (notify test --to EMAIL|PHONE)", mw_cmd_notify },
	{ "user", "add, change or list staff users", mw_cmd_user },
	{ "department", "list or add departments", mw_cmd_department },
	{ "category", "list categories or set a category's department and period", mw_cmd_category },
	{ "holidays", "list holidays or add one announced late", mw_cmd_holidays },
	{ "sla", "compute legal due times (sla due --received TIME --period 3d)", mw_cmd_sla },
	{ "nlp", "train, run and evaluate the routing classifier and the chatbot", mw_cmd_nlp },
	{ "faq", "import or list the chatbot's knowledge base", mw_cmd_faq },
	{ "demo", "create a demo database with staff users and about 2,000 complaints", mw_cmd_demo },
	{ "backup", "copy a database while it is being served", mw_cmd_backup },
	{ "version", "print the version", mw_cmd_version },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon <command> [options]\n\n"
		   "minwon handles civil complaints (민원) for a district office.\n\ncommands:\n");
	for (size_t i = 0; i < MW_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'minwon <command> --help' for a command's options.\n"
		   "Environment: MINWON_DB, MINWON_LISTEN, MINWON_KEY or MINWON_KEY_FILE, "
		   "MINWON_DATA_DIR.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return MW_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return mw_cmd_version(argc - 1, argv + 1);
	if (mw_crypto_init()) {
		fprintf(stderr, "minwon: cannot initialise libsodium\n");
		return MW_EXIT_FAIL;
	}
	for (size_t i = 0; i < MW_ARRAY_LEN(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "minwon: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return MW_EXIT_USAGE;
}
