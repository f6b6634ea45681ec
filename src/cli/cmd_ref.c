/*
 * cmd_ref.c - the sub-commands that manage staff users and reference
 * data: user, department, category, holidays. Each writes through the
 * store (durably) and prints what it did.
 */
#include "cli.h"
#include "../api/authz.h"
#include "../base/mw.h"
#include "../base/version.h"
#include "../core/deadline.h"
#include "../store/sync.h"

#include <getopt.h>
#include <string.h>

#include "../base/banned.h"

#define PASSWORD_MIN 10

/* Parses the --db flag shared by these commands plus command-specific
 * flags given as a getopt_long table; returns the index of the first
 * positional argument, or -1 after printing usage. */
struct ref_opts {
	const char *db;
	const char *role, *department, *name, *period, *source, *name_en, *email, *phone;
	bool password_stdin;
	int year;
};

static int parse(int argc, char **argv, struct ref_opts *o, void (*usage)(FILE *))
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "role", required_argument, NULL, 'r' },
		{ "department", required_argument, NULL, 'D' },
		{ "name", required_argument, NULL, 'n' },
		{ "en", required_argument, NULL, 'e' },
		{ "period", required_argument, NULL, 'p' },
		{ "source", required_argument, NULL, 's' },
		{ "year", required_argument, NULL, 'y' },
		{ "password-stdin", no_argument, NULL, 'P' },
		{ "email", required_argument, NULL, 'E' },
		{ "phone", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	int64_t y;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:r:D:n:e:p:s:y:PE:M:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'r': o->role = optarg; break;
		case 'D': o->department = optarg; break;
		case 'n': o->name = optarg; break;
		case 'e': o->name_en = optarg; break;
		case 'p': o->period = optarg; break;
		case 's': o->source = optarg; break;
		case 'P': o->password_stdin = true; break;
		case 'E': o->email = optarg; break;
		case 'M': o->phone = optarg; break;
		case 'y':
			if (mw_parse_i64(optarg, 1970, 9999, &y)) {
				mw_cli_err("--year must be a year");
				return -1;
			}
			o->year = (int)y;
			break;
		case 'h': usage(stdout); return -2;
		default: usage(stderr); return -1;
		}
	}
	o->db = mw_cli_db(o->db);
	if (!o->db) {
		mw_cli_err("no database: give --db PATH or set MINWON_DB");
		return -1;
	}
	return optind;
}

static int finish(int rc, int argi)
{
	return argi == -2 ? MW_EXIT_OK : rc;
}

/* ---- user ---------------------------------------------------------- */

static void user_usage(FILE *f)
{
	fprintf(f, "usage: minwon user add LOGIN --role ROLE [--department CODE] [--name NAME]\n"
		   "                          [--email ADDRESS] [--phone NUMBER] --password-stdin --db PATH\n"
		   "       minwon user list --db PATH\n\n"
		   "Roles: admin, manager (department head), officer (own department), desk\n"
		   "(files for visitors; sees only what they filed today), field (files only),\n"
		   "auditor (reads the access log). Managers and officers need --department.\n"
		   "The password (at least %d characters) is read from the first line of\n"
		   "standard input and stored as an argon2id hash. Adding an existing login\n"
		   "updates it and clears a lockout. --email and --phone are where the staff\n"
		   "member gets notices (reminders, assignments) besides the staff inbox.\n",
		PASSWORD_MIN);
}

