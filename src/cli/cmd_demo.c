/*
 * cmd_demo.c - a demo database: the default reference data, one staff
 * user per role, and complaints in every state of the lifecycle, written
 * by the demo generator (src/demo) and driven through the real lifecycle
 * rules so their timelines and due dates are what the server would have
 * produced.
 */
#include "cli.h"
#include "../api/app.h"
#include "../base/mw.h"
#include "../base/buf.h"
#include "../core/receipt.h"
#include "../demo/demo.h"
#include "../store/sync.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/banned.h"

#define BATCH 50

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon demo --db PATH [--count N] [--seed N] [--password PW]\n\n"
		   "Creates a new database at PATH (see 'minwon init') with demo content:\n"
		   "staff users for every role (admin, manager, officer, officer2, desk, field,\n"
		   "auditor) and N complaints (default 2000) in every state, spread over the\n"
		   "last 90 days across the fictional district 한빛구. The staff passwords are\n"
		   "generated and printed once, unless --password sets one for all of them.\n"
		   "PATH must not exist yet.\n\n"
		   "  --db PATH       the new database (or MINWON_DB)\n"
		   "  --count N       complaints to create (1 to 200000, default 2000)\n"
		   "  --seed N        generator seed: the same seed gives the same texts\n"
		   "  --password PW   one password for every demo user (at least 10 characters)\n");
}

static const struct demo_user {
	const char *login, *role, *department, *name;
} demo_users[] = {
	{ "admin", "admin", NULL, "시스템 관리자" },
	{ "manager", "manager", "road", "도로과장" },
	{ "officer", "officer", "road", "도로과 주무관" },
	{ "officer2", "officer", "sanitation", "청소행정과 주무관" },
	{ "desk", "desk", NULL, "민원실 창구" },
	{ "field", "field", NULL, "환경미화원" },
	{ "auditor", "auditor", NULL, "개인정보 감사" },
};

/* Other agencies complaints are sent on to (이송), by category. */
static const char *agency_for(const char *category)
{
	static const struct { const char *cat, *agency; } map[] = {
		{ "illegal_parking", "한빛경찰서" },
		{ "traffic_facility", "한빛경찰서" },
		{ "water_sewer", "서울특별시 상수도사업본부" },
		{ "road_damage", "서울특별시 도로사업소" },
		{ "tax_fines", "서울특별시 세무과" },
	};

	for (size_t i = 0; i < MW_ARRAY_LEN(map); i++)
		if (!strcmp(map[i].cat, category))
			return map[i].agency;
	return "국민권익위원회";
}

struct demo_ctx {
	mw_keys keys;
	mw_refdata *ref;          /* calendar + categories, loaded once */
	mw_demo *gen;
	mw_time now;
	int64_t last_open[32];    /* per category index: a merge target */
	int counts[MW_STATUS__COUNT];
	char sample_receipt[MW_RECEIPT_MAX];
	char sample_token[MW_TOKEN_CHARS + 1];
};

struct demo_work {
	mw_work w;
	struct demo_ctx *ctx;
	int n;
};

static int category_index(const struct demo_ctx *ctx, const char *code)
{
	for (size_t i = 0; i < ctx->ref->ncategories && i < 32; i++)
		if (!strcmp(ctx->ref->categories[i].code, code))
			return (int)i;
	return 0;
}

/* Applies one action at time t and writes its event. */
static int act(mw_tx *tx, struct demo_ctx *ctx, mw_complaint *c, mw_action type, mw_time t,
	       mw_action_req *req, const char *actor)
{
	mw_complaint next;
	mw_event ev;
	mw_refusal why;
	int rc;

	req->type = type;
	req->actor = actor;
	req->actor_kind = strcmp(actor, "citizen") ? MW_ACTOR_STAFF : MW_ACTOR_CITIZEN;
	if (type == MW_ACT_RATE || type == MW_ACT_REOPEN) {
		const mw_category *cat = mw_ref_category(ctx->ref, c->category);

		req->reopen_period = cat ? cat->period : c->base_period;
	}
	rc = mw_lifecycle_apply(ctx->ref->cal, t, c, req, &next, &ev, &why);
	if (rc)
		return rc;
	if ((rc = mw_tx_complaint_update(tx, &next, c->version)) ||
	    (rc = mw_tx_event_insert(tx, c->id, &ev, actor, NULL)))
		return rc;
	*c = next;
	return MW_OK;
}

