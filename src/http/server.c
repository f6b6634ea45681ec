/*
 * server.c - libmicrohttpd glue.
 *
 * MHD runs a pool of I/O threads, each with its own epoll set. A request
 * goes through three calls of access_cb: the first sees the headers (we
 * pick the route and refuse an oversize Content-Length with 413 before a
 * byte of the body is read), the middle ones carry body data (capped),
 * the last one runs the handler. A handler that waits for the writer
 * suspends the connection; the writer's done() resumes it and MHD calls
 * access_cb once more to send the response.
 */
#include "server.h"
#include "http.h"
#include "../api/api.h"
#include "../api/app.h"
#include "../base/log.h"
#include "../base/mw.h"
#include "../base/timeutil.h"
#include "../base/utf8.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../base/banned.h"

/* A request body must arrive within this time (10 MB at ~90 KB/s). */
#define MW_BODY_DEADLINE_US (120 * 1000000LL)

struct mw_server {
	struct MHD_Daemon *daemon;
	mw_app *app;
	uint16_t port;
};

const char *mw_req_header(mw_req *r, const char *name)
{
	for (int i = 0; i < r->novr; i++)
		if (!strcasecmp(r->ovr_name[i], name))
			return r->ovr_value[i];
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/* Sets name to value in a table of in-process overrides, replacing an
 * earlier value of the same name (header names ignore case). */
static void set_override(const char **names, const char **values, int *n, int max,
			 const char *name, const char *value, bool fold_case)
{
	int i;

	for (i = 0; i < *n; i++)
		if (!(fold_case ? strcasecmp(names[i], name) : strcmp(names[i], name)))
			break;
	MW_ASSERT(i < max);
	names[i] = name;
	values[i] = value;
	if (i == *n)
		(*n)++;
}

void mw_req_set_header(mw_req *r, const char *name, const char *value)
{
	set_override(r->ovr_name, r->ovr_value, &r->novr, MW_MAX_REQ_OVERRIDES, name, value, true);
}

void mw_req_set_query(mw_req *r, const char *name, const char *value)
{
	set_override(r->qovr_name, r->qovr_value, &r->nqovr, MW_MAX_QUERY_OVERRIDES, name, value,
		     false);
}

const char *mw_req_query(mw_req *r, const char *name)
{
	for (int i = 0; i < r->nqovr; i++)
		if (!strcmp(r->qovr_name[i], name))
			return r->qovr_value[i];
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *mw_req_cookie(mw_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *mw_req_param(mw_req *r, int i)
{
	return i < r->nparams ? r->params[i] : NULL;
}

const char *mw_req_peer(mw_req *r)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char *out = mw_arena_alloc(&r->arena, INET6_ADDRSTRLEN);

	if (!out)
		return "?";
	if (!ci || !ci->client_addr)
		return "?";
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
			  INET6_ADDRSTRLEN);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			  out, INET6_ADDRSTRLEN);
	else
		return "?";
	return out;
}

static void set_body(mw_req *r, int status, const char *ctype, char *heap, size_t len)
{
	if (!r->resp_static)
		free(r->resp_body);
	r->resp_static = false;
	if (r->file_fd >= 0) {
		close(r->file_fd);
		r->file_fd = -1;
	}
	r->resp_body = heap;
	r->resp_len = len;
	r->status = status;
	r->content_type = ctype;
	if (r->state != MW_REQ_SUSPENDED)
		r->state = MW_REQ_READY;
}

void mw_resp_json(mw_req *r, int status, mw_buf *body)
{
	size_t len;
	char *p = mw_buf_detach(body, &len);

	set_body(r, status, "application/json; charset=utf-8", p, len);
}

void mw_resp_text(mw_req *r, int status, const char *content_type, const char *text)
{
	size_t len = strlen(text);
	char *p = malloc(len + 1);

	if (p)
		memcpy(p, text, len + 1);
	set_body(r, p ? status : 503, content_type, p, p ? len : 0);
}

void mw_resp_bytes(mw_req *r, int status, const char *content_type, char *heap, size_t len)
{
	set_body(r, status, content_type, heap, len);
}

void mw_resp_file(mw_req *r, int status, const char *content_type, int fd, uint64_t size)
{
	set_body(r, status, content_type, NULL, 0);
	r->file_fd = fd;
	r->file_size = size;
}

