/*
 * h2o_status.c - "status read" micro-benchmark server on libh2o-evloop (h2o 2.2).
 *
 *   GET /api/v1/complaints/<YYMM-NNNNNN>?token=<token>
 *     -> 200, ~600-byte JSON (application/json; charset=utf-8), built per request
 *     -> 404 unknown path/id, 403 missing or wrong token, 405 not GET
 *
 * Usage: h2o_status [PORT [THREADS]]
 *   PORT     TCP port on 127.0.0.1 (0 = any free port; printed on stdout)
 *   THREADS  event-loop threads, each with its own SO_REUSEPORT listener (default 2)
 *
 * HTTP/1.1 with keep-alive (h2o's default). The request/response logic (store,
 * id check, token check, JSON formatting) is kept identical to mhd_status.c so
 * that only the HTTP library differs; the query string is parsed and
 * %-decoded here because h2o leaves that to the application.
 * Part of bench/httplib/run.sh; not built by the project's CMake.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define H2O_USE_LIBUV 0
#include <h2o.h>
#include <h2o/http1.h>

/* ---- shared with h2o_status.c (keep identical) ---------------------------------- */

struct complaint {
    const char *id;
    const char *token;
    const char *status;
    const char *status_label;
    const char *category;
    const char *title;
    const char *department;
    const char *received_at;
    const char *updated_at;
    const char *due_at;
    unsigned attachments;
};

static const struct complaint store[] = {
    {"2611-000121", "QwErTyUiOpAsDfGhJkLzXcVbNm987654", "received", "접수", "noise",
     "심야 공사 소음 민원", "환경과", "2026-11-02T08:01:13+09:00", "2026-11-02T08:01:13+09:00",
     "2026-11-16T18:00:00+09:00", 0},
    {"2611-000122", "ZxCvBnMaSdFgHjKlQwErTyUiOp135790", "assigned", "배정", "parking",
     "불법 주정차 단속 요청", "교통행정과", "2026-11-02T21:44:02+09:00", "2026-11-03T09:02:51+09:00",
     "2026-11-17T18:00:00+09:00", 1},
    {"2611-000123", "AbCdEfGhIjKlMnOpQrStUvWxYz012345", "in_progress", "처리중", "road",
     "보도블록 파손으로 인한 보행 불편 신고", "도로관리과", "2026-11-03T09:12:44+09:00",
     "2026-11-05T14:30:09+09:00", "2026-11-17T18:00:00+09:00", 2},
    {"2611-000124", "PoIuYtReWqLkJhGfDsAmNbVcXz246801", "done", "처리완료", "streetlight",
     "가로등 고장 신고", "도시디자인과", "2026-11-03T19:20:31+09:00", "2026-11-04T11:05:00+09:00",
     "2026-11-17T18:00:00+09:00", 0},
};

#define API_PREFIX "/api/v1/complaints/"
#define BODY_CAP 1024

/* "YYMM-NNNNNN" */
static int valid_id(const char *s, size_t n)
{
    if (n != 11 || s[4] != '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

static const struct complaint *find_complaint(const char *id, size_t n)
{
    if (!valid_id(id, n))
        return NULL;
    for (size_t i = 0; i < sizeof(store) / sizeof(store[0]); i++)
        if (memcmp(store[i].id, id, 11) == 0)
            return &store[i];
    return NULL;
}

/* constant-time for equal lengths */
static int token_ok(const char *got, size_t got_len, const char *want)
{
    size_t want_len = strlen(want);
    unsigned char diff = (unsigned char)(got_len != want_len);
    for (size_t i = 0; i < want_len; i++)
        diff |= (unsigned char)(want[i] ^ (i < got_len ? got[i] : 0));
    return diff == 0;
}

static int format_status(char *buf, size_t cap, const struct complaint *c)
{
    return snprintf(buf, cap,
                    "{\"id\":\"%s\",\"status\":\"%s\",\"status_label\":\"%s\",\"category\":\"%s\","
                    "\"title\":\"%s\",\"department\":\"%s\",\"received_at\":\"%s\",\"updated_at\":\"%s\","
                    "\"due_at\":\"%s\",\"attachments\":%u,\"history\":["
                    "{\"at\":\"%s\",\"status\":\"received\",\"note\":\"민원이 접수되었습니다.\"},"
                    "{\"at\":\"%s\",\"status\":\"%s\",\"note\":\"담당 부서에서 현장 확인 후 처리 중입니다.\"}],"
                    "\"links\":{\"self\":\"" API_PREFIX "%s\"}}",
                    c->id, c->status, c->status_label, c->category, c->title, c->department, c->received_at,
                    c->updated_at, c->due_at, c->attachments, c->received_at, c->updated_at, c->status, c->id);
}

/* ---- libh2o-evloop ------------------------------------------------------------ */

struct worker {
    pthread_t tid;
    int fd;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
};

static h2o_globalconf_t config;

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* %-decode (and '+' -> ' ') src into dst; returns length or -1 if too long */
static ssize_t url_decode(char *dst, size_t cap, const char *src, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)src[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n) {
            int hi = hexval((unsigned char)src[i + 1]), lo = hexval((unsigned char)src[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = hi << 4 | lo;
                i += 2;
            }
        }
        if (o == cap)
            return -1;
        dst[o++] = (char)c;
    }
    return (ssize_t)o;
}

/* finds argument `name` in the query string q[0..n) and %-decodes it into dst */
static ssize_t query_arg(const char *q, size_t n, const char *name, char *dst, size_t cap)
{
    size_t name_len = strlen(name);
    const char *end = q + n;
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pair_end = amp != NULL ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pair_end - q));
        const char *key_end = eq != NULL ? eq : pair_end;
        if ((size_t)(key_end - q) == name_len && memcmp(q, name, name_len) == 0) {
            const char *v = eq != NULL ? eq + 1 : pair_end;
            return url_decode(dst, cap, v, (size_t)(pair_end - v));
        }
        q = pair_end + 1;
    }
    return -1;
}