static int drive(mw_tx *tx, struct demo_ctx *ctx, mw_complaint *c, const mw_demo_complaint *d,
		 int ci)
{
	mw_time span = ctx->now - c->received_at, t = c->received_at;
	const char *officer = c->department && !strcmp(c->department, "road") ? "officer" : "manager";
	mw_action_req req;
	int rc = MW_OK;

#define STEP(frac) (t = c->received_at + (mw_time)(span * (frac)) + 60)
#define DO(type, ...)                                                        \
	do {                                                                 \
		memset(&req, 0, sizeof(req));                                \
		__VA_ARGS__;                                                 \
		if ((rc = act(tx, ctx, c, type, t, &req, req.actor ? req.actor : officer))) \
			return rc;                                           \
	} while (0)

	switch (d->stage) {
	case MW_DEMO_RECEIVED:
		return MW_OK;
	case MW_DEMO_WITHDRAWN:
		STEP(0.3);
		DO(MW_ACT_WITHDRAW, req.text = "다른 경로로 해결되어 취하합니다.";
		   req.actor = "citizen");
		return MW_OK;
	case MW_DEMO_MERGED:
		if (!ctx->last_open[ci] || ctx->last_open[ci] == c->id)
			return MW_OK;
		STEP(0.2);
		DO(MW_ACT_MERGE, req.merge_into = ctx->last_open[ci];
		   req.text = "같은 장소의 동일한 민원이 먼저 접수되어 함께 처리합니다.");
		return MW_OK;
	case MW_DEMO_TRANSFERRED:
		STEP(0.1);
		DO(MW_ACT_TRANSFER, req.agency = agency_for(c->category);
		   req.text = "소관 기관에서 처리할 사항이어서 이송합니다.");
		return MW_OK;
	default:
		break;
	}
	STEP(0.05);
	DO(MW_ACT_ASSIGN, req.assignee = officer; req.actor = "manager");
	if (d->stage == MW_DEMO_ASSIGNED)
		return MW_OK;
	STEP(0.15);
	DO(MW_ACT_START);
	switch (d->stage) {
	case MW_DEMO_IN_PROGRESS:
		return MW_OK;
	case MW_DEMO_NEEDS_INFO:
		STEP(0.3);
		DO(MW_ACT_REQUEST_INFO,
		   req.text = "정확한 위치 확인을 위해 가까운 건물명이나 사진을 추가로 보내 주시기 바랍니다.");
		return MW_OK;
	case MW_DEMO_EXTENDED:
		STEP(0.3);
		/* A period that has run out is no longer extended: the
		 * citizen is told why it is late instead. */
		if (c->due_at && t > c->due_at)
			DO(MW_ACT_DELAY_NOTICE, req.expected_at = ctx->now + 3 * 86400;
			   req.text = "현장 조사와 관계 부서 협의가 길어져 처리가 늦어지고 있습니다.");
		else
			DO(MW_ACT_EXTEND, req.period = c->base_period;
			   req.text = "현장 조사와 관계 부서 협의가 필요하여 처리기간을 연장합니다.");
		return MW_OK;
	default:
		break;
	}
	STEP(0.5);
	DO(MW_ACT_ANSWER, req.text = d->answer);
	if (d->stage == MW_DEMO_ANSWERED)
		return MW_OK;
	STEP(0.7);
	if (d->rating)
		DO(MW_ACT_RATE, req.rating = d->rating; req.actor = "citizen";
		   req.text = d->rating <= 2 ? "조치가 충분하지 않습니다. 다시 확인해 주세요." : NULL);
	else
		DO(MW_ACT_CLOSE);
	if (d->stage == MW_DEMO_REOPENED && c->status != MW_STATUS_REOPENED) {
		STEP(0.8);
		DO(MW_ACT_REOPEN, req.text = "민원인 요청으로 재검토합니다.");
	}
#undef DO
#undef STEP
	return rc;
}

