/* http-storm.c — an HTTP fuzzer against the real daemon: a throwaway PostgreSQL, a real
 * suivid on loopback, an admin token so that handlers are reached, and requests mutated from
 * valid ones — methods, paths, header names and values, duplicated and missing headers,
 * Content-Length lies, chunked bodies, truncated and pipelined requests, invalid UTF-8 and
 * NULs in JSON, huge numbers, deep nesting — sent over many connections at once.
 *
 * Properties: no 5xx (the database stays up); suivid never dies; every request is answered or
 * its connection closed within a bound (idle_timeout plus request_timeout plus a margin): no
 * hang; every error suivid writes itself is problem+json (libevent's own HTML answers to what
 * it cannot parse are counted apart); a refused write changes nothing — after every
 * STORM_CHECK_EVERY requests (default 500) the storm stops and a write is sent alone once the
 * daemon is quiet, between two digests of every table; and suivid's memory (RSS) after the
 * storm, once quiet, comes back near what it was once warmed up (not under AddressSanitizer,
 * whose quarantine grows by design).
 *
 * Bounded in time and count: STORM_SECONDS (default 30) and STORM_REQUESTS (default
 * unlimited within the time); STORM_SEED makes a run repeatable. STORM_CONNECTIONS (default
 * 24) connections at once; suivid runs with idle_timeout STORM_IDLE_TIMEOUT (default 1 s):
 * a request that never ends (cut short, a Content-Length lie) holds its connection that long.
 * Prints what it sent and saw, with how long connections lived and where the time went;
 * exits 1 when a property failed. `make check` runs it for 30 s with seed 1, `make
 * fuzz-http` for a million requests with a new seed. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "storm.h"
#include "util.h"

#define REQUEST_TIMEOUT 5 /* s: a request waiting for the database; 503 after it */
#define REFUSAL_CHECK_EVERY 500

/* The knobs of a run (environment, see main). */
static int connections = 24;      /* STORM_CONNECTIONS: connections at once */
static int idle_timeout = 1;      /* STORM_IDLE_TIMEOUT: suivid's idle_timeout, in seconds */
static double answer_bound_ms;    /* a request is answered or its connection closed by then */
static unsigned long check_every; /* STORM_CHECK_EVERY: requests between refusal checks */

struct conn {
	int fd;
	double started;
	struct storm_req req;
	size_t sent;
	struct storm_buf in;
	unsigned answered;
	int first_status; /* of the first answer; 0: none came */
	bool active;
};

static struct storm_stats stats;
static volatile sig_atomic_t stopping;

/* SIGTERM or SIGINT: end the storm at the next round, so that the daemon and the cluster are
 * stopped on the way out. */
static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}
static int failures;

static void fail(const char *fmt, ...) PRINTFLIKE(1, 2);
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("http-storm: FAIL: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

static void conn_start(struct conn *c, int port, struct storm_gen *g, bool writes_only)
{
	storm_generate(g, &c->req, writes_only);
	c->fd = connect_to(port);
	c->sent = 0;
	c->in.len = 0;
	c->answered = 0;
	c->first_status = 0;
	c->started = now_ms();
	c->active = c->fd >= 0;
	stats.sent += c->req.count;
	if (c->fd < 0)
		fail("cannot connect: %s", strerror(errno));
}

/* Account for what came back; the connection is done. */
static void conn_finish(struct conn *c, bool timed_out)
{
	size_t off = 0;
	for (;;) {
		int status;
		enum storm_kind kind;
		bool head = c->answered < c->req.count && c->req.head[c->answered];
		size_t used =
		    storm_parse_answer(c->in.data + off, c->in.len - off, head, &status, &kind);
		if (used == 0)
			break;
		off += used;
		if (c->first_status == 0)
			c->first_status = status;
		if (c->answered < c->req.count)
			c->answered++;
		stats.status[status >= 100 && status < 600 ? status : 599]++;
		if (status >= 500 && status != 501)
			fail("%d answered to: %.300s", status, c->req.summary);
		if (status >= 400 && kind == STORM_PROBLEM)
			stats.problems++;
		else if (status >= 400 && kind == STORM_HTML)
			stats.html++;
		else if (status >= 400)
			fail("a %d neither problem+json nor libevent's page: %.300s", status,
			     c->req.summary);
	}
	double lived = now_ms() - c->started;
	if (lived > 1000)
		stats.slow++;
	storm_count_lifetime(&stats, lived);
	if (timed_out)
		fail("no answer nor close within %.0f ms (%u of %u answered): %.300s",
		     answer_bound_ms, c->answered, c->req.count, c->req.summary);
	stats.answered += c->answered;
	stats.closed_early += c->req.count - c->answered;
	close(c->fd);
	c->active = false;
}

static struct conn *conns;
static struct pollfd *pfd;

/* Send n requests (or a few more: a pipelined batch is not split) over nconn connections at
 * once — each connection sends one request or one pipelined batch, then closes — until every
 * one is answered or closed. */
static void storm_round(int port, struct storm_gen *g, int nconn, unsigned long n, bool writes_only)
{
	unsigned long started = 0; /* requests: a pipelined batch counts each */
	for (int i = 0; i < nconn && started < n; i++) {
		conn_start(&conns[i], port, g, writes_only);
		started += conns[i].req.count;
	}
	double t0 = now_ms(), draining = 0;
	for (;;) {
		int live = 0;
		for (int i = 0; i < nconn; i++) {
			struct conn *c = &conns[i];
			pfd[i].fd = c->active ? c->fd : -1;
			pfd[i].events = 0;
			if (!c->active)
				continue;
			live++;
			pfd[i].events = c->sent < c->req.len ? POLLOUT : POLLIN;
		}
		if (live == 0)
			break;
		if (draining == 0 && live < nconn)
			draining = now_ms();
		poll(pfd, (nfds_t)nconn, 100);
		double now = now_ms();
		for (int i = 0; i < nconn; i++) {
			struct conn *c = &conns[i];
			if (!c->active)
				continue;
			if (now - c->started > answer_bound_ms) {
				conn_finish(c, true);
			} else if (pfd[i].revents & POLLOUT) {
				ssize_t w = send(c->fd, c->req.data + c->sent, c->req.len - c->sent,
						 MSG_NOSIGNAL);
				if (w > 0)
					c->sent += (size_t)w;
				else if (w < 0 && errno != EAGAIN && errno != EINTR)
					conn_finish(c, false); /* refused mid-body */
				if (c->active && c->sent == c->req.len && c->req.truncated)
					shutdown(c->fd, SHUT_WR); /* the rest never comes */
			} else if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				char buf[16384];
				ssize_t r = recv(c->fd, buf, sizeof buf, 0);
				if (r > 0) {
					storm_buf_add(&c->in, buf, (size_t)r);
					if (storm_count_answers(&c->in, &c->req) >= c->req.count)
						conn_finish(c, false);
				} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
					conn_finish(c, false);
				}
			}
			if (!c->active && started < n) {
				conn_start(c, port, g, writes_only);
				started += c->req.count;
			}
		}
	}
	double t1 = now_ms();
	if (draining == 0)
		draining = t1;
	stats.busy_ms += draining - t0;
	stats.drain_ms += t1 - draining;
}

