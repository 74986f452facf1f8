/* test-chaos.c — failures under write load, bounded: PostgreSQL restarted (fast, then
 * immediate) while writers run, suivid killed with SIGKILL mid-load and started again, and a
 * failover from a primary to its promoted streaming standby (synchronous and not).
 *
 * WRITERS child processes each POST owners with handles of their own, as fast as answers
 * come, and write every acknowledged (201) handle to a file of their own. Properties: while
 * the database goes and comes back, every request is answered 201 or 503 (never a 500, never
 * silence past the bound); service comes back (health 200, then 201 again) after each
 * restart; after a SIGKILL the new suivid serves again; and every acknowledged write is in
 * the database at the end, whatever happened around it. */
#include "suivi-config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "harness.h"
#include "util.h"

#define WRITERS 8
#define REQUEST_BOUND_MS 15000 /* request_timeout 5 s and a margin */

/* Shared with the writers (MAP_SHARED): where to send, when to stop, what they saw. */
struct board {
	volatile int port;
	volatile int stop;
	volatile long acked, unavailable, refused_conn, other;
	volatile int bad_status; /* the first status other than 201, 503 or no connection */
};

static struct pg_cluster *pg;
static struct board *board;
static char dir[64];

static char *conf_for(const char *conninfo)
{
	return xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\nrequest_timeout = 5\n"
			 "[database]\nurl = %s\npool = 4\ndata_dir = %%DIR%%/d\n"
			 "[schedule]\ntimezone = UTC\n[hook]\ncommand = /bin/true\n"
			 "[log]\nlevel = warn\n",
			 conninfo);
}

/* One writer: POST owners until told to stop; _exit, never exit (the harness's atexit
 * handlers belong to the parent). */
static void writer(int id, const char *token)
{
	char *path = xasprintf("%s/acked.%d", dir, id);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		_exit(2);
	for (long n = 0; !board->stop; n++) {
		char *body =
		    xasprintf("{\"handle\":\"w%d-%ld\",\"name\":\"Writer %d\"}", id, n, id);
		struct http_response *r = http_do(board->port, "POST", "/v1/owners", token, NULL,
						  body, NULL, REQUEST_BOUND_MS);
		if (r->status == 201) {
			fprintf(f, "w%d-%ld\n", id, n);
			fflush(f);
			__sync_fetch_and_add(&board->acked, 1);
		} else if (r->status == 503) {
			__sync_fetch_and_add(&board->unavailable, 1);
			usleep(10000); /* the database is down: no need to spin */
		} else if (r->status == 0 && r->elapsed_ms < REQUEST_BOUND_MS - 1000) {
			/* No connection: suivid is down (SIGKILL) or not yet listening. */
			__sync_fetch_and_add(&board->refused_conn, 1);
			usleep(20000);
		} else {
			__sync_fetch_and_add(&board->other, 1);
			if (board->bad_status == 0)
				board->bad_status = r->status == 0 ? -1 : r->status;
		}
		http_response_free(r);
		free(body);
	}
	fclose(f);
	free(path);
	_exit(0);
}

static pid_t writers[WRITERS];

static void start_writers(const char *token)
{
	int port = board->port;
	memset((void *)board, 0, sizeof *board);
	board->port = port;
	for (int i = 0; i < WRITERS; i++) {
		writers[i] = fork();
		ck_assert_int_ge(writers[i], 0);
		if (writers[i] == 0)
			writer(i, token);
	}
}