static int demo_run(mw_tx *tx, mw_work *w)
{
	struct demo_work *dw = (struct demo_work *)w;
	struct demo_ctx *ctx = dw->ctx;
	mw_buf contact = MW_BUF_INIT;
	int rc = MW_OK;

	for (int i = 0; i < dw->n && !rc; i++) {
		mw_demo_complaint d;
		mw_complaint c = { 0 };
		mw_complaint_secret sec = { 0 };
		mw_event ev = { 0 };
		const mw_category *cat;
		char token[MW_TOKEN_CHARS + 1], *sealed = NULL;
		char digits[24];
		size_t nd = 0;
		int64_t seq;
		int ci;

		mw_demo_next(ctx->gen, &d);
		c.received_at = ctx->now - (mw_time)d.age_minutes * 60;
		/* A few fresh ones wait in triage (분류대기) for a person. */
		cat = mw_ref_category(ctx->ref, d.stage == MW_DEMO_RECEIVED && d.age_minutes % 9 == 0
							 ? MW_TRIAGE_CATEGORY : d.category);
		if (!cat)
			cat = mw_ref_category(ctx->ref, MW_TRIAGE_CATEGORY);
		if (!cat) {
			rc = MW_ERR_INVALID;
			break;
		}
		if ((rc = mw_tx_receipt_next(tx, mw_receipt_period(c.received_at), &seq)) ||
		    (rc = mw_receipt_format(mw_receipt_period(c.received_at), seq, c.receipt_no,
					    sizeof(c.receipt_no))))
			break;
		c.title = d.title;
		c.text = d.text;
		c.category = cat->code;
		c.department = cat->department;
		mw_channel_parse(d.channel, &c.channel);
		c.has_location = true;
		c.lat = d.lat;
		c.lon = d.lon;
		c.address = d.address;
		c.consent_privacy = true;
		c.public_map = d.public_map;
		c.urgent = d.urgent;
		c.status = MW_STATUS_RECEIVED;
		c.version = 1;
		c.updated_at = c.received_at;
		if (c.channel == MW_CHANNEL_PHONE || c.channel == MW_CHANNEL_VISIT)
			c.filed_by = "desk";
		else if (c.channel == MW_CHANNEL_FIELD)
			c.filed_by = "field";
		mw_lifecycle_start_clock(ctx->ref->cal, &c, c.received_at, cat->period);
		mw_token_new(token);
		mw_token_digest(token, sec.token_hash);
		for (const char *p = d.phone; *p && nd < sizeof(digits) - 1; p++)
			if (*p >= '0' && *p <= '9')
				digits[nd++] = *p;
		digits[nd] = '\0';
		mw_keyed_digest(&ctx->keys, digits, nd, sec.phone_hash);
		mw_buf_reset(&contact);
		mw_buf_puts(&contact, "{\"name\":");
		mw_buf_json_str(&contact, d.name);
		mw_buf_puts(&contact, ",\"phone\":");
		mw_buf_json_str(&contact, d.phone);
		mw_buf_puts(&contact, ",\"email\":");
		mw_buf_json_str(&contact, d.email[0] ? d.email : NULL);
		mw_buf_putc(&contact, '}');
		rc = mw_seal(&ctx->keys, c.receipt_no, contact.ptr, contact.len, &sealed);
		if (rc)
			break;
		sec.contact_sealed = sealed;
		rc = mw_tx_complaint_insert(tx, &c, &sec, &c.id);
		free(sealed);
		if (rc)
			break;
		ev.kind = "received";
		ev.is_public = true;
		ev.at = c.received_at;
		ev.due_at = c.due_at;
		snprintf(ev.buf, sizeof(ev.buf), "%s", d.channel);
		if ((rc = mw_tx_event_insert(tx, c.id, &ev, c.filed_by ? c.filed_by : "citizen",
					     NULL)))
			break;
		ci = category_index(ctx, c.category);
		if ((rc = drive(tx, ctx, &c, &d, ci)))
			break;
		if (mw_status_is_open(c.status))
			ctx->last_open[ci] = c.id;
		ctx->counts[c.status]++;
		if (c.status == MW_STATUS_ANSWERED || !ctx->sample_receipt[0]) {
			mw_strlcpy(ctx->sample_receipt, c.receipt_no, sizeof(ctx->sample_receipt));
			mw_strlcpy(ctx->sample_token, token, sizeof(ctx->sample_token));
		}
	}
	mw_buf_release(&contact);
	return rc;
}

