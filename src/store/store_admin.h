/*
 * store_admin.h - the storage side of the administration (tables of
 * 0010_admin.sql): the version of a record an administrator edits, what
 * still uses a department or category before it goes, deleting and
 * retiring, and the log of every admin change. Rows of admin_ops.def;
 * src/api/admin.c, faq_admin.c and templates.c are the users.
 *
 * Everything here runs inside the unit of work that makes the change, so
 * the version check, the usage check, the change and its log entry are
 * one transaction: two administrators saving the same record at once
 * cannot both succeed on the same version, and a category cannot gain a
 * complaint between the check and the delete on the writer.
 */
#ifndef MW_STORE_ADMIN_H
#define MW_STORE_ADMIN_H

/* The kinds of record an administrator keeps, and what names one. */
typedef enum mw_admin_kind {
	MW_ADMIN_USER,          /* users.login */
	MW_ADMIN_DEPARTMENT,    /* departments.code */
	MW_ADMIN_CATEGORY,      /* categories.code */
	MW_ADMIN_HOLIDAY,       /* holidays.date, YYYY-MM-DD */
	MW_ADMIN_FAQ,           /* faq.id */
	MW_ADMIN_TEMPLATE,      /* answer_templates.id, decimal */
	MW_ADMIN__COUNT
} mw_admin_kind;

/* What still refers to a department or category: a kind of reference
 * (what), how many, and up to five of them by name (logins, codes,
 * receipt numbers; one a line, NULL when there are none to name). */
typedef struct mw_admin_use {
	const char *what;
	int64_t count;
	const char *examples;
} mw_admin_use;

/* The kinds of reference mw_tx_admin_usage reports, in this order.
 * Live work: open complaints, enabled users, categories in use (a
 * department's), open cooperation requests, FAQ entries and answer
 * templates (a category's). History: every complaint ever filed under it,
 * disabled users and retired categories. */
#define MW_ADMIN_USE_OPEN_COMPLAINTS "open_complaints"
#define MW_ADMIN_USE_USERS "users"
#define MW_ADMIN_USE_CATEGORIES "categories"
#define MW_ADMIN_USE_COOPERATIONS "cooperations"
#define MW_ADMIN_USE_FAQ "faq"
#define MW_ADMIN_USE_TEMPLATES "templates"
#define MW_ADMIN_USE_COMPLAINTS "complaints"
#define MW_ADMIN_USE_DISABLED_USERS "disabled_users"
#define MW_ADMIN_USE_RETIRED_CATEGORIES "retired_categories"

/* One entry of the admin log. */
typedef struct mw_admin_log_entry {
	int64_t id;
	mw_time at;
	const char *login;
	const char *area;        /* users, departments, categories, holidays, faq, templates */
	const char *item;
	const char *action;      /* create, update, delete, retire */
	int64_t version;         /* after the change; 0 once deleted */
	const char *detail;      /* JSON or NULL */
} mw_admin_log_entry;

/* ---- writer side ----------------------------------------------------- */

/* The current version of a record and whether it is retired (departments
 * and categories; false for the others). MW_ERR_NOTFOUND when there is no
 * such record. */
int mw_tx_admin_version(mw_tx *tx, mw_admin_kind kind, const char *key, int64_t *version,
			bool *retired);
/* What refers to a department or category, the kinds with a count above
 * zero only (*n may be 0). Other kinds: MW_ERR_INVALID. */
int mw_tx_admin_usage(mw_tx *tx, mw_admin_kind kind, const char *key, mw_arena *a,
		      mw_admin_use **out, size_t *n);
/* Deletes a department, category or holiday (FAQ entries and templates
 * have mw_tx_faq_delete and mw_tx_template_delete). MW_ERR_NOTFOUND when
 * there is none; the caller checked that nothing uses it. */
int mw_tx_admin_delete(mw_tx *tx, mw_admin_kind kind, const char *key);
/* Retires a department or category at `at` and bumps its version. */
int mw_tx_admin_retire(mw_tx *tx, mw_admin_kind kind, const char *key, mw_time at);
int mw_tx_admin_log(mw_tx *tx, const mw_admin_log_entry *e);

/* ---- reads ----------------------------------------------------------- */

/* The admin log, newest first: entries with an id below before_id (0:
 * from the newest), at most limit. */
int mw_store_admin_log(mw_store *s, int64_t before_id, int limit, mw_arena *a,
		       mw_admin_log_entry **out, size_t *n);

#endif
