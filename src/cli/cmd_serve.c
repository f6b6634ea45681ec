#include "cli.h"
#include "../api/app.h"
#include "../api/session.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../base/version.h"
#include "../http/server.h"
#include "../web/web.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/banned.h"

#define MW_DEFAULT_TILE_URL "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

static void usage(FILE *f)
{
	fprintf(f, "usage: minwon serve --db PATH [--listen HOST:PORT] [--threads N]\n"
		   "                    [--public-url URL]\n\n"
		   "Serves the HTTP API until SIGINT or SIGTERM. SIGHUP reloads holidays,\n"
		   "categories and departments from the database.\n\n"
		   "  --db PATH           the database (or MINWON_DB); created if missing\n"
		   "  --listen HOST:PORT  where to listen (or MINWON_LISTEN; default 127.0.0.1:8080;\n"
		   "                      port 0 picks a free port and prints it)\n"
		   "  --threads N         HTTP I/O threads (default: number of cores)\n"
		   "  --public-url URL    base of the tracking links in receipts\n"
		   "                      (default http://HOST:PORT)\n"
		   "  --model PATH        the routing model from 'minwon nlp train' (or MINWON_MODEL;\n"
		   "                      default PATH-of-db.model when it exists). Without one,\n"
		   "                      complaints filed without a category wait in triage.\n"
		   "  --triage-threshold P  route automatically only at confidence >= P\n"
		   "                      (default 0.6); below it the complaint goes to triage\n"
		   "  --now TIME          TESTS ONLY: start a test clock at TIME (or MINWON_NOW),\n"
		   "                      e.g. 2025-01-24T17:00:00+09:00; it runs on with real time\n"
		   "                      and admins can move it forward (POST /api/v1/admin/clock)\n"
		   "  --tile-url URL      map tiles of the web pages (default\n"
		   "                      " MW_DEFAULT_TILE_URL ";\n"
		   "                      \"none\": no map, address and coordinates only)\n"
		   "  --no-workers        write notifications and reminders but leave sending them\n"
		   "                      and the deadline monitor to 'minwon worker'\n\n"
		   "SIGHUP also reloads the model, the chatbot's FAQ and the message templates.\n"
		   "The server runs the deadline monitor and sends notifications (docs/NOTIFY.md).\n\n");
	mw_session_settings_help(f);
	mw_notify_settings_help(f);
}

/* getopt's codes of the session settings (session.h): SESSION_OPT + row. */
#define SESSION_OPT 900
#define SESSION_OPTS_MAX 8