int mw_cmd_user(int argc, char **argv)
{
	struct ref_opts o;
	int argi = parse(argc, argv, &o, user_usage), rc = MW_EXIT_FAIL;
	mw_store *s = NULL;
	mw_arena a = MW_ARENA_INIT;

	if (argi < 0)
		return finish(MW_EXIT_USAGE, argi);
	if (argi >= argc) {
		user_usage(stderr);
		return MW_EXIT_USAGE;
	}
	if (!strcmp(argv[argi], "add")) {
		mw_user u = { 0 };
		mw_role role;
		char pw[256];

		if (argi + 2 != argc || !o.role) {
			user_usage(stderr);
			return MW_EXIT_USAGE;
		}
		u.login = argv[argi + 1];
		if (mw_role_parse(o.role, &role)) {
			mw_cli_err("unknown role %s (admin, manager, officer, desk, field, auditor)", o.role);
			return MW_EXIT_USAGE;
		}
		if ((role == MW_ROLE_MANAGER || role == MW_ROLE_OFFICER) && !o.department) {
			mw_cli_err("role %s needs --department", o.role);
			return MW_EXIT_USAGE;
		}
		if (!o.password_stdin) {
			mw_cli_err("give the password on standard input with --password-stdin");
			return MW_EXIT_USAGE;
		}
		if (mw_cli_read_password(pw, sizeof(pw)) || strlen(pw) < PASSWORD_MIN) {
			mw_cli_err("the password must be at least %d characters", PASSWORD_MIN);
			return MW_EXIT_USAGE;
		}
		u.role = o.role;
		u.department = o.department;
		u.name = o.name;
		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (o.department) {
			mw_department *d;
			size_t n;
			bool found = false;

			if (!mw_store_departments(s, &a, &d, &n))
				for (size_t i = 0; i < n; i++)
					found |= !strcmp(d[i].code, o.department);
			if (!found) {
				mw_cli_err("no department %s (see 'minwon department list')", o.department);
				goto out;
			}
		}
		if (mw_store_put_user(s, &u, pw)) {
			mw_cli_err("cannot save user %s", u.login);
			goto out;
		}
		if (o.email || o.phone) {
			mw_staff_contact sc = { .login = u.login, .email = o.email, .phone = o.phone };

			if (mw_store_put_staff_contact(s, &sc)) {
				mw_cli_err("cannot save the contact of user %s", u.login);
				goto out;
			}
		}
		explicit_bzero(pw, sizeof(pw));
		printf("user %s saved (role %s%s%s)\n", u.login, u.role, u.department ? ", department " : "",
		       u.department ? u.department : "");
		rc = MW_EXIT_OK;
	} else if (!strcmp(argv[argi], "list")) {
		mw_user *u;
		size_t n;

		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (mw_store_users(s, &a, &u, &n))
			goto out;
		printf("%-20s %-8s %-12s %s\n", "LOGIN", "ROLE", "DEPARTMENT", "NAME");
		for (size_t i = 0; i < n; i++)
			printf("%-20s %-8s %-12s %s%s\n", u[i].login, u[i].role,
			       u[i].department ? u[i].department : "-", u[i].name ? u[i].name : "",
			       u[i].disabled ? " (disabled)" : "");
		rc = MW_EXIT_OK;
	} else {
		user_usage(stderr);
		return MW_EXIT_USAGE;
	}
out:
	mw_arena_release(&a);
	mw_store_close(s);
	return rc;
}

/* ---- department ---------------------------------------------------- */

static void department_usage(FILE *f)
{
	fprintf(f, "usage: minwon department list --db PATH\n"
		   "       minwon department add CODE NAME_KO [--en NAME_EN] --db PATH\n\n"
		   "CODE is a short identifier (a-z, 0-9, _), e.g. road; NAME_KO the name\n"
		   "citizens see, e.g. 도로과. Adding an existing code renames it.\n");
}

int mw_cmd_department(int argc, char **argv)
{
	struct ref_opts o;
	int argi = parse(argc, argv, &o, department_usage), rc = MW_EXIT_FAIL;
	mw_store *s = NULL;
	mw_arena a = MW_ARENA_INIT;

	if (argi < 0)
		return finish(MW_EXIT_USAGE, argi);
	if (argi < argc && !strcmp(argv[argi], "list") && argi + 1 == argc) {
		mw_department *d;
		size_t n;

		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (!mw_store_departments(s, &a, &d, &n)) {
			for (size_t i = 0; i < n; i++)
				printf("%-14s %s\t%s\n", d[i].code, d[i].name_ko, d[i].name_en);
			rc = MW_EXIT_OK;
		}
	} else if (argi < argc && !strcmp(argv[argi], "add") && argi + 3 == argc) {
		mw_department d = { .code = argv[argi + 1], .name_ko = argv[argi + 2],
				    .name_en = o.name_en ? o.name_en : "" };

		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (!mw_store_put_department(s, &d)) {
			printf("department %s (%s) saved\n", d.code, d.name_ko);
			rc = MW_EXIT_OK;
		}
	} else {
		department_usage(stderr);
		return MW_EXIT_USAGE;
	}
	mw_arena_release(&a);
	mw_store_close(s);
	return rc;
}

/* ---- category ------------------------------------------------------ */

static void category_usage(FILE *f)
{
	fprintf(f, "usage: minwon category list --db PATH\n"
		   "       minwon category set CODE [--name NAME_KO] [--department CODE]\n"
		   "                               [--period 7d] --db PATH\n\n"
		   "Sets which department handles a category and its default processing period\n"
		   "(\"Nd\" days or \"Nh\" working hours; 5 days or less are counted in working\n"
		   "hours, 6 or more in days). A running server picks the change up on SIGHUP.\n");
}

