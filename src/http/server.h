/*
 * server.h - the HTTP server: libmicrohttpd with a pool of I/O threads
 * (epoll), suspend/resume for requests that wait on the writer, body size
 * caps, timeouts against slow clients, and per-route metrics.
 */
#ifndef MW_SERVER_H
#define MW_SERVER_H

#include <stddef.h>
#include <stdint.h>

struct mw_app;

typedef struct mw_server mw_server;

typedef struct mw_server_config {
	const char *host;          /* "127.0.0.1" */
	uint16_t port;             /* 0 = pick a free one */
	int threads;               /* I/O threads, default = cores */
	int connection_limit;      /* default 1024 */
	int timeout_seconds;       /* idle connection timeout, default 30 */
} mw_server_config;

int mw_server_start(struct mw_app *app, const mw_server_config *cfg, mw_server **out,
		    char *errbuf, size_t errsz);
/* The port actually bound (useful with port 0). */
uint16_t mw_server_port(mw_server *srv);
void mw_server_stop(mw_server *srv);

#endif