/* One write alone, the daemon quiet before and after, between two digests of every table:
 * -1 when it was refused (or not answered) and still changed one. Sent like the storm's (a
 * truncated one half-closed), so that its answer or close comes as fast. */
static int refusal_check(struct storm_gen *g, const char *db, int port)
{
	if (!storm_wait_quiet(db, 20000))
		return 0; /* never quiet: nothing can be concluded, nothing claimed */
	char *before = storm_digest(db);
	double busy = stats.busy_ms, drain = stats.drain_ms; /* counted as the check's time */
	storm_round(port, g, 1, 1, true);
	stats.busy_ms = busy;
	stats.drain_ms = drain;
	const struct conn *c = &conns[0];
	int status = c->first_status;
	(void)storm_wait_quiet(db, 20000);
	char *after = storm_digest(db);
	int rc = 0;
	/* A pipelined write may have been accepted after a refused first one: only single
	 * requests (or a first one refused and nothing else sent) are judged. */
	if (c->req.count == 1 && (status == 0 || status >= 400)) {
		stats.refusal_checks++;
		if (before == NULL || after == NULL || strcmp(before, after) != 0) {
			fprintf(stderr, "http-storm: refused (%d) and changed: %s\n%s\n%s\n",
				status, c->req.summary, before != NULL ? before : "?",
				after != NULL ? after : "?");
			rc = -1;
		}
	} else if (status >= 200 && status < 300) {
		stats.refusal_accepted++;
	}
	free(before);
	free(after);
	return rc;
}