static int create_users(mw_store *s, const char *password)
{
	printf("\n%-10s %-8s %-12s %s\n", "LOGIN", "ROLE", "DEPARTMENT", "PASSWORD");
	for (size_t i = 0; i < MW_ARRAY_LEN(demo_users); i++) {
		const struct demo_user *du = &demo_users[i];
		mw_user u = { .login = du->login, .role = du->role, .department = du->department,
			      .name = du->name };
		char pw[MW_TOKEN_CHARS + 1];

		if (password)
			mw_strlcpy(pw, password, sizeof(pw));
		else
			mw_token_new(pw);
		if (mw_store_put_user(s, &u, password ? password : pw))
			return MW_ERR_DB;
		printf("%-10s %-8s %-12s %s\n", du->login, du->role,
		       du->department ? du->department : "-", password ? "(as given)" : pw);
	}
	printf("These passwords are shown only now.\n\n");
	return MW_OK;
}

int mw_cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "password", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *password = NULL;
	int64_t count = 2000, seed = 20261125;
	struct demo_ctx *ctx = NULL;
	mw_store *s = NULL;
	int c, rc = MW_EXIT_FAIL, done = 0;
	bool tty = isatty(2);

	optind = 0;
	while ((c = getopt_long(argc, argv, "d:n:s:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'p': password = optarg; break;
		case 'n':
			if (mw_parse_i64(optarg, 1, 200000, &count)) {
				mw_cli_err("--count must be 1 to 200000");
				return MW_EXIT_USAGE;
			}
			break;
		case 's':
			if (mw_parse_i64(optarg, 0, INT64_MAX, &seed)) {
				mw_cli_err("--seed must be a non-negative number");
				return MW_EXIT_USAGE;
			}
			break;
		case 'h': usage(stdout); return MW_EXIT_OK;
		default: usage(stderr); return MW_EXIT_USAGE;
		}
	}
	db = mw_cli_db(db);
	if (!db || optind != argc) {
		usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (password && strlen(password) < 10) {
		mw_cli_err("--password must be at least 10 characters");
		return MW_EXIT_USAGE;
	}
	if (!access(db, F_OK)) {
		mw_cli_err("%s exists; the demo needs a new database path", db);
		return MW_EXIT_USAGE;
	}
	if (mw_cli_init_db(db, false))
		return MW_EXIT_FAIL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx || mw_cli_keys(db, &ctx->keys) || mw_cli_open(db, &s))
		goto out;
	if (mw_refdata_load(s, &ctx->ref) || create_users(s, password)) {
		mw_cli_err("cannot prepare the demo data");
		goto out;
	}
	ctx->now = mw_now();
	ctx->gen = mw_demo_new((uint64_t)seed);
	if (!ctx->gen)
		goto out;
	mw_demo_set_now(ctx->gen, ctx->now);
	while (done < count) {
		struct demo_work dw = { .w = { .run = demo_run }, .ctx = ctx,
					.n = count - done < BATCH ? (int)(count - done) : BATCH };

		if (mw_store_exec(s, &dw.w)) {
			mw_cli_err("cannot write demo complaints");
			goto out;
		}
		done += dw.n;
		if (tty)
			fprintf(stderr, "\rcomplaints  %d / %lld [%-30.*s]", done, (long long)count,
				(int)(30 * done / count), "##############################");
	}
	if (tty)
		fputc('\n', stderr);
	printf("complaints  %d:", done);
	for (int st = 0; st < MW_STATUS__COUNT; st++)
		if (ctx->counts[st])
			printf(" %s %d", mw_status_name((mw_status)st), ctx->counts[st]);
	printf("\ntry it      curl -s 'http://127.0.0.1:8080/api/v1/complaints/%s?token=%s'\n",
	       ctx->sample_receipt, ctx->sample_token);
	rc = MW_EXIT_OK;
out:
	if (ctx) {
		mw_demo_free(ctx->gen);
		if (ctx->ref)
			mw_refdata_free(ctx->ref);
		free(ctx);
	}
	mw_store_close(s);
	return rc;
}
