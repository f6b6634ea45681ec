/*
 * cmd_worker.c - minwon worker: the deadline monitor and the message
 * senders without the HTTP server, for deployments that run them apart
 * (minwon serve --no-workers). Several workers and servers may share one
 * database: reminders and messages are claimed in transactions.
 */
#include "cli.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../base/version.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon worker --db PATH [--now TIME] [notification settings]\n\n"
		   "Runs the deadline monitor and sends the outbox's messages until SIGINT or\n"
		   "SIGTERM; SIGHUP reloads holidays, departments and templates.\n\n"
		   "  --db PATH    the database (or MINWON_DB)\n"
		   "  --now TIME   TESTS ONLY: a test clock starting at TIME (or MINWON_NOW)\n\n");
	mw_notify_settings_help(f);
}

int mw_cmd_worker(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *now = NULL;
	mw_cli_notify cn;
	mw_notify *n = NULL;
	mw_store *store = NULL;
	mw_keys keys;
	sigset_t set;
	char err[512];
	int c, sig, rc = MW_EXIT_FAIL;

	if (mw_cli_notify_begin(&cn, opts))
		return MW_EXIT_FAIL;
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:N:h", cn.opts, NULL)) != -1) {
		int nrc = mw_cli_notify_option(&cn, c, optarg);

		if (nrc == MW_OK)
			continue;
		if (nrc == MW_ERR_INVALID) {
			rc = MW_EXIT_USAGE;
			goto out;
		}
		switch (c) {
		case 'd': db = optarg; break;
		case 'N': now = optarg; break;
		case 'h': usage(stdout); rc = MW_EXIT_OK; goto out;
		default: usage(stderr); rc = MW_EXIT_USAGE; goto out;
		}
	}
	db = mw_cli_db(db);
	if (!db || optind != argc) {
		usage(stderr);
		rc = MW_EXIT_USAGE;
		goto out;
	}
	if (mw_cli_notify_finish(&cn)) {
		rc = MW_EXIT_USAGE;
		goto out;
	}
	/* Signals are taken by sigwait below; blocked before the store starts
	 * its threads, so that every thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (mw_cli_keys(db, &keys) || mw_cli_open(db, &store) || mw_cli_clock(now, store))
		goto out;
	if (mw_notify_new(store, &keys, &cn.cfg, &n, err, sizeof(err))) {
		mw_cli_err("%s", err);
		goto out;
	}
	if (mw_notify_start(n, true)) {
		mw_cli_err("cannot start the notification threads");
		goto out;
	}
	printf("minwon: worker %s running (database %s)\n", MW_VERSION_STRING, db);
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			mw_notify_reload(n);
			continue;
		}
		break;
	}
	mw_log_info("worker", "event=stopping signal=%d", sig);
	rc = MW_EXIT_OK;
out:
	mw_notify_free(n);
	mw_store_close(store);
	mw_cli_notify_end(&cn);
	return rc;
}
