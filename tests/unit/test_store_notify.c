/*
 * test_store_notify.c - the storage side of notifications
 * (src/store/store_notify.h) on a fresh SQLite database: outbox claims
 * and leases, reminders that fire once, the inbox, templates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/mw.h"
#include "store/store.h"

#include "base/banned.h"

struct fixture {
	char dir[64];
	char path[96];
	mw_store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	snprintf(f->dir, sizeof(f->dir), "/tmp/mw-store-notify-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	if (mw_store_open(f->path, NULL, &f->s, err, sizeof(err)))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[128];

	mw_store_close(f->s);
	static const char *const suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < MW_ARRAY_LEN(suffix); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A unit of work that runs a callback with a context. */
struct fn_work {
	mw_work w;
	int (*fn)(mw_tx *tx, void *ctx);
	void *ctx;
};

static int fn_run(mw_tx *tx, mw_work *w)
{
	struct fn_work *fw = (struct fn_work *)w;

	return fw->fn(tx, fw->ctx);
}

static int exec(mw_store *s, int (*fn)(mw_tx *, void *), void *ctx)
{
	struct fn_work fw = { .w = { .run = fn_run }, .fn = fn, .ctx = ctx };

	return mw_store_exec(s, &fw.w);
}

struct claim_ctx {
	mw_arena a;
	int channel;
	mw_time now, lease;
	mw_outbox_row *rows;
	size_t n;
};

static int add_rows(mw_tx *tx, void *ctx)
{
	MW_UNUSED(ctx);
	for (int i = 0; i < 5; i++) {
		mw_outbox_row o = { .created_at = 1000, .kind = "received", .channel = i % 2,
				    .recipient = "citizen", .complaint_id = 7, .vars = "{\"a\":1}",
				    .next_at = 1000 + i };
		int64_t id;
		int rc = mw_tx_outbox_add(tx, &o, &id);

		if (rc)
			return rc;
		if (id != i + 1)
			return MW_ERR_INVALID;
	}
	return MW_OK;
}

static int claim(mw_tx *tx, void *ctx)
{
	struct claim_ctx *c = ctx;

	return mw_tx_outbox_claim(tx, c->channel, c->now, c->lease, 10, &c->a, &c->rows, &c->n);
}

static int finish_first(mw_tx *tx, void *ctx)
{
	struct claim_ctx *c = ctx;
	mw_outbox_result r = { .id = c->rows[0].id, .state = MW_OUTBOX_SENT, .tries = 1,
			       .sent_at = c->now, .subject = "s", .body = "b" };
	mw_outbox_result d = { .id = c->rows[1].id, .state = MW_OUTBOX_DEAD, .tries = 8,
			       .error = "550 no such user" };
	int rc = mw_tx_outbox_finish(tx, &r);

	return rc ? rc : mw_tx_outbox_finish(tx, &d);
}

/* A claim takes due rows of one channel only and hides them for the
 * lease; when the lease runs out they are due again. */
static void test_outbox_claim_and_lease(void **state)
{
	struct fixture *f = *state;
	struct claim_ctx c = { .a = MW_ARENA_INIT, .channel = 0, .now = 1003, .lease = 1063 };
	mw_outbox_counts counts;
	mw_outbox_row *list;
	size_t n;

	assert_int_equal(exec(f->s, add_rows, NULL), MW_OK);
	assert_int_equal(mw_store_outbox_counts(f->s, &counts), MW_OK);
	assert_int_equal(counts.pending[0], 3);
	assert_int_equal(counts.pending[1], 2);
	/* Channel 0 has rows 1, 3, 5 due at 1000, 1002, 1004: two are due. */
	assert_int_equal(exec(f->s, claim, &c), MW_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.rows[0].id, 1);
	assert_int_equal(c.rows[1].id, 3);
	assert_string_equal(c.rows[0].vars, "{\"a\":1}");
	assert_int_equal(c.rows[0].next_at, 1063);
	/* Claimed rows are not handed out again within the lease. */
	c.now = 1010;
	assert_int_equal(exec(f->s, claim, &c), MW_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.rows[0].id, 5);
	c.now = 1063; /* every lease has run out */
	assert_int_equal(exec(f->s, claim, &c), MW_OK);
	assert_int_equal(c.n, 3);
	assert_int_equal(exec(f->s, finish_first, &c), MW_OK);
	assert_int_equal(mw_store_outbox_counts(f->s, &counts), MW_OK);
	assert_int_equal(counts.pending[0], 1);
	assert_int_equal(counts.dead[0], 1);
	assert_int_equal(mw_store_outbox_list(f->s, MW_OUTBOX_DEAD, 0, 10, &c.a, &list, &n), MW_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].last_error, "550 no such user");
	assert_int_equal(list[0].tries, 8);
	assert_int_equal(mw_store_outbox_list(f->s, -1, 0, 10, &c.a, &list, &n), MW_OK);
	assert_int_equal(n, 5);
	assert_int_equal(list[0].id, 5);
	mw_arena_release(&c.a);
}