static void send_json_error(h2o_req_t *req, int status, const char *reason, const char *json)
{
    req->res.status = status;
    req->res.reason = reason;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/json; charset=utf-8"));
    if (status == 405)
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, H2O_STRLIT("GET"));
    h2o_send_inline(req, json, strlen(json));
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    (void)self;
    static h2o_generator_t generator = {NULL, NULL};

    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET"))) {
        send_json_error(req, 405, "Method Not Allowed", "{\"error\":\"method_not_allowed\"}");
        return 0;
    }

    /* path_normalized: the path without the query string, dot-segments resolved */
    size_t plen = sizeof(API_PREFIX) - 1;
    const char *path = req->path_normalized.base;
    size_t path_len = req->path_normalized.len;
    const struct complaint *c = NULL;
    if (path_len > plen && memcmp(path, API_PREFIX, plen) == 0)
        c = find_complaint(path + plen, path_len - plen);
    if (c == NULL) {
        send_json_error(req, 404, "Not Found", "{\"error\":\"not_found\"}");
        return 0;
    }

    char token[256];
    ssize_t token_len = -1;
    if (req->query_at != SIZE_MAX)
        token_len = query_arg(req->path.base + req->query_at + 1, req->path.len - req->query_at - 1, "token", token,
                              sizeof(token));
    if (token_len < 0 || !token_ok(token, (size_t)token_len, c->token)) {
        send_json_error(req, 403, "Forbidden", "{\"error\":\"forbidden\"}");
        return 0;
    }

    /* realistic path: a fresh body per request (in the request's memory pool) */
    char *body = h2o_mem_alloc_pool(&req->pool, BODY_CAP);
    int n = format_status(body, BODY_CAP, c);
    if (n < 0 || n >= BODY_CAP)
        return -1;
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = (size_t)n;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/json; charset=utf-8"));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    h2o_start_response(req, &generator);
    h2o_iovec_t buf = h2o_iovec_init(body, (size_t)n);
    h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
    return 0;
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    struct worker *w = listener->data;
    h2o_socket_t *sock;
    if (err != NULL)
        return;
    if ((sock = h2o_evloop_socket_accept(listener)) == NULL)
        return;
    h2o_accept(&w->accept_ctx, sock);
}

static void *run_loop(void *arg)
{
    struct worker *w = arg;
    h2o_context_init(&w->ctx, h2o_evloop_create(), &config);
    w->accept_ctx.ctx = &w->ctx;
    w->accept_ctx.hosts = config.hosts;
    h2o_socket_t *listener = h2o_evloop_socket_create(w->ctx.loop, w->fd, H2O_SOCKET_FLAG_DONT_READ);
    listener->data = w;
    h2o_socket_read_start(listener, on_accept);
    while (h2o_evloop_run(w->ctx.loop, INT32_MAX) == 0)
        ;
    return NULL;
}

static int open_listener(unsigned port)
{
    int one = 1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1024) != 0) {
        fprintf(stderr, "h2o_status: cannot listen on 127.0.0.1:%u: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

static unsigned long parse_ulong(const char *s, const char *what, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        fprintf(stderr, "h2o_status: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)parse_ulong(argv[1], "port", 65535) : 8082;
    unsigned threads = argc > 2 ? (unsigned)parse_ulong(argv[2], "thread count", 64) : 2;
    if (threads == 0)
        threads = 1;

    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    h2o_config_init(&config);
    config.max_request_entity_size = 10 * 1024 * 1024;
    h2o_hostconf_t *hostconf = h2o_config_register_host(&config, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    h2o_pathconf_t *pathconf = h2o_config_register_path(hostconf, "/", 0);
    h2o_handler_t *handler = h2o_create_handler(pathconf, sizeof(*handler));
    handler->on_req = on_req;

    /* one listener per loop thread; the kernel spreads connections (SO_REUSEPORT) */
    struct worker *workers = calloc(threads, sizeof(*workers));
    if (workers == NULL)
        return 1;
    for (unsigned i = 0; i < threads; i++) {
        workers[i].fd = open_listener(port);
        if (port == 0) {
            struct sockaddr_in sa;
            socklen_t len = sizeof(sa);
            if (getsockname(workers[i].fd, (struct sockaddr *)&sa, &len) != 0) {
                perror("h2o_status: getsockname");
                return 1;
            }
            port = ntohs(sa.sin_port);
        }
    }
    for (unsigned i = 0; i < threads; i++) {
        int err = pthread_create(&workers[i].tid, NULL, run_loop, &workers[i]);
        if (err != 0) {
            fprintf(stderr, "h2o_status: pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    printf("h2o_status %s listening on 127.0.0.1:%u threads=%u\n", H2O_VERSION, port, threads);
    fflush(stdout);

    int sig;
    sigwait(&stop, &sig);
    /* the loops hold no state worth flushing: exit without joining them */
    return 0;
}