static void stop_writers(void)
{
	board->stop = 1;
	for (int i = 0; i < WRITERS; i++) {
		int st;
		ck_assert_int_eq(waitpid(writers[i], &st, 0), writers[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d: status %d", i, st);
	}
}

struct acked_since {
	long from, more;
};
static bool acked_more(void *arg)
{
	struct acked_since *a = arg;
	return board->acked >= a->from + a->more;
}
static bool some_unavailable(void *arg)
{
	return board->unavailable + board->refused_conn > *(long *)arg;
}
static bool health_200(void *arg)
{
	struct http_response *r =
	    http_do(board->port, "GET", "/v1/health", NULL, NULL, NULL, NULL, 2000);
	bool ok = r->status == 200;
	http_response_free(r);
	return ok;
}

/* Writes go on for a while: at least n more acknowledged. */
static void wait_acked(long n, const char *when)
{
	struct acked_since a = {board->acked, n};
	ck_assert_msg(wait_until(acked_more, &a, 60000), "no %ld acknowledged writes %s", n, when);
}

/* How many handles the writers saw acknowledged are not in the database. */
static long count_missing(const char *conninfo)
{
	long total = 0, missing = 0;
	for (int i = 0; i < WRITERS; i++) {
		char *path = xasprintf("%s/acked.%d", dir, i);
		char *text = NULL;
		size_t size = 0;
		FILE *f = fopen(path, "r"), *list = open_memstream(&text, &size);
		ck_assert_msg(f != NULL && list != NULL, "%s", path);
		char line[64];
		long lines = 0;
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			fprintf(list, "%s'%s'", lines > 0 ? "," : "", line);
			lines++;
		}
		fclose(f);
		fclose(list);
		if (lines > 0) {
			char *sql =
			    xasprintf("SELECT count(*) FROM owners WHERE handle IN (%s)", text);
			char *c = pg_query_value(conninfo, sql);
			ck_assert_ptr_nonnull(c);
			missing += lines - atol(c);
			free(c);
			free(sql);
		}
		total += lines;
		free(text);
		free(path);
	}
	ck_assert_msg(total > 0, "no write was acknowledged");
	return missing;
}

/* Every handle the writers saw acknowledged is in the database. */
static void check_acked_present(const char *conninfo)
{
	long missing = count_missing(conninfo);
	ck_assert_msg(missing == 0, "%ld acknowledged writes are missing", missing);
}

START_TEST(postgres_restarts_under_writers)
{
	const char *db = pg_cluster_new_database(pg);
	char *conf = conf_for(db);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "chaos", "admin", NULL);
	board->port = suivid_port(p);
	start_writers(token);
	wait_acked(20, "before the first restart");

	const char *modes[] = {"fast", "immediate"};
	for (int m = 0; m < 2; m++) {
		long before = board->unavailable + board->refused_conn;
		if (m == 0)
			pg_cluster_stop(pg);
		else
			pg_cluster_stop_immediate(pg);
		ck_assert_msg(wait_until(some_unavailable, &before, 60000),
			      "no 503 while the database was down (%s)", modes[m]);
		pg_cluster_restart(pg);
		ck_assert_msg(wait_until(health_200, NULL, 60000), "health after a %s restart",
			      modes[m]);
		wait_acked(50,
			   modes[m][0] == 'f' ? "after a fast restart" : "after an immediate one");
	}
	stop_writers();
	fprintf(stderr, "# postgres restarts: %ld acknowledged, %ld answered 503, %ld other\n",
		board->acked, board->unavailable, board->other);
	ck_assert_msg(board->other == 0, "%ld answers neither 201 nor 503 (first: %d)",
		      board->other, board->bad_status);
	ck_assert_msg(board->refused_conn == 0, "%ld requests found suivid not listening",
		      board->refused_conn);
	ck_assert(kill(suivid_pid(p), 0) == 0);
	check_acked_present(db);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

START_TEST(suivid_killed_under_writers)
{
	const char *db = pg_cluster_new_database(pg);
	char *conf = conf_for(db);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "chaos", "admin", NULL);
	board->port = suivid_port(p);
	start_writers(token);
	wait_acked(20, "before the kill");
	suivid_kill(p, SIGKILL);
	ck_assert_int_ne(suivid_wait_exit(p, 30000), -1);
	suivid_stop(p);
	/* A new daemon on the same database (another port: the writers follow it). */
	p = suivid_start(conf, NULL, true);
	board->port = suivid_port(p);
	wait_acked(20, "after the restart");
	stop_writers();
	fprintf(stderr, "# SIGKILL: %ld acknowledged, %ld without a connection, %ld other\n",
		board->acked, board->refused_conn, board->other);
	/* Requests cut by the kill get no answer: they were never acknowledged. */
	ck_assert_msg(board->other <= WRITERS, "%ld odd answers (first: %d)", board->other,
		      board->bad_status);
	check_acked_present(db);
	free(token);
	suivid_stop(p);
	free(conf);
}
END_TEST

