#include "cli.h"
#include "../base/mw.h"
#include "../core/deadline.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon sla due --received TIME --period PERIOD [--pause FROM/TO]...\n"
		   "                      [--db PATH]\n\n"
		   "Prints the legal due time of a complaint (민원 처리에 관한 법률 §19 and its\n"
		   "decree) as ISO 8601 in KST, e.g.\n"
		   "  minwon sla due --received 2024-12-06T15:00:00+09:00 --period 3d\n"
		   "  2024-12-11T15:00:00+09:00\n\n"
		   "  --received TIME   when the complaint was received (ISO 8601; no zone = KST)\n"
		   "  --period PERIOD   Nd (days) or Nh (working hours); 5 days or less count in\n"
		   "                    working hours (09-12, 13-18), 6 or more in days with the\n"
		   "                    first day counted, due 23:59:59 of the last day\n"
		   "  --pause FROM/TO   a 보완 pause (clock stopped), two ISO 8601 times; repeatable\n"
		   "  --db PATH         take holidays from this database (with ones added by\n"
		   "                    'minwon holidays add'); default: the built-in 2024-2027 table\n");
}

static int pause_cmp(const void *a, const void *b)
{
	const mw_pause *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int mw_cmd_sla(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "received", required_argument, NULL, 'r' },
		{ "period", required_argument, NULL, 'p' },
		{ "pause", required_argument, NULL, 'P' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *received = NULL, *period = NULL, *db = NULL;
	mw_pause pauses[16];
	size_t npauses = 0;
	mw_period p;
	mw_time t, due;
	mw_calendar *cal;
	char out[32];
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:p:P:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': received = optarg; break;
		case 'p': period = optarg; break;
		case 'd': db = optarg; break;
		case 'P': {
			char from[64];
			const char *slash = strchr(optarg, '/');

			if (npauses == MW_ARRAY_LEN(pauses) || !slash ||
			    (size_t)(slash - optarg) >= sizeof(from)) {
				mw_cli_err("--pause must be FROM/TO (at most %zu pauses)",
					   MW_ARRAY_LEN(pauses));
				return MW_EXIT_USAGE;
			}
			memcpy(from, optarg, (size_t)(slash - optarg));
			from[slash - optarg] = '\0';
			if (mw_time_parse_iso8601(from, &pauses[npauses].start) ||
			    mw_time_parse_iso8601(slash + 1, &pauses[npauses].end) ||
			    pauses[npauses].end < pauses[npauses].start) {
				mw_cli_err("--pause %s: two ISO 8601 times, FROM before TO", optarg);
				return MW_EXIT_USAGE;
			}
			npauses++;
			break;
		}
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "due") || optind + 1 != argc || !received ||
	    !period) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (mw_time_parse_iso8601(received, &t)) {
		mw_cli_err("--received %s is not an ISO 8601 time (e.g. 2024-12-06T15:00:00+09:00)",
			   received);
		return MW_EXIT_USAGE;
	}
	if (mw_period_parse(period, &p)) {
		mw_cli_err("--period %s must be Nd or Nh, e.g. 7d or 16h", period);
		return MW_EXIT_USAGE;
	}
	qsort(pauses, npauses, sizeof(pauses[0]), pause_cmp);
	for (size_t i = 1; i < npauses; i++)
		if (pauses[i].start < pauses[i - 1].end) {
			mw_cli_err("--pause intervals overlap");
			return MW_EXIT_USAGE;
		}
	if (mw_cli_calendar(db, &cal)) {
		mw_cli_err("cannot load the holiday calendar");
		return MW_EXIT_FAIL;
	}
	due = mw_deadline_due(cal, t, p, pauses, npauses);
	mw_calendar_free(cal);
	if (!due) {
		mw_cli_err("no due time for these inputs");
		return MW_EXIT_FAIL;
	}
	mw_time_format_kst(due, out);
	printf("%s\n", out);
	return MW_EXIT_OK;
}