void mw_resp_static(mw_req *r, int status, const char *content_type, const char *data, size_t len)
{
	set_body(r, status, content_type, (char *)data, len);
	r->resp_static = true;
}

static void resp_error_v(mw_req *r, int status, const char *code, const char *fmt, va_list ap)
{
	mw_buf b = MW_BUF_INIT;
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Messages may quote client input: keep the body valid UTF-8. */
	mw_utf8_sanitize(msg);
	mw_buf_puts(&b, "{\"error\":{\"code\":");
	mw_buf_json_str(&b, code);
	mw_buf_puts(&b, ",\"message\":");
	mw_buf_json_str(&b, msg);
	mw_buf_puts(&b, "}}");
	mw_resp_json(r, status, &b);
}

void mw_resp_error(mw_req *r, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	resp_error_v(r, status, code, fmt, ap);
	va_end(ap);
}

void mw_resp_err(mw_req *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	resp_error_v(r, mw_err_http(err), mw_err_code(err), fmt, ap);
	va_end(ap);
}

void mw_resp_header(mw_req *r, const char *name, const char *value)
{
	if (r->nhdr == MW_MAX_RESP_HEADERS)
		return;
	r->hdr_name[r->nhdr] = name;
	r->hdr_value[r->nhdr] = mw_arena_strdup(&r->arena, value);
	r->nhdr++;
}

void mw_resp_headers_clear(mw_req *r)
{
	r->nhdr = 0;
}

void mw_req_suspend(mw_req *r)
{
	r->state = MW_REQ_SUSPENDED;
	r->suspended = true;
	MHD_suspend_connection(r->conn);
}

void mw_req_resume(mw_req *r)
{
	r->state = MW_REQ_READY;
	MHD_resume_connection(r->conn);
}

static enum MHD_Result send_response(mw_req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (r->file_fd >= 0) {
		resp = MHD_create_response_from_fd64(r->file_size, r->file_fd);
		r->file_fd = -1; /* MHD closes it */
	} else {
		resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body ? r->resp_body : "",
						       r->resp_body && !r->resp_static
							       ? MHD_RESPMEM_MUST_FREE
							       : MHD_RESPMEM_PERSISTENT);
		r->resp_body = NULL;
		r->resp_static = false;
	}
	if (!resp)
		return MHD_NO;
	/* Count the request before the answer leaves: a client that reads
	 * /metrics right after its answer must see it counted. */
	mw_api_complete(r, mw_monotonic_us() - r->start_us, true);
	r->counted = true;
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control",
				r->cache_control ? r->cache_control : "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	for (int i = 0; i < r->nhdr; i++)
		MHD_add_response_header(resp, r->hdr_name[i], r->hdr_value[i]);
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->state = MW_REQ_SENT;
	return ret;
}

/* The page's render step, once the handler's answer is ready. It runs
 * after a resume too; a render that starts more work (and suspends)
 * sets r->render again for the next round. */
