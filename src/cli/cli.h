/*
 * cli.h - what the sub-commands share: the command table entry, option
 * parsing helpers and opening the database with its key.
 *
 * Settings come from flags first, then the environment: MINWON_DB (the
 * database), MINWON_LISTEN (host:port), MINWON_KEY (the master key as 64
 * hex digits) or MINWON_KEY_FILE (default: the database path + ".key"),
 * MINWON_DATA_DIR (default: the database path + ".files").
 */
#ifndef MW_CLI_H
#define MW_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../base/crypto.h"
#include "../notify/notify.h"
#include "../store/store.h"

typedef struct mw_cli_cmd {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} mw_cli_cmd;

/* Exit codes: 0 ok, 1 failure, 2 usage error. */
#define MW_EXIT_OK 0
#define MW_EXIT_FAIL 1
#define MW_EXIT_USAGE 2

/* The database path: flag value, else MINWON_DB, else NULL (the caller
 * then reports a usage error). */
const char *mw_cli_db(const char *flag);
/* Derived paths for a database: key file and data directory. */
void mw_cli_key_path(const char *db, char *out, size_t outsz);
void mw_cli_data_dir(const char *db, char *out, size_t outsz);

/* Opens an existing database (it must have been created by init) and
 * reports errors on stderr. */
int mw_cli_open(const char *db, mw_store **out);
/* Loads the keys for db; reports errors on stderr. */
int mw_cli_keys(const char *db, mw_keys *out);

/* Seeds an empty database with the embedded departments, categories and
 * holidays; counts what it added. */
int mw_cli_seed(mw_store *s, int *ndept, int *ncat, int *nhol);

/* Reads a password from stdin (one line, without the newline). */
int mw_cli_read_password(char *out, size_t outsz);

/* A holiday calendar: from the database when db is given, else from the
 * table built into the binary. */
int mw_cli_calendar(const char *db, mw_calendar **out);

/* Creates or migrates db with its key file, data dir and seed data. */
int mw_cli_init_db(const char *db, bool quiet);

void mw_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Starts the test clock (timeutil.h) at the time given by --now (flag)
 * or else MINWON_NOW; with neither the process keeps the real clock. A
 * time before the newest event in the database is refused: the clock of
 * a database never runs backwards. Warns on stderr and in the log. */
int mw_cli_clock(const char *flag, mw_store *s);

/* Commands that send notifications (serve, worker, notify) take every
 * notification setting as a flag (settings.def): their getopt long options
 * are their own followed by one per setting. */
#define MW_CLI_SETTING 1000
#define MW_CLI_SETTINGS_MAX 64
struct option;
typedef struct mw_cli_notify {
	mw_notify_config cfg;
	bool set[MW_CLI_SETTINGS_MAX];  /* given as a flag */
	struct option *opts;            /* the command's base + the settings */
} mw_cli_notify;
/* base ends in a zero row. MW_ERR_NOMEM. */
int mw_cli_notify_begin(mw_cli_notify *cn, const struct option *base);
void mw_cli_notify_end(mw_cli_notify *cn);
/* Takes getopt's c when it is a setting: MW_OK, or MW_ERR_INVALID after
 * printing why; MW_ERR_NOTFOUND when c is the command's own. */
int mw_cli_notify_option(mw_cli_notify *cn, int c, const char *arg);
/* Completes the settings from the environment and the config file. */
int mw_cli_notify_finish(mw_cli_notify *cn);

/* The sub-commands. */
int mw_cmd_init(int argc, char **argv);
int mw_cmd_serve(int argc, char **argv);
int mw_cmd_user(int argc, char **argv);
int mw_cmd_department(int argc, char **argv);
int mw_cmd_category(int argc, char **argv);
int mw_cmd_holidays(int argc, char **argv);
int mw_cmd_sla(int argc, char **argv);
int mw_cmd_demo(int argc, char **argv);
int mw_cmd_backup(int argc, char **argv);
int mw_cmd_version(int argc, char **argv);
int mw_cmd_nlp(int argc, char **argv);
int mw_cmd_faq(int argc, char **argv);
int mw_cmd_worker(int argc, char **argv);
int mw_cmd_notify(int argc, char **argv);

/* The verbs of `minwon nlp` (cmd_nlp_model.c, cmd_nlp_chat.c). */
int mw_nlp_cmd_train(int argc, char **argv);
int mw_nlp_cmd_classify(int argc, char **argv);
int mw_nlp_cmd_eval(int argc, char **argv);
int mw_nlp_cmd_chat(int argc, char **argv);

#endif
