#include "authz.h"
#include "../base/mw.h"

#include <string.h>

#include "../base/banned.h"

#define P(x) (1u << PERM_##x)

/* The role x permission matrix, as data. */
static const struct {
	const char *name;
	unsigned perms;
} roles[MW_ROLE__COUNT] = {
	[MW_ROLE_ADMIN] = { "admin", P(PUBLIC) | P(FILE) | P(STAFF) | P(QUEUE) | P(READ) | P(ACT) |
					     P(LOOKUP) | P(STATS) | P(ADMIN) | P(REVEAL) |
					     P(ASSIGN) | P(FILE_STAFF_CHANNEL) | P(COUNSEL) |
					     P(TEMPLATES) },
	[MW_ROLE_MANAGER] = { "manager", P(PUBLIC) | P(FILE) | P(STAFF) | P(QUEUE) | P(READ) |
						 P(ACT) | P(LOOKUP) | P(STATS) | P(REVEAL) |
						 P(ASSIGN) | P(FILE_STAFF_CHANNEL) | P(COUNSEL) |
						 P(TEMPLATES) },
	[MW_ROLE_OFFICER] = { "officer", P(PUBLIC) | P(FILE) | P(STAFF) | P(QUEUE) | P(READ) |
						 P(ACT) | P(LOOKUP) | P(REVEAL) |
						 P(FILE_STAFF_CHANNEL) | P(COUNSEL) },
	[MW_ROLE_DESK] = { "desk", P(PUBLIC) | P(FILE) | P(STAFF) | P(QUEUE) | P(READ) | P(LOOKUP) |
					   P(FILE_STAFF_CHANNEL) | P(COUNSEL) },
	[MW_ROLE_FIELD] = { "field", P(PUBLIC) | P(FILE) | P(STAFF) | P(QUEUE) |
					     P(FILE_STAFF_CHANNEL) },
	[MW_ROLE_AUDITOR] = { "auditor", P(PUBLIC) | P(STAFF) | P(AUDIT) },
};

#undef P

const char *mw_role_name(mw_role r)
{
	return (unsigned)r < MW_ROLE__COUNT ? roles[r].name : "unknown";
}

int mw_role_parse(const char *name, mw_role *out)
{
	for (int i = 0; i < MW_ROLE__COUNT; i++)
		if (!strcmp(roles[i].name, name)) {
			*out = (mw_role)i;
			return MW_OK;
		}
	return MW_ERR_INVALID;
}

bool mw_authz_role_has(mw_role role, mw_perm perm)
{
	return (unsigned)role < MW_ROLE__COUNT && (roles[role].perms & (1u << perm));
}

bool mw_authz_role_covers(mw_role role, mw_role other)
{
	return (unsigned)role < MW_ROLE__COUNT && (unsigned)other < MW_ROLE__COUNT &&
	       (roles[role].perms & roles[other].perms) == roles[other].perms;
}

bool mw_authz_inbox(const mw_auth *auth)
{
	return auth && !auth->field_session && mw_authz_role_has(auth->role, PERM_STAFF);
}

int mw_authz_route(const mw_auth *auth, mw_perm perm)
{
	if (perm == PERM_PUBLIC || perm == PERM_FILE)
		return auth && !mw_authz_role_has(auth->role, perm) ? MW_ERR_FORBIDDEN : MW_OK;
	if (!auth)
		return MW_ERR_UNAUTHORIZED;
	return mw_authz_role_has(auth->role, perm) ? MW_OK : MW_ERR_FORBIDDEN;
}

static bool same_kst_day(mw_time a, mw_time b)
{
	return (a + MW_KST_OFFSET) / 86400 == (b + MW_KST_OFFSET) / 86400;
}

int mw_authz_complaint(const mw_auth *auth, mw_perm perm, const mw_complaint *c,
		       bool cooperating, mw_time now)
{
	if (!auth)
		return MW_ERR_UNAUTHORIZED;
	if (!mw_authz_role_has(auth->role, perm))
		return MW_ERR_FORBIDDEN;
	switch (auth->role) {
	case MW_ROLE_ADMIN:
		return MW_OK;
	case MW_ROLE_MANAGER:
	case MW_ROLE_OFFICER:
		if (auth->department && c->department && !strcmp(auth->department, c->department))
			return MW_OK;
		/* A department asked for cooperation reads the complaint and
		 * replies, but does not take it over or see contact data. */
		if (cooperating && (perm == PERM_READ || perm == PERM_ACT))
			return MW_OK;
		return MW_ERR_FORBIDDEN;
	case MW_ROLE_DESK:
		if (perm == PERM_READ && c->filed_by && !strcmp(c->filed_by, auth->login) &&
		    same_kst_day(c->received_at, now))
			return MW_OK;
		return MW_ERR_FORBIDDEN;
	default:
		return MW_ERR_FORBIDDEN;
	}
}
