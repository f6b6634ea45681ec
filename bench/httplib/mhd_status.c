/*
 * mhd_status.c - "status read" micro-benchmark server on libmicrohttpd.
 *
 *   GET /api/v1/complaints/<YYMM-NNNNNN>?token=<token>
 *     -> 200, ~600-byte JSON (application/json; charset=utf-8), built per request
 *     -> 404 unknown path/id, 403 missing or wrong token, 405 not GET
 *
 * Usage: mhd_status [PORT [THREADS [turbo]]]
 *   PORT     TCP port on 127.0.0.1 (0 = any free port; printed on stdout)
 *   THREADS  MHD_OPTION_THREAD_POOL_SIZE (default 2; 1 = one internal thread)
 *   turbo    also set MHD_USE_TURBO
 *
 * The request/response logic (store, id check, token check, JSON formatting)
 * is kept identical to h2o_status.c so that only the HTTP library differs.
 * Part of bench/httplib/run.sh; not built by the project's CMake.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

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

/* ---- libmicrohttpd ------------------------------------------------------------ */

static struct MHD_Response *resp_404, *resp_403, *resp_405;

static struct MHD_Response *make_error(const char *json)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(json), (void *)json, MHD_RESPMEM_PERSISTENT);
    if (r == NULL || MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8") != MHD_YES) {
        fprintf(stderr, "mhd_status: cannot create error response\n");
        exit(1);
    }
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)cls, (void)version, (void)upload_data;
    static int seen_headers;

    /*
     * MHD calls the handler once when the headers are in and again after the
     * body (none for GET). A response queued in the first call makes MHD close
     * the connection (it has not consumed a possible body), which would defeat
     * keep-alive, so answer on the second call as MHD's docs recommend.
     */
    if (*con_cls == NULL) {
        *con_cls = &seen_headers;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0; /* discard any body */
        return MHD_YES;
    }

    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0)
        return MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, resp_405);

    /* url is the path without the query string, already %-decoded by MHD */
    size_t plen = sizeof(API_PREFIX) - 1;
    if (strncmp(url, API_PREFIX, plen) != 0)
        return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, resp_404);
    const char *id = url + plen;
    const struct complaint *c = find_complaint(id, strlen(id));
    if (c == NULL)
        return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, resp_404);

    const char *token = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token");
    if (token == NULL || !token_ok(token, strlen(token), c->token))
        return MHD_queue_response(conn, MHD_HTTP_FORBIDDEN, resp_403);

    /* realistic path: a fresh body and a fresh response object per request */
    char *body = malloc(BODY_CAP);
    if (body == NULL)
        return MHD_NO;
    int n = format_status(body, BODY_CAP, c);
    if (n < 0 || n >= BODY_CAP) {
        free(body);
        return MHD_NO;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static unsigned long parse_ulong(const char *s, const char *what, unsigned long max)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        fprintf(stderr, "mhd_status: bad %s '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)parse_ulong(argv[1], "port", 65535) : 8081;
    unsigned threads = argc > 2 ? (unsigned)parse_ulong(argv[2], "thread count", 64) : 2;
    int turbo = argc > 3 && strcmp(argv[3], "turbo") == 0;
    if (threads == 0)
        threads = 1;

    resp_404 = make_error("{\"error\":\"not_found\"}");
    resp_403 = make_error("{\"error\":\"forbidden\"}");
    resp_405 = make_error("{\"error\":\"method_not_allowed\"}");
    MHD_add_response_header(resp_405, "Allow", "GET");

    /* the MHD threads inherit this mask; the main thread waits for the signals */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (turbo)
        flags |= MHD_USE_TURBO;
    struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(threads > 1 ? threads : 0),
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)1024,
                                            MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "mhd_status: MHD_start_daemon failed on 127.0.0.1:%u\n", port);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("mhd_status %s listening on 127.0.0.1:%u threads=%u%s\n", MHD_get_version(),
           info != NULL ? (unsigned)info->port : port, threads, turbo ? " turbo" : "");
    fflush(stdout);

    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    MHD_destroy_response(resp_404);
    MHD_destroy_response(resp_403);
    MHD_destroy_response(resp_405);
    return 0;
}
