/*
 * store_int.h - what a storage backend implements (SQLite's
 * sqlite3_io_methods, curl's TLS backends): one constant ops table. Only
 * store.c and the backends include this header.
 */
#ifndef MW_STORE_INT_H
#define MW_STORE_INT_H

#include "store.h"

struct mw_store_ops {
	const char *name;
	/* Does this backend take this URI? */
	bool (*accepts)(const char *uri);
	int (*open)(mw_store *s, const char *uri, const mw_store_config *cfg, char *errbuf,
		    size_t errsz);
	void (*close)(mw_store *s);
	/* The writer's transaction control; called only on the writer thread. */
	int (*begin)(mw_store *s);
	int (*commit)(mw_store *s);
	void (*rollback)(mw_store *s);
	int (*savepoint)(mw_store *s);
	void (*release)(mw_store *s, bool keep);
	/* Called on the writer thread before it exits. */
	void (*writer_exit)(mw_store *s);

#define MW_TX_OP(name, params, args) int (*tx_##name) params;
#define MW_READ_OP(name, params, args) int (*name) params;
#include "store_ops.def"
#undef MW_TX_OP
#undef MW_READ_OP
};

struct mw_tx {
	mw_store *store;
};

/* The backend's private state. */
void *mw_store_backend_data(mw_store *s);
void mw_store_set_backend_data(mw_store *s, void *data);
mw_store *mw_tx_store(mw_tx *tx);

extern const struct mw_store_ops mw_store_sqlite;

#endif
