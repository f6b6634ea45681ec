/*
 * http.h - the request and response that API handlers see, independent of
 * the HTTP library underneath (libmicrohttpd, see server.c).
 *
 * A handler runs on an I/O thread and either answers at once
 * (mw_resp_json() and friends) or suspends the request (mw_req_suspend()),
 * hands work to another thread, and answers later from there followed by
 * mw_req_resume(). Everything a handler allocates for the request comes
 * from r->arena, freed after the response has gone out.
 */
#ifndef MW_HTTP_H
#define MW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/arena.h"
#include "../base/buf.h"

struct mw_app;
struct mw_route;
struct mw_auth;

#define MW_MAX_PATH_PARAMS 4
#define MW_MAX_RESP_HEADERS 16
#define MW_MAX_REQ_OVERRIDES 4
#define MW_MAX_QUERY_OVERRIDES 6

typedef enum { MW_REQ_NEW, MW_REQ_BODY, MW_REQ_SUSPENDED, MW_REQ_READY, MW_REQ_SENT } mw_req_state;

typedef struct mw_req {
	void *conn;                     /* struct MHD_Connection * */
	struct mw_app *app;
	const struct mw_route *route;
	const char *method;
	const char *path;
	mw_arena arena;
	mw_req_state state;
	bool suspended;                 /* set by the I/O thread only */
	/* Runs on the I/O thread after a resume, before the response is
	 * sent: builds the answer from what the other thread left. */
	void (*on_resume)(struct mw_req *r);
	void *work;                     /* the suspended request's work */
	/* Runs on the I/O thread once the handler's answer is ready (at
	 * once, or after a resume and on_resume), before it is sent: a web
	 * page turns the API's JSON answer into HTML or a redirect here.
	 * It may call mw_resp_*() again to replace the answer. */
	void (*render)(struct mw_req *r);
	void *page;                     /* the web page's state for render */
	/* Runs when the request is over, however it ended (answered,
	 * connection lost): frees what a page holds outside the arena. */
	void (*cleanup)(struct mw_req *r);
	/* A page's raw form body, kept while an API handler runs on the JSON
	 * body made from it (file parts point into it); freed with r. */
	mw_buf form_body;

	/* Request headers set in-process (a web form running an API
	 * handler: Content-Type, X-Complaint-Token, Idempotency-Key);
	 * mw_req_header() looks here before the connection's headers. */
	const char *ovr_name[MW_MAX_REQ_OVERRIDES];
	const char *ovr_value[MW_MAX_REQ_OVERRIDES];
	int novr;
	/* Query parameters set the same way (a page turning its own query
	 * or form into the API's: due_before, reveal, ...); a NULL value
	 * hides the connection's parameter of that name. */
	const char *qovr_name[MW_MAX_QUERY_OVERRIDES];
	const char *qovr_value[MW_MAX_QUERY_OVERRIDES];
	int nqovr;

	/* body, read up to route->max_body bytes */
	mw_buf body;
	bool body_too_large;

	const char *params[MW_MAX_PATH_PARAMS];
	int nparams;

	struct mw_auth *auth;           /* NULL for anonymous requests */

	/* response */
	int status;
	char *resp_body;                /* heap, handed to the library */
	size_t resp_len;
	const char *content_type;
	const char *cache_control;      /* NULL: "no-store" */
	bool resp_static;               /* resp_body is static memory */
	const char *hdr_name[MW_MAX_RESP_HEADERS];
	const char *hdr_value[MW_MAX_RESP_HEADERS];
	int nhdr;
	int file_fd;                    /* >= 0: respond with this file */
	uint64_t file_size;

	int64_t start_us;
	int route_index;
	bool counted;                   /* in the metrics already */
} mw_req;

/* Request accessors. Header and query lookups return NULL when absent. */
const char *mw_req_header(mw_req *r, const char *name);
const char *mw_req_query(mw_req *r, const char *name);
const char *mw_req_cookie(mw_req *r, const char *name);
const char *mw_req_param(mw_req *r, int i);
/* The client's address for logs and rate limits ("127.0.0.1"). */
const char *mw_req_peer(mw_req *r);

/* Responses. Each takes over the body buffer (detached). */
void mw_resp_json(mw_req *r, int status, mw_buf *body);
void mw_resp_text(mw_req *r, int status, const char *content_type, const char *text);
void mw_resp_bytes(mw_req *r, int status, const char *content_type, char *heap, size_t len);
void mw_resp_file(mw_req *r, int status, const char *content_type, int fd, uint64_t size);
/* A body that lives as long as the process (embedded files): not copied. */
void mw_resp_static(mw_req *r, int status, const char *content_type, const char *data, size_t len);
/* {"error":{"code":..., "message":...}} with the status of err (mw.h)
 * unless status is non-zero. */
void mw_resp_error(mw_req *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void mw_resp_err(mw_req *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Adds a header to the response (value copied into the arena). */
void mw_resp_header(mw_req *r, const char *name, const char *value);
/* Drops the response headers added so far (a page replacing the API's
 * answer by its own). */
void mw_resp_headers_clear(mw_req *r);

/* Sets a request header for in-process callers (see ovr_name); value is
 * not copied. A second call with the same name replaces the first. */
void mw_req_set_header(mw_req *r, const char *name, const char *value);
/* The same for a query parameter (see qovr_name); NULL makes it absent. */
void mw_req_set_query(mw_req *r, const char *name, const char *value);

/* Suspend / resume around asynchronous work (group commit). */
void mw_req_suspend(mw_req *r);
void mw_req_resume(mw_req *r);

#endif
