/* test-mailin.c — owners answer by replying to their reminder, end to end: a digest goes out
 * through the real hook with a signed Reply-To; the test answers it with Python's email
 * package in the shapes real mail programs produce (top-posted, Outlook, inline,
 * multipart/alternative, HTML only, ISO-8859-1 quoted-printable, base64 UTF-8), pipes each
 * into the real `suivi mail-in` as an MTA would, and checks statuses, comments, history and
 * the confirmation sent back. Then every refusal, each with its sysexits code, nothing
 * partly applied, the daemon healthy. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "client-run.h"
#include "harness.h"
#include "notify-util.h"
#include "util.h"

static struct pg_cluster *pg;

struct mt {
	struct nt t;
	char *mail_token;
	char *digest; /* path of the ocrtis digest as the hook received it */
	char *undp_digest;
};

static void seed(const char *db)
{
	ck_assert_int_eq(
	    pg_exec(
		db,
		"INSERT INTO meetings (code, title, starts_on, ends_on) VALUES"
		" ('bamako-2019', 'Atelier régional de Bamako', '2019-05-06', '2019-05-08');"
		"INSERT INTO owners (handle, name, email, locale, cc) VALUES"
		" ('ocrtis', 'OCRTIS', 'ocrtis@example.org', 'fr', '{deputy@example.org}'),"
		" ('undp', 'UNDP', 'undp@example.org', 'en', '{}');"
		"INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on, status)"
		" SELECT m.id, v.n, v.text, o.id, '2026-11-01', v.status"
		" FROM (VALUES (1, 'Base de données', 'ocrtis', 'accepted'),"
		"  (2, 'Guide', 'ocrtis', 'accepted'), (3, 'Séminaire', 'ocrtis', 'accepted'),"
		"  (4, 'Formation', 'ocrtis', 'in_progress'), (5, 'Budget', 'ocrtis', 'accepted'),"
		"  (6, 'Statistics', 'undp', 'accepted'))"
		" AS v (n, text, owner, status)"
		" JOIN meetings m ON m.code = 'bamako-2019' JOIN owners o ON o.handle = v.owner",
		false),
	    0);
}

static void mt_start(struct mt *m)
{
	nt_start(&m->t, pg,
		 &(struct nt_opts){.mail = "from = Secrétariat <suivi@example.org>\n"
					   "reply_address = suivi@example.org\n"});
	seed(m->t.db);
	m->mail_token = suivid_make_token(m->t.p, "mta", "mail", NULL);
	json_decref(nt_run(&m->t, false, "2026-11-28", 200));
	ck_assert(nt_wait_sql(m->t.db,
			      "SELECT count(*) FROM notifications WHERE state = 'sent'"
			      " AND kind = 'reminder'",
			      "3", 30000)); /* ocrtis, its deputy, undp */
	char *id = nt_id_of(m->t.db, "reminder:ocrtis:", "2026-11-28");
	m->digest = xstrdup(nt_path(&m->t, "msg.", id));
	free(id);
	id = nt_id_of(m->t.db, "reminder:undp:", "2026-11-28");
	m->undp_digest = xstrdup(nt_path(&m->t, "msg.", id));
	free(id);
	char *url = xasprintf("http://127.0.0.1:%d", suivid_port(m->t.p));
	client_run_init(url, "/nonexistent");
}

static void mt_stop(struct mt *m)
{
	nt_stop(&m->t);
	free(m->mail_token);
	free(m->digest);
	free(m->undp_digest);
}