static long env_long(const char *name, long def, long min, long max)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end != '\0' || n < min || n > max) {
		fprintf(stderr, "http-storm: %s must be %ld to %ld\n", name, min, max);
		exit(2);
	}
	return n;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows in the log as it happens */
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	const char *v;
	double seconds = (v = getenv("STORM_SECONDS")) != NULL ? atof(v) : 30;
	unsigned long max_requests =
	    (v = getenv("STORM_REQUESTS")) != NULL ? strtoul(v, NULL, 10) : 0;
	/* A fixed seed unless told: make check sends the same requests every time. */
	unsigned long seed = (v = getenv("STORM_SEED")) != NULL ? strtoul(v, NULL, 10) : 1;
	connections = (int)env_long("STORM_CONNECTIONS", connections, 1, 900);
	idle_timeout = (int)env_long("STORM_IDLE_TIMEOUT", idle_timeout, 1, 30);
	check_every =
	    (unsigned long)env_long("STORM_CHECK_EVERY", REFUSAL_CHECK_EVERY, 1, 100000000);
	/* A request is read within idle_timeout, waits for the database at most
	 * request_timeout, and a margin for the machine. */
	answer_bound_ms = (idle_timeout + REQUEST_TIMEOUT) * 1000.0 + 2000;
	printf("1..1\n# http-storm: seed %lu, %.0f s, %lu requests at most, %d connections, "
	       "idle_timeout %d s\n",
	       seed, seconds, max_requests, connections, idle_timeout);
	conns = xcalloc((size_t)connections, sizeof *conns);
	pfd = xcalloc((size_t)connections, sizeof *pfd);

	struct pg_cluster *pg = pg_cluster_start();
	const char *db = pg_cluster_new_database(pg);
	char *conf = xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\nrequest_timeout = %d\n"
			       "idle_timeout = %d\nmax_connections = 1000\nmax_body = 65536\n"
			       "[database]\nurl = %s\npool = 4\ndata_dir = %%DIR%%/d\n"
			       "[schedule]\ntimezone = UTC\n[hook]\ncommand = /bin/true\n"
			       "[log]\nlevel = error\n",
			       REQUEST_TIMEOUT, idle_timeout, db);
	struct suivid_proc *d = suivid_start(conf, NULL, true);
	free(conf);
	int port = suivid_port(d);
	char *admin = suivid_make_token(d, "storm-admin", "admin", NULL);
	struct storm_gen *g = storm_gen_new(seed, admin, port);
	if (storm_seed_data(port, admin) != 0) {
		fprintf(stderr, "http-storm: cannot create the seed data\n");
		return 1;
	}
	bool asan = storm_under_asan(getenv("SUIVID"));

	double start = now_ms(), shown = start;
	long warm_rss = -1, peak_rss = 0;
	unsigned long round = 0;
	while (!stopping && now_ms() - start < seconds * 1000 &&
	       (max_requests == 0 || stats.sent < max_requests)) {
		unsigned long n = check_every;
		if (max_requests > 0 && max_requests - stats.sent < n)
			n = max_requests - stats.sent; /* the last round: no more than asked */
		storm_round(port, g, connections, n, false);
		round++;
		if (kill(suivid_pid(d), 0) != 0 || suivid_wait_exit(d, 0) != -1) {
			fail("suivid died: %s", suivid_log(d));
			break;
		}
		/* Writes alone, the daemon quiet, between two digests, until one was refused
		 * (about half are accepted: twenty tries make a round without one unlikely). */
		double c0 = now_ms();
		unsigned long checked = stats.refusal_checks;
		for (int k = 0; k < 20 && stats.refusal_checks == checked; k++)
			if (refusal_check(g, db, port) != 0)
				fail("a refused write changed the database");
		stats.check_ms += now_ms() - c0;
		long rss = storm_rss_kb(suivid_pid(d));
		if (rss > peak_rss)
			peak_rss = rss;
		if (round == 2)
			warm_rss = rss;
		if (now_ms() - shown >= 60000) {
			shown = now_ms();
			printf("# %.0f s: %lu requests (%.0f/s), %lu slower than 1 s, %lu refusals "
			       "checked, RSS %ld kB\n",
			       (shown - start) / 1000, stats.sent,
			       stats.sent * 1000.0 / (shown - start), stats.slow,
			       stats.refusal_checks, rss);
		}
	}
	double elapsed = (now_ms() - start) / 1000;
	long end_rss = storm_rss_kb(suivid_pid(d)), final_rss = end_rss;
	/* After the run, once quiet: a pool connection that carried a large message (a report
	 * of the grown database) keeps libpq's buffers at its size until suivid reopens it,
	 * once idle and 30 s old (daemon/db/db-internal.h). So the memory is read until it is
	 * back within the bound, for 45 s at most. */
	long bound = warm_rss + warm_rss / 2 + 16384;
	double quiet = now_ms();
	while (!asan && warm_rss > 0 && final_rss > bound && now_ms() - quiet < 45000) {
		poll(NULL, 0, 500);
		final_rss = storm_rss_kb(suivid_pid(d));
	}
	storm_print_stats(&stats, elapsed);
	printf("# suivid RSS: %ld kB once warm, %ld kB at peak, %ld kB at the end of the storm, "
	       "%ld kB %.0f s later%s\n",
	       warm_rss, peak_rss, end_rss, final_rss, (now_ms() - quiet) / 1000,
	       asan ? " (AddressSanitizer: not checked)" : "");
	if (!asan && warm_rss > 0 && final_rss > bound)
		fail("RSS grew from %ld kB to %ld kB", warm_rss, final_rss);
	if (stats.refusal_checks == 0 && round > 1)
		fail("no refused write was checked");
	if (kill(suivid_pid(d), 0) != 0)
		fail("suivid is gone at the end");

	for (int i = 0; i < connections; i++) {
		free(conns[i].in.data);
		free(conns[i].req.buf.data);
	}
	free(conns);
	free(pfd);
	storm_gen_free(g);
	free(admin);
	suivid_stop(d);
	pg_cluster_destroy(pg);
	printf("%s - http-storm: %lu requests, %d failures\n", failures == 0 ? "ok 1" : "not ok 1",
	       stats.sent, failures);
	return failures == 0 ? 0 : 1;
}
