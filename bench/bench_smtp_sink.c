/*
 * bench_smtp_sink - an SMTP server that accepts every message and keeps
 * none, for the sender benchmark: as fast as a loopback SMTP peer can be,
 * so that what is measured is the sender.
 *
 *   bench_smtp_sink PORT        prints "ready" when listening; on SIGTERM
 *                               prints the number of messages accepted
 *
 * One thread per connection; the protocol is the least a client needs:
 * greeting, EHLO/HELO, MAIL, RCPT, DATA (up to the lone dot), RSET, NOOP,
 * QUIT. Pipelined commands are fine (they are read line by line).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/banned.h"

static _Atomic long accepted;
static volatile sig_atomic_t stop;

struct conn {
	int fd;
	char buf[65536];
	size_t len, pos;
};

static int say(int fd, const char *s)
{
	size_t n = strlen(s);

	return write(fd, s, n) == (ssize_t)n ? 0 : -1;
}

/* The next line (without CRLF) into out; -1 at the end of the stream. */
static int line(struct conn *c, char *out, size_t outsz)
{
	for (;;) {
		char *nl = memchr(c->buf + c->pos, '\n', c->len - c->pos);

		if (nl) {
			size_t n = (size_t)(nl - (c->buf + c->pos));

			if (n && nl[-1] == '\r')
				n--;
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, c->buf + c->pos, n);
			out[n] = '\0';
			c->pos = (size_t)(nl - c->buf) + 1;
			return 0;
		}
		if (c->pos) {
			memmove(c->buf, c->buf + c->pos, c->len - c->pos);
			c->len -= c->pos;
			c->pos = 0;
		}
		if (c->len == sizeof(c->buf))
			c->len = 0; /* an overlong line: drop it */
		{
			ssize_t r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);

			if (r <= 0)
				return -1;
			c->len += (size_t)r;
		}
	}
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	char l[1024];

	say(c->fd, "220 sink ESMTP\r\n");
	while (!line(c, l, sizeof(l))) {
		if (!strncasecmp(l, "EHLO", 4)) {
			say(c->fd, "250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
		} else if (!strncasecmp(l, "DATA", 4)) {
			say(c->fd, "354 go on\r\n");
			while (!line(c, l, sizeof(l)) && strcmp(l, "."))
				;
			atomic_fetch_add(&accepted, 1);
			say(c->fd, "250 accepted\r\n");
		} else if (!strncasecmp(l, "QUIT", 4)) {
			say(c->fd, "221 bye\r\n");
			break;
		} else {
			say(c->fd, "250 ok\r\n");
		}
	}
	close(c->fd);
	free(c);
	return NULL;
}

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_term };
	int fd, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_smtp_sink PORT\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)strtol(argv[1], NULL, 10));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64)) {
		perror("bench_smtp_sink");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		int cfd = accept(fd, NULL, NULL);
		struct conn *c;
		pthread_t t;

		if (cfd < 0)
			continue;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(cfd);
			continue;
		}
		c->fd = cfd;
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&t, NULL, serve, c)) {
			close(cfd);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
	printf("%ld\n", (long)atomic_load(&accepted));
	return 0;
}
