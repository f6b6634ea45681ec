#include "sync.h"
#include "../base/crypto.h"
#include "../base/mw.h"

#include <stdlib.h>
#include <string.h>

#include "../base/banned.h"

enum put_kind { PUT_DEPARTMENT, PUT_CATEGORY, PUT_HOLIDAY, PUT_USER, PUT_STAFF_CONTACT,
		PUT_NOTIFY_TEMPLATE };

struct put_work {
	mw_work w;
	enum put_kind kind;
	const void *row;
	const char *source;
};

static int put_run(mw_tx *tx, mw_work *w)
{
	struct put_work *p = (struct put_work *)w;

	switch (p->kind) {
	case PUT_DEPARTMENT:
		return mw_tx_department_put(tx, p->row);
	case PUT_CATEGORY:
		return mw_tx_category_put(tx, p->row);
	case PUT_HOLIDAY:
		return mw_tx_holiday_put(tx, p->row, p->source);
	case PUT_USER:
		return mw_tx_user_put(tx, p->row);
	case PUT_STAFF_CONTACT: {
		const mw_staff_contact *c = p->row;

		return mw_tx_staff_contact_put(tx, c->login, c->email, c->phone);
	}
	case PUT_NOTIFY_TEMPLATE:
		return mw_tx_notify_template_put(tx, p->row);
	}
	return MW_ERR_INVALID;
}

static int put(mw_store *s, enum put_kind kind, const void *row, const char *source)
{
	struct put_work p = { .w = { .run = put_run }, .kind = kind, .row = row, .source = source };

	return mw_store_exec(s, &p.w);
}

int mw_store_put_department(mw_store *s, const mw_department *d)
{
	return put(s, PUT_DEPARTMENT, d, NULL);
}

int mw_store_put_category(mw_store *s, const mw_category *c)
{
	return put(s, PUT_CATEGORY, c, NULL);
}

int mw_store_put_holiday(mw_store *s, const mw_holiday *h, const char *source)
{
	return put(s, PUT_HOLIDAY, h, source);
}

int mw_store_put_staff_contact(mw_store *s, const mw_staff_contact *c)
{
	return put(s, PUT_STAFF_CONTACT, c, NULL);
}

int mw_store_put_notify_template(mw_store *s, const mw_notify_template *t)
{
	return put(s, PUT_NOTIFY_TEMPLATE, t, NULL);
}

int mw_store_put_user(mw_store *s, const mw_user *u, const char *password)
{
	mw_user copy = *u;
	char *hash = NULL;
	int rc;

	/* Without a password the user keeps theirs (mw_tx_user_put). */
	if (password && (rc = mw_password_hash(password, &hash)))
		return rc;
	copy.pwhash = hash;
	rc = put(s, PUT_USER, &copy, NULL);
	free(hash);
	return rc;
}
