/*
 * sync.h - one-call synchronous writes for reference data and users, used
 * by the CLI and the admin API. Each runs one unit of work through the
 * writer and returns when it is durable.
 */
#ifndef MW_STORE_SYNC_H
#define MW_STORE_SYNC_H

#include "store.h"

int mw_store_put_department(mw_store *s, const mw_department *d);
int mw_store_put_category(mw_store *s, const mw_category *c);
int mw_store_put_holiday(mw_store *s, const mw_holiday *h, const char *source);
/* Creates or updates a staff user; password (plain, hashed here with
 * argon2id) may be NULL to keep the current one when the user exists. */
int mw_store_put_user(mw_store *s, const mw_user *u, const char *password);
/* A staff member's work e-mail and phone for notices; NULL clears. */
int mw_store_put_staff_contact(mw_store *s, const mw_staff_contact *c);
int mw_store_put_notify_template(mw_store *s, const mw_notify_template *t);

#endif
