/*
 * authz.h - who may do what. This is the one place where authorisation is
 * decided: the route table names a permission per route, mw_authz_route()
 * checks it against the caller's role before any handler runs, and
 * mw_authz_complaint() adds the record-level rule (own department, own
 * filings of today) for handlers that load a complaint.
 *
 * Roles (least privilege):
 *   admin    everything but the access log
 *   manager  department head: the department's queue, actions, statistics
 *   officer  the department's queue and actions (not assignment)
 *   desk     files for visitors and callers; sees only what they filed today
 *   field    files only; lists what they filed today
 *   auditor  reads the access log, nothing else
 */
#ifndef MW_AUTHZ_H
#define MW_AUTHZ_H

#include <stdbool.h>

#include "../core/complaint.h"

typedef enum mw_role {
	MW_ROLE_ADMIN,
	MW_ROLE_MANAGER,
	MW_ROLE_OFFICER,
	MW_ROLE_DESK,
	MW_ROLE_FIELD,
	MW_ROLE_AUDITOR,
	MW_ROLE__COUNT
} mw_role;

typedef enum mw_perm {
	PERM_PUBLIC,   /* anyone */
	PERM_FILE,     /* anyone; staff channels need a filing role */
	PERM_STAFF,    /* any signed-in staff member */
	PERM_QUEUE,
	PERM_READ,
	PERM_ACT,
	PERM_LOOKUP,
	PERM_STATS,
	PERM_AUDIT,
	PERM_ADMIN,
	PERM_REVEAL,   /* unmask contact data (record-level, with a reason) */
	PERM_ASSIGN,   /* the assign action */
	PERM_FILE_STAFF_CHANNEL, /* file with channel phone/visit/field */
	PERM_COUNSEL,  /* answer chatbot hand-offs (상담 대기열) */
	PERM_TEMPLATES, /* keep answer templates (record-level: own department) */
	PERM__COUNT
} mw_perm;

/* The signed-in staff member of a request. */
typedef struct mw_auth {
	const char *login;
	mw_role role;
	const char *department;   /* NULL for admin/auditor and field sessions */
	bool field_session;       /* role is then MW_ROLE_FIELD (session.h) */
	char csrf[32];
	char session_hash[65];
} mw_auth;

const char *mw_role_name(mw_role r);
int mw_role_parse(const char *name, mw_role *out);

/* Does the role hold the permission at all? */
bool mw_authz_role_has(mw_role role, mw_perm perm);
/* Does role hold every permission of role other (e.g. may a manager's
 * phone be signed in with the field role's permissions)? */
bool mw_authz_role_covers(mw_role role, mw_role other);

/* May this caller read and mark its own staff inbox? Every office
 * session; never a field session, whatever the user's role: a phone kept
 * signed in as a field device must not show its owner's notices (a
 * manager's urgent alerts, hand-offs, call-back requests). */
bool mw_authz_inbox(const mw_auth *auth);

/* May this caller (NULL = anonymous) use a route with permission perm?
 * Returns MW_OK, MW_ERR_UNAUTHORIZED (sign in first) or MW_ERR_FORBIDDEN. */
int mw_authz_route(const mw_auth *auth, mw_perm perm);

/* May this staff member see / act on this complaint? Own department for
 * manager and officer (or a department asked for cooperation, for
 * reading and replying), own filings of today for desk; admin anything.
 * now is used for "today" (KST). */
int mw_authz_complaint(const mw_auth *auth, mw_perm perm, const mw_complaint *c,
		       bool cooperating, mw_time now);

#endif