/* The base options followed by one per session setting, zero-terminated. */
static void add_session_options(const struct option *base, struct option *out, size_t outn)
{
	size_t n = 0;

	while (base[n].name) {
		out[n] = base[n];
		n++;
	}
	MW_ASSERT(n + mw_session_setting_count() < outn);
	for (size_t i = 0; i < mw_session_setting_count(); i++)
		out[n++] = (struct option){ mw_session_setting_at(i)->flag, required_argument, NULL,
					    SESSION_OPT + (int)i };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

/* The session limits from the flags given (set[i]), else the environment. */
static int session_limits(mw_session_limits limits[MW_SESSION__COUNT], const char **flags)
{
	for (size_t i = 0; i < mw_session_setting_count(); i++) {
		const mw_session_setting *st = mw_session_setting_at(i);
		const char *v = flags[i] ? flags[i] : getenv(st->env);

		if (!v || (!flags[i] && !*v))
			continue;
		if (mw_session_limit_set(limits, i, v)) {
			mw_cli_err("%s%s must be a length of time from 1s to 90d, e.g. 1800, 30m, 12h "
				   "or 30d", flags[i] ? "--" : "", flags[i] ? st->flag : st->env);
			return MW_ERR_INVALID;
		}
	}
	return MW_OK;
}

static int parse_listen(const char *s, char *host, size_t hostsz, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	int64_t p;

	if (!colon || colon == s || (size_t)(colon - s) >= hostsz ||
	    mw_parse_i64(colon + 1, 0, 65535, &p))
		return MW_ERR_INVALID;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	*port = (uint16_t)p;
	return MW_OK;
}

int mw_cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "threads", required_argument, NULL, 't' },
		{ "model", required_argument, NULL, 'm' },
		{ "triage-threshold", required_argument, NULL, 'T' },
		{ "now", required_argument, NULL, 'N' },
		{ "tile-url", required_argument, NULL, 'M' },
		{ "no-workers", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct option all_opts[MW_ARRAY_LEN(opts) + SESSION_OPTS_MAX];
	const char *session_flags[SESSION_OPTS_MAX] = { NULL };
	mw_session_limits limits[MW_SESSION__COUNT];
	const char *db = NULL, *listen = NULL, *model = NULL, *now = NULL;
	bool workers = true;
	mw_web_config web = { MW_DEFAULT_TILE_URL };
	double threshold = 0.6;
	mw_server_config cfg = { 0 };
	char host[256], dir[1024], err[512];
	mw_store *store = NULL;
	mw_server *srv = NULL;
	mw_keys keys;
	mw_app app;
	mw_cli_notify cn;
	mw_notify *notify = NULL;
	sigset_t set;
	int64_t threads = 0;
	int c, sig, rc = MW_EXIT_FAIL;

	add_session_options(opts, all_opts, MW_ARRAY_LEN(all_opts));
	mw_session_limits_default(limits);
	if (mw_cli_notify_begin(&cn, all_opts))
		return MW_EXIT_FAIL;
	optind = 0;
	while ((c = getopt_long(argc, argv, "d:l:t:m:T:N:M:Wh", cn.opts, NULL)) != -1) {
		int nrc = mw_cli_notify_option(&cn, c, optarg);

		if (nrc == MW_OK)
			continue;
		if (c >= SESSION_OPT && c < SESSION_OPT + (int)mw_session_setting_count()) {
			session_flags[c - SESSION_OPT] = optarg;
			continue;
		}
		if (nrc == MW_ERR_INVALID) {
			rc = MW_EXIT_USAGE;
			goto out_args;
		}
		switch (c) {
		case 'd': db = optarg; break;
		case 'l': listen = optarg; break;
		case 'm': model = optarg; break;
		case 'N': now = optarg; break;
		case 'W': workers = false; break;
		case 'M':
			if (strcmp(optarg, "none") && strncmp(optarg, "https://", 8) &&
			    strncmp(optarg, "http://", 7)) {
				mw_cli_err("--tile-url must be an http(s) URL with {z}/{x}/{y}, or none");
				rc = MW_EXIT_USAGE;
				goto out_args;
			}
			web.tile_url = strcmp(optarg, "none") ? optarg : "";
			break;
		case 'T': {
			char *end;

			threshold = strtod(optarg, &end);
			if (*end || threshold < 0 || threshold > 1) {
				mw_cli_err("--triage-threshold must be a number from 0 to 1");
				rc = MW_EXIT_USAGE;
				goto out_args;
			}
			break;
		}
		case 't':
			if (mw_parse_i64(optarg, 1, 256, &threads)) {
				mw_cli_err("--threads must be 1 to 256");
				rc = MW_EXIT_USAGE;
				goto out_args;
			}
			break;
		case 'h': usage(stdout); rc = MW_EXIT_OK; goto out_args;
		default: usage(stderr); rc = MW_EXIT_USAGE; goto out_args;
		}
	}
	db = mw_cli_db(db);
	if (!listen)
		listen = getenv("MINWON_LISTEN");
	if (!listen || !*listen)
		listen = "127.0.0.1:8080";
	if (!db || optind != argc) {
		usage(stderr);
		rc = MW_EXIT_USAGE;
		goto out_args;
	}
	if (parse_listen(listen, host, sizeof(host), &cfg.port)) {
		mw_cli_err("--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
		rc = MW_EXIT_USAGE;
		goto out_args;
	}
	if (mw_cli_notify_finish(&cn) || session_limits(limits, session_flags)) {
		rc = MW_EXIT_USAGE;
		goto out_args;
	}
	cfg.host = host;
	cfg.threads = (int)threads;
	/* Signals are taken synchronously by this thread only (sigwait below).
	 * They are blocked before the store starts its writer and checkpoint
	 * threads, so every thread inherits the mask: a SIGTERM that came
	 * while this thread was not waiting used to land on a thread that did
	 * not block it and kill the process. A signal during start-up waits
	 * until the server runs. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (mw_cli_init_db(db, true) || mw_cli_keys(db, &keys) || mw_cli_open(db, &store))
		goto out_args;
	if (mw_cli_clock(now, store))
		goto out;
	mw_cli_data_dir(db, dir, sizeof(dir));
	if (mw_app_init(&app, store, &keys, dir, err, sizeof(err))) {
		mw_cli_err("%s", err);
		goto out;
	}
	app.triage_threshold = threshold;
	memcpy(app.sessions, limits, sizeof(app.sessions));
	if (!model)
		model = getenv("MINWON_MODEL");
	if (model && *model) {
		mw_strlcpy(app.model_path, model, sizeof(app.model_path));
	} else {
		snprintf(app.model_path, sizeof(app.model_path), "%s.model", db);
		if (access(app.model_path, R_OK))
			app.model_path[0] = '\0';
	}
	if (mw_app_models_reload(&app, err, sizeof(err))) {
		mw_cli_err("%s", err);
		goto out_app;
	}
	if (mw_web_new(&web, &app.web, err, sizeof(err))) {
		mw_cli_err("the web pages: %s", err);
		goto out_app;
	}
	/* Links in messages use the public URL, known once the port is. */
	if (cn.cfg.public_url)
		mw_strlcpy(app.public_url, cn.cfg.public_url, sizeof(app.public_url));
	cn.cfg.public_url = app.public_url;
	if (mw_notify_new(store, &keys, &cn.cfg, &notify, err, sizeof(err))) {
		mw_cli_err("%s", err);
		goto out_app;
	}
	signal(SIGPIPE, SIG_IGN);
	app.notify = notify;
	if (workers && mw_notify_start(notify, true)) {
		mw_cli_err("cannot start the notification threads");
		goto out_notify;
	}
	if (mw_server_start(&app, &cfg, &srv, err, sizeof(err))) {
		mw_cli_err("%s", err);
		goto out_notify;
	}
	if (!app.public_url[0])
		snprintf(app.public_url, sizeof(app.public_url), "http://%s:%u", host,
			 mw_server_port(srv));
	printf("minwon: serving %s on http://%s:%u (database %s, model %s)\n", MW_VERSION_STRING,
	       host, mw_server_port(srv), db, app.model_path[0] ? app.model_path : "none");
	fflush(stdout);
	mw_log_info("serve", "event=started port=%u", mw_server_port(srv));
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == SIGHUP) {
			mw_app_reload(&app);
			if (mw_app_models_reload(&app, err, sizeof(err)))
				mw_log_error("serve", "event=model_reload_failed msg=\"%s\"", err);
			continue;
		}
		break;
	}
	mw_log_info("serve", "event=stopping signal=%d", sig);
	mw_server_stop(srv);
	rc = MW_EXIT_OK;
out_notify:
	app.notify = NULL;
	mw_notify_free(notify);
out_app:
	mw_web_free(app.web);
	app.web = NULL;
	mw_app_release(&app);
out:
	mw_store_close(store);
out_args:
	mw_cli_notify_end(&cn);
	return rc;
}