int mw_cmd_category(int argc, char **argv)
{
	struct ref_opts o;
	int argi = parse(argc, argv, &o, category_usage), rc = MW_EXIT_FAIL;
	mw_store *s = NULL;
	mw_arena a = MW_ARENA_INIT;
	mw_category *cats;
	size_t n;

	if (argi < 0)
		return finish(MW_EXIT_USAGE, argi);
	if (argi < argc && !strcmp(argv[argi], "list") && argi + 1 == argc) {
		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (!mw_store_categories(s, &a, &cats, &n)) {
			for (size_t i = 0; i < n; i++) {
				char p[16];

				mw_period_format(cats[i].period, p);
				printf("%-18s %-6s %-12s %s\n", cats[i].code, p, cats[i].department,
				       cats[i].name_ko);
			}
			rc = MW_EXIT_OK;
		}
	} else if (argi < argc && !strcmp(argv[argi], "set") && argi + 2 == argc) {
		mw_category c = { .code = argv[argi + 1] };
		const mw_category *old = NULL;

		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (mw_store_categories(s, &a, &cats, &n))
			goto out;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(cats[i].code, c.code))
				old = &cats[i];
		c.name_ko = o.name ? o.name : old ? old->name_ko : NULL;
		c.department = o.department ? o.department : old ? old->department : NULL;
		c.period = old ? old->period : (mw_period){ 7, MW_PERIOD_DAYS };
		if (o.period && mw_period_parse(o.period, &c.period)) {
			mw_cli_err("--period must look like 7d or 16h");
			rc = MW_EXIT_USAGE;
			goto out;
		}
		if (!c.name_ko || !c.department) {
			mw_cli_err("a new category needs --name and --department");
			rc = MW_EXIT_USAGE;
			goto out;
		}
		if (mw_store_put_category(s, &c)) {
			mw_cli_err("cannot save category %s (does department %s exist?)", c.code,
				   c.department);
			goto out;
		}
		printf("category %s saved\n", c.code);
		rc = MW_EXIT_OK;
	} else {
		category_usage(stderr);
		return MW_EXIT_USAGE;
	}
out:
	mw_arena_release(&a);
	mw_store_close(s);
	return rc;
}

/* ---- holidays ------------------------------------------------------ */

static void holidays_usage(FILE *f)
{
	fprintf(f, "usage: minwon holidays list [--year YYYY] --db PATH\n"
		   "       minwon holidays add DATE NAME [--source TEXT] --db PATH\n\n"
		   "The 2024-2027 table (data/holidays.tsv, from 관공서의 공휴일에 관한 규정 and\n"
		   "the government's announcements) is loaded by init. 'add' records one that\n"
		   "was announced late, e.g. a 임시공휴일:\n"
		   "  minwon holidays add 2026-10-02 임시공휴일 --db minwon.db\n"
		   "A running server picks it up on SIGHUP.\n");
}

int mw_cmd_holidays(int argc, char **argv)
{
	struct ref_opts o;
	int argi = parse(argc, argv, &o, holidays_usage), rc = MW_EXIT_FAIL;
	mw_store *s = NULL;
	mw_arena a = MW_ARENA_INIT;

	if (argi < 0)
		return finish(MW_EXIT_USAGE, argi);
	if (argi < argc && !strcmp(argv[argi], "list") && argi + 1 == argc) {
		mw_holiday *h;
		size_t n;

		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (!mw_store_holidays(s, &a, &h, &n)) {
			for (size_t i = 0; i < n; i++)
				if (!o.year || h[i].y == o.year)
					printf("%04d-%02d-%02d  %s\n", h[i].y, h[i].m, h[i].d, h[i].name);
			rc = MW_EXIT_OK;
		}
	} else if (argi < argc && !strcmp(argv[argi], "add") && argi + 3 == argc) {
		mw_holiday h = { .name = argv[argi + 2] };

		if (mw_date_parse(argv[argi + 1], &h.y, &h.m, &h.d)) {
			mw_cli_err("DATE must be YYYY-MM-DD, a real date");
			return MW_EXIT_USAGE;
		}
		if (mw_cli_open(o.db, &s))
			return MW_EXIT_FAIL;
		if (!mw_store_put_holiday(s, &h, o.source ? o.source : "minwon holidays add")) {
			printf("holiday %s (%s) added\n", argv[argi + 1], h.name);
			rc = MW_EXIT_OK;
		}
	} else {
		holidays_usage(stderr);
		return MW_EXIT_USAGE;
	}
	mw_arena_release(&a);
	mw_store_close(s);
	return rc;
}

int mw_cmd_version(int argc, char **argv)
{
	MW_UNUSED(argc);
	MW_UNUSED(argv);
	printf("minwon %s\n", MW_VERSION_STRING);
	return MW_EXIT_OK;
}
