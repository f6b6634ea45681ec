/*
 * bench_sqlite_commit - the reference for durable intake: how many
 * single-row transactions per second SQLite commits durably on this
 * machine (WAL, synchronous=FULL, one row of about complaint size per
 * commit, one thread), measured in the same run as minwon's intake.
 *
 *   bench_sqlite_commit DIR [SECONDS]
 */
#include "base/timeutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

int main(int argc, char **argv)
{
	char path[512], body[600];
	sqlite3 *db;
	sqlite3_stmt *st;
	double seconds = argc > 2 ? strtod(argv[2], NULL) : 5.0;
	int64_t start, end, n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_sqlite_commit DIR [SECONDS]\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/raw_commit.db", argv[1]);
	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			     "CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT NOT NULL);",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES (?1)", -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_sqlite_commit: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	start = mw_monotonic_us();
	end = start + (int64_t)(seconds * 1e6);
	while (mw_monotonic_us() < end) {
		/* Autocommit: each INSERT is its own durable transaction. */
		sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			fprintf(stderr, "bench_sqlite_commit: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		sqlite3_reset(st);
		n++;
	}
	printf("%.0f\n", (double)n * 1e6 / (double)(mw_monotonic_us() - start));
	sqlite3_finalize(st);
	sqlite3_close(db);
	remove(path);
	return 0;
}