struct rem_ctx {
	mw_arena a;
	mw_time now;
	mw_reminder_row *rows;
	size_t n;
	int fired;
};

/* Reminders belong to a complaint (a foreign key). */
static int add_complaint(mw_tx *tx, void *ctx)
{
	mw_complaint c = { .id = 1, .receipt_no = "2501-000001", .title = "t", .text = "t",
			   .category = "road_damage", .department = "road", .consent_privacy = true,
			   .status = MW_STATUS_RECEIVED, .version = 1, .received_at = 10,
			   .clock_start = 10, .period = { 7, MW_PERIOD_DAYS },
			   .base_period = { 7, MW_PERIOD_DAYS }, .due_at = 500 };
	mw_complaint_secret sec = { .token_hash = "x" };
	int64_t id;

	MW_UNUSED(ctx);
	return mw_tx_complaint_insert(tx, &c, &sec, &id);
}

static int add_plan(mw_tx *tx, void *ctx)
{
	static const mw_reminder_row plan[] = {
		{ .complaint_id = 1, .kind = 0, .fire_at = 100, .target = 500 },
		{ .complaint_id = 1, .kind = 1, .fire_at = 200, .target = 500 },
		{ .complaint_id = 1, .kind = 2, .fire_at = 501, .target = 500 },
		{ .complaint_id = 1, .kind = 4, .ref = "road", .fire_at = 150, .target = 300 },
		{ .complaint_id = 1, .kind = 4, .ref = "water", .fire_at = 2000, .target = 3000 },
	};
	int rc;

	MW_UNUSED(ctx);
	for (size_t i = 0; i < MW_ARRAY_LEN(plan); i++)
		if ((rc = mw_tx_reminder_add(tx, &plan[i])))
			return rc;
	return MW_OK;
}

static int fire_due(mw_tx *tx, void *ctx)
{
	struct rem_ctx *c = ctx;
	int rc = mw_tx_reminders_due(tx, c->now, 100, &c->a, &c->rows, &c->n);

	c->fired = 0;
	for (size_t i = 0; !rc && i < c->n; i++) {
		bool claimed;

		rc = mw_tx_reminder_fire(tx, c->rows[i].id, c->now, &claimed);
		c->fired += claimed;
	}
	return rc;
}

static int replan(mw_tx *tx, void *ctx)
{
	/* An extension: the main plan is replaced; the 80 % reminder that
	 * fired stays, the same reminder again is ignored. */
	mw_reminder_row again = { .complaint_id = 1, .kind = 0, .fire_at = 100, .target = 900 };
	mw_reminder_row later = { .complaint_id = 1, .kind = 2, .fire_at = 901, .target = 900 };
	int rc = mw_tx_reminders_clear(tx, 1);

	MW_UNUSED(ctx);
	if (!rc)
		rc = mw_tx_reminder_add(tx, &again);
	if (!rc)
		rc = mw_tx_reminder_add(tx, &later);
	return rc;
}

static int cancel_coop(mw_tx *tx, void *ctx)
{
	MW_UNUSED(ctx);
	return mw_tx_reminders_cancel(tx, 1, 4, "water");
}

/* Reminders come out by time, fire once, and survive a new plan only
 * where they already fired. */
