#include "cli.h"
#include "../base/mw.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/banned.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon init --db PATH\n\n"
		   "Creates the database (SQLite, WAL mode) and applies the schema migrations,\n"
		   "writes a new master key to PATH.key (mode 0600; or set MINWON_KEY), creates\n"
		   "the attachment directory PATH.files, and fills in the default departments,\n"
		   "categories and the 2024-2027 holiday table. Running it again on an existing\n"
		   "database only applies new migrations; it never overwrites a key.\n\n"
		   "  --db PATH   the database file (or MINWON_DB)\n");
}

int mw_cli_init_db(const char *db, bool quiet)
{
	char key[1024], dir[1024], err[512];
	mw_store *s;
	int nd, nc, nh, rc;

	mw_cli_key_path(db, key, sizeof(key));
	if (!getenv("MINWON_KEY") && access(key, F_OK)) {
		rc = mw_keyfile_create(key);
		if (rc) {
			mw_cli_err("cannot create key file %s: %s", key, strerror(errno));
			return MW_EXIT_FAIL;
		}
		if (!quiet)
			printf("key file    %s (mode 0600; back it up: without it contact data cannot be read)\n",
			       key);
	}
	mw_cli_data_dir(db, dir, sizeof(dir));
	if (mkdir(dir, 0750) && errno != EEXIST) {
		mw_cli_err("cannot create data directory %s: %s", dir, strerror(errno));
		return MW_EXIT_FAIL;
	}
	if (mw_store_open(db, NULL, &s, err, sizeof(err))) {
		mw_cli_err("%s", err);
		return MW_EXIT_FAIL;
	}
	rc = mw_cli_seed(s, &nd, &nc, &nh);
	if (rc)
		mw_cli_err("cannot seed reference data: %s", mw_err_str(rc));
	else if (!quiet)
		printf("database    %s (schema version %d)\n"
		       "data dir    %s\n"
		       "seeded      %d departments, %d categories, %d holidays\n",
		       db, mw_store_schema_version(s), dir, nd, nc, nh);
	mw_store_close(s);
	return rc ? MW_EXIT_FAIL : MW_EXIT_OK;
}

int mw_cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	db = mw_cli_db(db);
	if (!db || optind != argc) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	return mw_cli_init_db(db, false);
}
