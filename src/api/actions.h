/*
 * actions.h - one lifecycle action as a unit of work, shared by the
 * citizen endpoints (messages, rating, withdraw) and the staff actions
 * endpoint. The read-check-write happens inside the writer's transaction,
 * so two staff members acting at once can never both win: the second
 * sees the first's version (409 stale_version when it sent If-Match).
 */
#ifndef MW_ACTIONS_H
#define MW_ACTIONS_H

#include "api.h"

typedef struct mw_action_work {
	mw_work w;
	mw_req *r;
	mw_refdata *ref;            /* pinned calendar and categories */
	int64_t id;
	int64_t if_match;           /* 0 = no version check */
	const char *expect_department; /* authz was decided for this one */
	const char *actor;          /* for the event: login, "citizen" */
	const char *coop_department; /* the replying department (COOP_REPLY) */
	mw_action_req act;
	/* results */
	mw_complaint before, after;
	mw_event ev;
	mw_refusal why;
} mw_action_work;

/* Suspends r and queues the action; the answer is sent from the I/O
 * thread when the commit is durable: 200 with the new status, or the
 * refusal (409 with the allowed actions, 400, 404). */
void mw_action_submit(mw_req *r, mw_action_work *aw);

/* Writes the names of the actions in mask as a JSON array. */
void mw_action_names_json(mw_buf *b, unsigned mask);

/* Answers with {"error":{...,"allowed":[...]}} for a refusal. */
void mw_action_refusal(mw_req *r, const mw_refusal *why);

#endif
