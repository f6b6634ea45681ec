/*
 * sqlite_int.h - what the files of the SQLite backend share.
 *
 * store_sqlite.c owns the connections (one writer, one reader per thread)
 * and the statements of the core tables. Other files of this folder
 * (sqlite_notify.c: outbox, reminders, inbox, templates) keep their SQL in
 * tables of their own and prepare it on the same connections through
 * mw_sqlite_stmt(): each such statement has a fixed slot below
 * MW_SQLITE_EXT_STMTS, prepared once per connection and kept, like the
 * core statements.
 *
 * Their operations are rows of store_ops.def like every other, so the ops
 * table of store_sqlite.c takes them by name: they are declared here.
 */
#ifndef MW_SQLITE_INT_H
#define MW_SQLITE_INT_H

#include <sqlite3.h>
#include <string.h>

#include "../store_int.h"

/* Statement slots for the other files of the backend. */
#define MW_SQLITE_EXT_STMTS 112

typedef struct conn mw_sqlite_conn;

/* The writer's connection (writer thread only) and this thread's reader;
 * the reader is NULL when it cannot be opened (logged). */
mw_sqlite_conn *mw_sqlite_writer(mw_tx *tx);
mw_sqlite_conn *mw_sqlite_reader(mw_store *s);
sqlite3 *mw_sqlite_db(mw_sqlite_conn *c);

/* The prepared statement of slot (0 <= slot < MW_SQLITE_EXT_STMTS) on c,
 * prepared from sql on first use; NULL on error (logged). */
sqlite3_stmt *mw_sqlite_stmt(mw_sqlite_conn *c, int slot, const char *sql);

/* Logs the connection's last error (never with data) and returns
 * MW_ERR_DB. */
int mw_sqlite_error(mw_sqlite_conn *c, const char *what);
/* Steps a statement that returns no rows, resets it; MW_OK or MW_ERR_DB. */
int mw_sqlite_step_done(mw_sqlite_conn *c, sqlite3_stmt *st, const char *what);
/* Resets a statement and clears its bindings. */
void mw_sqlite_finish(sqlite3_stmt *st);
/* Binds text, or NULL for a NULL pointer (the text must outlive the step). */
void mw_sqlite_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Column text copied into a; NULL for SQL NULL. */
const char *mw_sqlite_col_text(sqlite3_stmt *st, int i, mw_arena *a);

/*
 * Steps st and collects every row into an array of T allocated from the
 * arena a: the statement block (the last argument) fills `row` from st.
 * Returns from the calling function on error (MW_ERR_NOMEM, MW_ERR_DB).
 */
#define COLLECT(conn_, st_, T, a, out, n, ...)                                \
	do {                                                                  \
		size_t cap_ = 0;                                              \
		int r_;                                                       \
		T *arr_ = NULL;                                               \
		*(n) = 0;                                                     \
		while ((r_ = sqlite3_step(st_)) == SQLITE_ROW) {              \
			T *row;                                               \
			if (*(n) == cap_) {                                   \
				T *p_;                                        \
				cap_ = cap_ ? cap_ * 2 : 16;                  \
				p_ = mw_arena_alloc(a, cap_ * sizeof(T));     \
				if (!p_) {                                    \
					mw_sqlite_finish(st_);                \
					return MW_ERR_NOMEM;                  \
				}                                             \
				if (*(n))                                     \
					memcpy(p_, arr_, *(n) * sizeof(T));   \
				arr_ = p_;                                    \
			}                                                     \
			row = &arr_[(*(n))++];                                \
			__VA_ARGS__;                                          \
		}                                                             \
		mw_sqlite_finish(st_);                                        \
		*(out) = arr_;                                                \
		if (r_ != SQLITE_DONE)                                        \
			return mw_sqlite_error((conn_), "collect");           \
	} while (0)

/* The operations implemented in sqlite_notify.c (rows of store_ops.def). */
#define MW_TX_OP(name, params, args) int tx_##name params;
#define MW_READ_OP(name, params, args) int rd_##name params;
#include "../notify_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP

/* The operations implemented in sqlite_track.c; its statements take the
 * slots from MW_SQLITE_TRACK_SLOT on (sqlite_notify.c's are below). */
#define MW_SQLITE_TRACK_SLOT 48
#define MW_TX_OP(name, params, args) int tx_##name params;
#define MW_READ_OP(name, params, args) int rd_##name params;
#include "../track_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP

/* The operations implemented in sqlite_admin.c; its statements take the
 * slots from MW_SQLITE_ADMIN_SLOT on. */
#define MW_SQLITE_ADMIN_SLOT 64
#define MW_TX_OP(name, params, args) int tx_##name params;
#define MW_READ_OP(name, params, args) int rd_##name params;
#include "../admin_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP

#endif
