#include "cli.h"
#include "../base/mw.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon backup --db PATH --out FILE\n\n"
		   "Copies the database to FILE with SQLite's online backup API; the server may\n"
		   "keep serving meanwhile. FILE must not exist. Back up the key file\n"
		   "(PATH.key) and the attachments (PATH.files) separately: the copy's contact\n"
		   "data can only be read with the key.\n");
}

int mw_cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *out = NULL;
	mw_store *s;
	char err[512];
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': out = optarg; break;
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	db = mw_cli_db(db);
	if (!db || !out || optind != argc) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (!access(out, F_OK)) {
		mw_cli_err("%s exists; choose a new file name", out);
		return MW_EXIT_USAGE;
	}
	if (mw_cli_open(db, &s))
		return MW_EXIT_FAIL;
	rc = mw_store_backup(s, out, err, sizeof(err));
	mw_store_close(s);
	if (rc) {
		mw_cli_err("%s", err);
		unlink(out);
		return MW_EXIT_FAIL;
	}
	printf("backup of %s written to %s\n", db, out);
	return MW_EXIT_OK;
}