static void run_render(mw_req *r)
{
	void (*cb)(mw_req *) = r->render;

	if (!cb)
		return;
	r->render = NULL;
	r->suspended = false;
	cb(r);
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version,
				 const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	mw_server *srv = cls;
	mw_req *r = *con_cls;

	MW_UNUSED(version);
	if (!r) {
		const char *cl;
		long limit;

		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		r->conn = conn;
		r->app = srv->app;
		r->method = method;
		r->path = url;
		r->file_fd = -1;
		r->route_index = -1;
		r->start_us = mw_monotonic_us();
		atomic_fetch_add(&srv->app->in_flight, 1);
		limit = mw_api_begin(r);
		if (limit < 0)
			return send_response(r);
		r->body.max = (size_t)limit ? (size_t)limit : 1;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl) {
			int64_t n;

			if (mw_parse_i64(cl, 0, INT64_MAX, &n)) {
				mw_resp_error(r, 400, "invalid", "bad Content-Length");
				return send_response(r);
			}
			if ((size_t)n > (size_t)limit) {
				/* Refuse before reading the body at all. */
				r->body_too_large = true;
				mw_api_too_large(r, (long long)n, limit);
				return send_response(r);
			}
		}
		r->state = MW_REQ_BODY;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (r->state == MW_REQ_SENT || r->body_too_large) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		/* MHD's timeout counts idle time only; a client that trickles
		 * a body byte by byte is cut off after a whole-request limit. */
		if (mw_monotonic_us() - r->start_us > MW_BODY_DEADLINE_US) {
			mw_log_warn("http", "event=body_too_slow route=%d", r->route_index);
			return MHD_NO;
		}
		if (mw_buf_append(&r->body, upload_data, *upload_data_size)) {
			/* A chunked body that grows past the limit: MHD cannot
			 * answer in the middle of a body, so close the
			 * connection rather than read on. */
			r->body_too_large = true;
			r->status = 413;
			mw_log_warn("http", "event=body_too_large route=%d", r->route_index);
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	switch (r->state) {
	case MW_REQ_BODY:
		mw_api_handle(r);
		/* After a suspend the writer may already have answered and
		 * resumed; either way MHD calls us again to send. */
		if (r->suspended)
			return MHD_YES;
		run_render(r);
		if (r->suspended)
			return MHD_YES;
		return send_response(r);
	case MW_REQ_READY:
		/* This round runs on the I/O thread: the suspension is over. */
		r->suspended = false;
		if (r->on_resume) {
			void (*cb)(mw_req *) = r->on_resume;

			r->on_resume = NULL;
			cb(r);
		}
		run_render(r);
		/* A page may chain another API handler that suspends. */
		if (r->suspended)
			return MHD_YES;
		return send_response(r);
	case MW_REQ_SUSPENDED:
		return MHD_YES;
	default:
		return MHD_YES;
	}
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	mw_server *srv = cls;
	mw_req *r = *con_cls;

	MW_UNUSED(conn);
	if (!r)
		return;
	if (!r->counted)
		mw_api_complete(r, mw_monotonic_us() - r->start_us, false);
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		mw_log_info("http", "event=response_not_delivered route=%d status=%d term=%d",
			    r->route_index, r->status, (int)toe);
	atomic_fetch_sub(&srv->app->in_flight, 1);
	if (r->cleanup)
		r->cleanup(r);
	mw_buf_release(&r->form_body);
	if (r->file_fd >= 0)
		close(r->file_fd);
	if (!r->resp_static)
		free(r->resp_body);
	mw_buf_release(&r->body);
	mw_arena_release(&r->arena);
	free(r);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	MW_UNUSED(cls);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '"'))
		msg[--n] = '\0';
	mw_log_warn("http", "event=mhd msg=\"%s\"", msg);
}

int mw_server_start(mw_app *app, const mw_server_config *cfg, mw_server **out, char *errbuf,
		    size_t errsz)
{
	mw_server *srv = calloc(1, sizeof(*srv));
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *di;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)(ncpu > 0 ? ncpu : 2);

	if (!srv)
		return MW_ERR_NOMEM;
	srv->app = app;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons(cfg->port);
	if (inet_pton(AF_INET, cfg->host, &addr.sin_addr) != 1) {
		snprintf(errbuf, errsz, "listen address %s is not an IPv4 address", cfg->host);
		free(srv);
		return MW_ERR_INVALID;
	}
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
			MHD_USE_ERROR_LOG,
		cfg->port, NULL, NULL, access_cb, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)(cfg->connection_limit > 0 ? cfg->connection_limit : 1024),
		/* One address may hold a quarter of the connections, so a single
		 * misbehaving client cannot starve everyone else. */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)((cfg->connection_limit > 0 ? cfg->connection_limit : 1024) / 4),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->timeout_seconds > 0 ? cfg->timeout_seconds : 30),
		/* Headers and URL must fit in this pool. MHD 0.9.75 zeroes the
		 * whole pool for every request, so it is kept small: 256 KiB
		 * cost a quarter of the status-read throughput. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, srv,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
		MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(errbuf, errsz, "cannot listen on %s:%u (in use, or not permitted)",
			 cfg->host, cfg->port);
		free(srv);
		return MW_ERR_IO;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : cfg->port;
	*out = srv;
	return MW_OK;
}

uint16_t mw_server_port(mw_server *srv)
{
	return srv->port;
}

void mw_server_stop(mw_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	free(srv);
}