/* A primary with a streaming standby; suivid has both hosts (libpq's multi-host form with
 * target_session_attrs=read-write). Under write load the primary crashes and the standby is
 * promoted: service is back within 10 s, and with synchronous_standby_names every
 * acknowledged write is on the new primary; without it, what is lost is counted. */
static void failover(bool synchronous)
{
	struct pg_cluster *primary = pg_cluster_start();
	const char *db = pg_cluster_new_database(primary);
	const char *name = strstr(db, "dbname=") + 7;
	if (synchronous) {
		pg_exec(pg_cluster_conninfo(primary),
			"ALTER SYSTEM SET synchronous_standby_names = '*'", false);
		pg_exec(pg_cluster_conninfo(primary), "SELECT pg_reload_conf()", false);
	}
	struct pg_cluster *standby = pg_cluster_standby(primary);
	char *url = xasprintf("host=%s,%s port=5432,5432 user=suivi dbname=%s"
			      " target_session_attrs=read-write",
			      pg_cluster_socket_dir(primary), pg_cluster_socket_dir(standby), name);
	char *conf = conf_for(url);
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "chaos", "admin", NULL);
	board->port = suivid_port(p);
	start_writers(token);
	wait_acked(20, "before the failover");

	pg_cluster_stop_immediate(primary);
	pg_cluster_promote(standby);
	double promoted = now_ms();
	if (synchronous) {
		/* The standby copied the setting (postgresql.auto.conf): as a primary without a
		 * standby of its own, its commits would wait for one forever. */
		pg_exec(pg_cluster_conninfo(standby),
			"ALTER SYSTEM RESET synchronous_standby_names", false);
		pg_exec(pg_cluster_conninfo(standby), "SELECT pg_reload_conf()", false);
	}
	ck_assert_msg(wait_until(health_200, NULL, 60000), "no health after the promotion");
	double healthy = now_ms();
	wait_acked(1, "after the promotion");
	double written = now_ms();
	stop_writers();
	fprintf(stderr,
		"# failover (%s): health 200 %.1f s and a write accepted %.1f s after the "
		"promotion; %ld acknowledged, %ld answered 503, %ld other\n",
		synchronous ? "synchronous standby" : "asynchronous", (healthy - promoted) / 1000,
		(written - promoted) / 1000, board->acked, board->unavailable, board->other);
	if (harness_latency_checked("failover within 10 s"))
		ck_assert_msg(written - promoted <= 10000, "%.1f s to the first write",
			      (written - promoted) / 1000);
	char *standby_db = xasprintf("host=%s port=5432 user=suivi dbname=%s",
				     pg_cluster_socket_dir(standby), name);
	long missing = count_missing(standby_db);
	fprintf(stderr, "# failover (%s): %ld acknowledged writes lost\n",
		synchronous ? "synchronous standby" : "asynchronous", missing);
	if (synchronous)
		ck_assert_msg(missing == 0,
			      "%ld acknowledged writes lost with a synchronous standby", missing);
	free(standby_db);
	free(token);
	suivid_stop(p);
	free(conf);
	free(url);
	pg_cluster_destroy(standby);
	pg_cluster_destroy(primary);
}

START_TEST(failover_with_a_synchronous_standby)
{
	failover(true);
}
END_TEST

START_TEST(failover_with_an_asynchronous_standby)
{
	failover(false);
}
END_TEST

int main(void)
{
	pg = pg_cluster_start();
	board =
	    mmap(NULL, sizeof *board, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (board == MAP_FAILED)
		return 1;
	snprintf(dir, sizeof dir, "/tmp/suivi-chaos-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	Suite *s = suite_create("chaos");
	TCase *tc = tcase_create("load");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, postgres_restarts_under_writers);
	tcase_add_test(tc, suivid_killed_under_writers);
	tcase_add_test(tc, failover_with_a_synchronous_standby);
	tcase_add_test(tc, failover_with_an_asynchronous_standby);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (int i = 0; i < WRITERS; i++) {
		char *path = xasprintf("%s/acked.%d", dir, i);
		unlink(path);
		free(path);
	}
	rmdir(dir);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