/* The reply of shape, from sender, with the owner's lines, as the MTA hands it over. */
static char *build(const char *shape, const char *digest, const char *sender, const char *mid,
		   const char *lines)
{
	const char *src = getenv("SUIVI_SRCDIR");
	ck_assert_msg(src != NULL, "SUIVI_SRCDIR is not set");
	char *script = xasprintf("%s/tests/integration/mail-reply.py", src);
	int in[2], out[2];
	ck_assert(pipe(in) == 0 && pipe(out) == 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl("/usr/bin/python3", "python3", script, shape, digest, sender, mid,
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	ck_assert(write(in[1], lines, strlen(lines)) == (ssize_t)strlen(lines));
	close(in[1]);
	size_t cap = 65536, len = 0;
	char *buf = xmalloc(cap);
	ssize_t got;
	while ((got = read(out[0], buf + len, cap - len - 1)) > 0) {
		len += (size_t)got;
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	close(out[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "mail-reply.py %s failed",
		      shape);
	free(script);
	return buf;
}

/* A sample of the round trip for people to read (as test-notify keeps its digests). */
static void keep_text(const char *name, const char *text)
{
	mkdir("/tmp/suivi-notify-samples", 0755);
	char *path = xasprintf("/tmp/suivi-notify-samples/%s", name);
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
	free(path);
}

/* suivi mail-in with message on stdin; its exit code. */
static int mail_in(struct mt *m, const char *message)
{
	struct run r = getenv("MAILIN_DEBUG") != NULL
			   ? suivi_run(m->mail_token, message, "--json", "mail-in", NULL)
			   : suivi_run(m->mail_token, message, "mail-in", NULL);
	int code = r.code;
	if (getenv("MAILIN_DEBUG") != NULL)
		fprintf(stderr, "mail-in %d: %s%s\n", code, r.out, r.err);
	if (code != 0 && code != 65 && code != 67 && code != 75)
		ck_abort_msg("suivi mail-in exited %d: %s%s", code, r.out, r.err);
	run_free(&r);
	return code;
}

static char *status_of(const char *db, int n)
{
	char *sql = xasprintf("SELECT status FROM recommendations WHERE n = %d", n);
	char *v = pg_query_value(db, sql);
	free(sql);
	return v;
}

/* Every shape of reply applies its lines; history says mail and the Message-ID; one
 * confirmation per message, in the owner's language, says what was applied and refused. */
START_TEST(replies_in_every_shape)
{
	struct mt m;
	mt_start(&m);
	static const struct {
		const char *shape;
		const char *lines;
		int n;
		const char *status;
	} cases[] = {
	    {"plain", "bamako-2019/1 en cours : le guide est en relecture\n", 1, "in_progress"},
	    {"outlook", "bamako-2019/2 in progress: started\n", 2, "in_progress"},
	    {"inline", "bamako-2019/3 en cours : lancé\n", 3, "in_progress"},
	    {"alt", "bamako-2019/4 mise en œuvre : la base est en service\n", 4, "implemented"},
	    {"html", "bamako-2019/5 bloqué : budget non voté\n", 5, "blocked"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *mid = xasprintf("<%s-%zu@owner.example.org>", cases[i].shape, i);
		char *msg = build(cases[i].shape, m.digest, "OCRTIS <ocrtis@example.org>", mid,
				  cases[i].lines);
		if (i == 0) /* one round trip kept for reading: the digest, the reply */
			keep_text("mailin-reply.eml", msg);
		ck_assert_int_eq(mail_in(&m, msg), 0);
		char *st = status_of(m.t.db, cases[i].n);
		ck_assert_msg(strcmp(st, cases[i].status) == 0, "%s: %s is %s", cases[i].shape,
			      cases[i].lines, st);
		free(st);
		char *sql = xasprintf("SELECT count(*) FROM history h JOIN recommendations r ON "
				      "r.id = h.rec_id WHERE r.n = %d AND h.source = 'mail' AND "
				      "h.actor = 'ocrtis' AND h.message_id = '%.*s'",
				      cases[i].n, (int)strlen(mid) - 2, mid + 1);
		ck_assert_int_eq(nt_sql_int(m.t.db, sql), 1);
		free(sql);
		free(msg);
		free(mid);
	}
	/* Comments, ISO-8859-1 quoted-printable and base64 UTF-8, from the cc address. */
	char *msg = build("latin1", m.digest, "deputy@example.org", "<l1@owner.example.org>",
			  "bamako-2019/1 commentaire : réunion prévue jeudi\n");
	ck_assert_int_eq(mail_in(&m, msg), 0);
	free(msg);
	msg = build("base64", m.digest, "ocrtis@example.org", "<b1@owner.example.org>",
		    "bamako-2019/2 comment: 进展顺利 — ça avance\n");
	ck_assert_int_eq(mail_in(&m, msg), 0);
	free(msg);
	ck_assert_int_eq(nt_sql_int(m.t.db, "SELECT count(*) FROM history WHERE kind = 'comment' "
					    "AND source = 'mail' AND (comment = 'réunion prévue "
					    "jeudi' OR comment = '进展顺利 — ça avance')"),
			 2);

	char *did = nt_id_of(m.t.db, "reminder:ocrtis:", "2026-11-28");
	nt_keep_sample(&m.t, did, "mailin-digest.eml");
	free(did);
	char *cid = pg_query_value(m.t.db, "SELECT confirmation_id FROM mail_inbound WHERE "
					   "message_id = 'plain-0@owner.example.org'");
	ck_assert(nt_wait_sql(m.t.db,
			      "SELECT count(*) FROM notifications n JOIN mail_inbound i ON "
			      "i.confirmation_id = n.id WHERE i.message_id = "
			      "'plain-0@owner.example.org' AND n.state = 'sent'",
			      "1", 30000));
	nt_keep_sample(&m.t, cid, "mailin-confirmation.eml");
	free(cid);
	/* The overdue report counts the replies received since the previous one. */
	ck_assert_int_eq(nt_sql_int(m.t.db,
				    "SELECT (suivi_api.suivi_report_changes("
				    "(now() AT TIME ZONE 'UTC')::date, 'UTC')->>'replies')::int"),
			 7);

	/* The secretariat sees what came by mail: suivi show and suivi history say so. */
	struct run sr = suivi_run(m.t.token, NULL, "show", "bamako-2019/5", NULL);
	ck_assert_int_eq(sr.code, 0);
	ck_assert_msg(strstr(sr.out, "ocrtis → blocked — budget non voté") != NULL, "%s", sr.out);
	run_free(&sr);
	sr = suivi_run(m.t.token, NULL, "history", "bamako-2019/5", NULL);
	ck_assert_int_eq(sr.code, 0);
	ck_assert_msg(strstr(sr.out, "ocrtis (mail)") != NULL, "%s", sr.out);
	run_free(&sr);
	/* The round trip kept above ends with the history its reply wrote. */
	sr = suivi_run(m.t.token, NULL, "history", "bamako-2019/1", NULL);
	ck_assert_int_eq(sr.code, 0);
	ck_assert_msg(strstr(sr.out, "ocrtis (mail)") != NULL, "%s", sr.out);
	keep_text("mailin-history.txt", sr.out);
	run_free(&sr);

	/* One confirmation per accepted message, to its sender, in French. */
	ck_assert(nt_wait_sql(m.t.db,
			      "SELECT count(*) FROM notifications WHERE kind = 'confirmation' AND "
			      "state = 'sent'",
			      "7", 30000));
	char *id = pg_query_value(m.t.db, "SELECT n.id FROM notifications n JOIN mail_inbound i "
					  "ON i.confirmation_id = n.id WHERE i.message_id = "
					  "'html-4@owner.example.org'");
	json_t *c = nt_parse_mail(&m.t, id);
	const char *body = json_string_value(json_object_get(c, "body"));
	ck_assert_msg(strstr(body, "Enregistré (1)") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "bamako-2019/5 — nouvel état\u00a0: bloquée") != NULL, "%s",
		      body);
	ck_assert_str_eq(nt_header(c, "To"), "OCRTIS <ocrtis@example.org>");
	json_decref(c);
	free(id);
	/* Time from process start to exit of suivi mail-in, when asked (not a test). */
	if (getenv("MAILIN_TIMING") != NULL) {
		double t[100];
		for (int k = 0; k < 100; k++) {
			char *tm = xasprintf("<timing-%d@owner.example.org>", k);
			char *tmsg = build("plain", m.digest, "ocrtis@example.org", tm,
					   "bamako-2019/1 comment: timing\n");
			double t0 = now_ms();
			ck_assert_int_eq(mail_in(&m, tmsg), 0);
			t[k] = now_ms() - t0;
			free(tmsg);
			free(tm);
		}
		for (int a = 0; a < 100; a++)
			for (int b = a + 1; b < 100; b++)
				if (t[b] < t[a]) {
					double x = t[a];
					t[a] = t[b];
					t[b] = x;
				}
		fprintf(stderr,
			"# suivi mail-in, start to exit: median %.1f ms, min %.1f, max %.1f "
			"(100 replies, each applied and confirmed)\n",
			t[50], t[0], t[99]);
	}

	mt_stop(&m);
}
END_TEST

/* Refusals: each with its exit code, nothing partly applied, the daemon healthy. */
START_TEST(refusals)
{
	struct mt m;
	mt_start(&m);
	char *before = pg_query_value(m.t.db, "SELECT string_agg(status || version, ',' ORDER BY "
					      "n) FROM recommendations");
	/* A forged From with a valid code; the right From with another owner's code. */
	char *msg = build("plain", m.digest, "mallory@attacker.example", "<f1@x>",
			  "bamako-2019/1 implemented\n");
	ck_assert_int_eq(mail_in(&m, msg), 67);
	free(msg);
	msg = build("plain", m.undp_digest, "ocrtis@example.org", "<f2@x>",
		    "bamako-2019/1 implemented\n");
	ck_assert_int_eq(mail_in(&m, msg), 67);
	free(msg);
	/* A reply address whose code was tampered with. */
	msg =
	    build("plain", m.digest, "ocrtis@example.org", "<f3@x>", "bamako-2019/1 implemented\n");
	char *to = strstr(msg, "suivi+");
	ck_assert_ptr_nonnull(to);
	char *last = strchr(to, '@') - 1; /* the MAC's last hex digit */
	*last = *last == 'a' ? 'b' : 'a';
	ck_assert_int_eq(mail_in(&m, msg), 67);
	free(msg);
	char *after = pg_query_value(m.t.db, "SELECT string_agg(status || version, ',' ORDER BY "
					     "n) FROM recommendations");
	ck_assert_str_eq(before, after);
	free(after);

	/* Lines refused one by one: an item not its own, a move the workflow refuses, a line
	 * naming no item; the good line of the same message goes through. Exit 0. */
	msg = build("plain", m.digest, "ocrtis@example.org", "<r1@x>",
		    "bamako-2019/6 implemented: not mine\n"
		    "bamako-2019/1 proposed\n"
		    "bamako-2019/99 implemented\n"
		    "merci pour le rappel\n"
		    "bamako-2019/2 en cours\n");
	ck_assert_int_eq(mail_in(&m, msg), 0);
	char *s6 = status_of(m.t.db, 6), *s1 = status_of(m.t.db, 1), *s2 = status_of(m.t.db, 2);
	ck_assert_str_eq(s6, "accepted");
	ck_assert_str_eq(s1, "accepted");
	ck_assert_str_eq(s2, "in_progress");
	free(s6);
	free(s1);
	free(s2);
	/* The confirmation lists it all. */
	ck_assert(nt_wait_sql(m.t.db,
			      "SELECT count(*) FROM notifications WHERE kind = 'confirmation' AND "
			      "state = 'sent'",
			      "1", 30000));
	char *id = pg_query_value(m.t.db, "SELECT id FROM notifications WHERE kind = "
					  "'confirmation'");
	json_t *c = nt_parse_mail(&m.t, id);
	const char *body = json_string_value(json_object_get(c, "body"));
	ck_assert_msg(strstr(body, "Non enregistré (3)") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "États possibles\u00a0: in_progress, blocked, implemented, "
				   "obsolete") != NULL,
		      "%s", body);
	ck_assert_msg(strstr(body, "Non compris (1)") != NULL, "%s", body);
	ck_assert_msg(strstr(body, "merci pour le rappel") != NULL, "%s", body);
	json_decref(c);
	free(id);

	/* The same message again (an MTA retrying): accepted, nothing applied twice. */
	ck_assert_int_eq(mail_in(&m, msg), 0);
	ck_assert_int_eq(nt_sql_int(m.t.db, "SELECT count(*) FROM history WHERE message_id = "
					    "'r1@x'"),
			 1);
	free(msg);

	/* A key rotated out longer than reply_grace ago no longer verifies. */
	ck_assert_int_eq(pg_exec(m.t.db,
				 "UPDATE mail_keys SET retired_at = now() - interval '31 days';"
				 "INSERT INTO mail_keys (key) VALUES (gen_random_bytes(32))",
				 false),
			 0);
	msg = build("plain", m.digest, "ocrtis@example.org", "<k1@x>", "bamako-2019/3 en cours\n");
	ck_assert_int_eq(mail_in(&m, msg), 67);
	free(msg);

	/* Too large, too deep, a NUL byte, invalid UTF-8: 65. */
	size_t big = 20u * 1024 * 1024;
	char *huge = xmalloc(big + 1);
	memset(huge, 'a', big);
	static const char head[] = "From: ocrtis@example.org\r\nMessage-ID: <big@x>\r\n\r\n";
	memcpy(huge, head, sizeof head - 1);
	huge[big] = '\0';
	ck_assert_int_eq(mail_in(&m, huge), 65);
	free(huge);
	char *deep = xstrdup("From: ocrtis@example.org\r\nTo: suivi@example.org\r\n"
			     "Message-ID: <deep@x>\r\nMIME-Version: 1.0\r\n");
	for (int i = 0; i < 200; i++) {
		char *next = xasprintf("%sContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
				       "--b%d\r\n",
				       deep, i, i);
		free(deep);
		deep = next;
	}
	ck_assert_int_eq(mail_in(&m, deep), 65);
	free(deep);
	static const char bad_utf8[] = "From: ocrtis@example.org\r\nMessage-ID: <u@x>\r\n"
				       "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
				       "bamako-2019/3 \xff\xfe en cours\r\n";
	ck_assert_int_eq(mail_in(&m, bad_utf8), 65);

	/* Nothing of those applied; the daemon answers. */
	char *s3 = status_of(m.t.db, 3);
	ck_assert_str_eq(s3, "accepted");
	free(s3);
	json_decref(nt_get(&m.t, "/v1/health", 200));
	/* The secretariat sees them all. */
	json_t *list = nt_get(&m.t, "/v1/mail/inbound", 200);
	ck_assert_uint_ge(json_array_size(json_object_get(list, "items")), 6);
	json_decref(list);
	/* A mail token opens nothing else. */
	struct http_response *r = http_do(suivid_port(m.t.p), "GET", "/v1/recommendations",
					  m.mail_token, NULL, NULL, NULL, 10000);
	ck_assert_int_eq(r->status, 403);
	http_response_free(r);
	free(before);
	mt_stop(&m);
}
END_TEST

static Suite *mailin_suite(void)
{
	Suite *s = suite_create("mailin");
	TCase *tc = tcase_create("replies");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, replies_in_every_shape);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	pg = pg_cluster_start();
	SRunner *sr = srunner_create(mailin_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	pg_cluster_destroy(pg);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