static void test_reminders_fire_once(void **state)
{
	struct fixture *f = *state;
	struct rem_ctx c = { .a = MW_ARENA_INIT, .now = 160 };
	mw_reminder_row *all;
	size_t n;

	assert_int_equal(exec(f->s, add_complaint, NULL), MW_OK);
	assert_int_equal(exec(f->s, add_plan, NULL), MW_OK);
	assert_int_equal(exec(f->s, add_plan, NULL), MW_OK); /* the same plan twice */
	assert_int_equal(mw_store_reminders(f->s, 1, 0, 100, &c.a, &all, &n), MW_OK);
	assert_int_equal(n, 5);
	assert_int_equal(exec(f->s, fire_due, &c), MW_OK);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.fired, 2);
	assert_int_equal(c.rows[0].fire_at, 100);
	assert_int_equal(c.rows[1].kind, 4);
	assert_string_equal(c.rows[1].ref, "road");
	assert_int_equal(exec(f->s, fire_due, &c), MW_OK);
	assert_int_equal(c.n, 0);
	assert_int_equal(exec(f->s, replan, NULL), MW_OK);
	assert_int_equal(mw_store_reminders(f->s, 1, 0, 100, &c.a, &all, &n), MW_OK);
	assert_int_equal(n, 4); /* fired kind 0, fired coop, pending coop, new kind 2 */
	assert_int_equal(all[3].fire_at, 901);
	assert_int_equal(exec(f->s, cancel_coop, NULL), MW_OK);
	c.now = 1000;
	assert_int_equal(exec(f->s, fire_due, &c), MW_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.rows[0].fire_at, 901);
	/* A cancelled reminder stays cancelled when planned again. */
	assert_int_equal(exec(f->s, add_plan, NULL), MW_OK);
	assert_int_equal(mw_store_reminders(f->s, 1, 0, 100, &c.a, &all, &n), MW_OK);
	for (size_t i = 0; i < n; i++)
		if (all[i].kind == 4)
			assert_int_equal(all[i].fired_at, !strcmp(all[i].ref, "road") ? 160 : -1);
	mw_arena_release(&c.a);
}

static int inbox_fill(mw_tx *tx, void *ctx)
{
	int rc = MW_OK;

	MW_UNUSED(ctx);
	for (int i = 0; !rc && i < 3; i++) {
		mw_inbox_row r = { .login = i < 2 ? "kim" : "lee", .at = 100 + i, .kind = "reminder",
				   .complaint_id = 9, .receipt_no = "2501-000009", .vars = "{}" };

		rc = mw_tx_inbox_add(tx, &r);
	}
	return rc;
}

struct read_ctx {
	int64_t id;
	int64_t marked;
};

static int inbox_read(mw_tx *tx, void *ctx)
{
	struct read_ctx *c = ctx;

	return mw_tx_inbox_mark_read(tx, "kim", c->id ? &c->id : NULL, c->id ? 1 : 0, 200,
				     &c->marked);
}

static void test_inbox(void **state)
{
	struct fixture *f = *state;
	mw_arena a = MW_ARENA_INIT;
	mw_inbox_row *rows;
	size_t n;
	int64_t unread;
	struct read_ctx rc = { .id = 3 };

	assert_int_equal(exec(f->s, inbox_fill, NULL), MW_OK);
	assert_int_equal(mw_store_inbox(f->s, "kim", false, 0, 10, &a, &rows, &n, &unread), MW_OK);
	assert_int_equal(n, 2);
	assert_int_equal(unread, 2);
	assert_int_equal(rows[0].id, 2);
	/* Another login's item is not kim's to mark. */
	assert_int_equal(exec(f->s, inbox_read, &rc), MW_OK);
	assert_int_equal(rc.marked, 0);
	rc.id = 2;
	assert_int_equal(exec(f->s, inbox_read, &rc), MW_OK);
	assert_int_equal(rc.marked, 1);
	assert_int_equal(mw_store_inbox(f->s, "kim", true, 0, 10, &a, &rows, &n, &unread), MW_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, 1);
	assert_int_equal(unread, 1);
	rc.id = 0;
	assert_int_equal(exec(f->s, inbox_read, &rc), MW_OK);
	assert_int_equal(rc.marked, 1);
	mw_arena_release(&a);
}

static void test_instance_and_latest_event(void **state)
{
	struct fixture *f = *state;
	char id[33];
	mw_time t = -1;

	assert_int_equal(mw_store_instance_id(f->s, id), MW_OK);
	assert_int_equal(strlen(id), 32);
	assert_int_equal(mw_store_latest_event_at(f->s, &t), MW_OK);
	assert_int_equal(t, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_claim_and_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders_fire_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbox, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instance_and_latest_event, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
