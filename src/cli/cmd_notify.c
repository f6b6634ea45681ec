/*
 * cmd_notify.c - minwon notify test --to ADDRESS: one test message
 * straight through the configured channel (e-mail for an address with
 * an @, else SMS), to check the settings without filing anything.
 */
#include "cli.h"
#include "../base/mw.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon notify test --to EMAIL|PHONE [notification settings]\n\n"
		   "Sends a test message now: by e-mail (needs --smtp-url and --smtp-from, or\n"
		   "MINWON_SMTP_URL and MINWON_SMTP_FROM) when the address has an @, else by SMS\n"
		   "(--sms-url). Prints what happened; the address is not recorded anywhere.\n\n");
	mw_notify_settings_help(f);
}

int mw_cmd_notify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	mw_cli_notify cn;
	char err[512] = "";
	int c, rc = MW_EXIT_USAGE;

	if (mw_cli_notify_begin(&cn, opts))
		return MW_EXIT_FAIL;
	optind = 0;
	while ((c = getopt_long(argc, argv, "t:h", cn.opts, NULL)) != -1) {
		int nrc = mw_cli_notify_option(&cn, c, optarg);

		if (nrc == MW_OK)
			continue;
		if (nrc == MW_ERR_INVALID)
			goto out;
		switch (c) {
		case 't': to = optarg; break;
		case 'h': usage(stdout); rc = MW_EXIT_OK; goto out;
		default: usage(stderr); goto out;
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "test") || !to || !*to) {
		usage(stderr);
		goto out;
	}
	if (mw_cli_notify_finish(&cn))
		goto out;
	if (mw_notify_send_test(&cn.cfg, to, err, sizeof(err))) {
		mw_cli_err("the test message was not sent: %s", err[0] ? err : "failed");
		rc = MW_EXIT_FAIL;
		goto out;
	}
	printf("test message sent by %s\n", strchr(to, '@') ? "e-mail" : "SMS");
	rc = MW_EXIT_OK;
out:
	mw_cli_notify_end(&cn);
	return rc;
}
