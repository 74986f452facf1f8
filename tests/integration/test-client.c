/* test-client.c — the real suivi binary ($SUIVI) against a real suivid and PostgreSQL:
 * every command, every exit code, --json parsed, import from stdin and files, the error
 * sentence of a refused transition, config from client.conf with its permission warning.
 *
 * One cluster and one suivid serve the whole suite (each test uses its own meeting codes
 * and owner handles); the test of exit 3 on a 5xx brings its own cluster and daemon. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "client-run.h"
#include "date.h"
#include "harness.h"
#include "util.h"

static struct pg_cluster *pg;
static struct suivid_proc *daemon_proc;
static char *url;
static char *admin_token;
static char *secretariat_token;
static char *viewer_token;
static char conf_home[64]; /* an XDG_CONFIG_HOME without client.conf, unless a test adds one */

static char *conf_for(const char *conninfo);
static void make_owner(const char *handle);
static void make_meeting(const char *code, const char *date, const char *series);
static Suite *client_suite(void);

static char *conf_for(const char *conninfo)
{
	return xasprintf(
	    "[server]\nlisten = 127.0.0.1:%%PORT%%\n"
	    "[database]\nurl = %s\ndata_dir = %%DIR%%/d\n"
	    "[schedule]\ntimezone = Europe/Brussels\nreport_to = secretariat@example.org\n"
	    "[hook]\ncommand = /bin/true\n"
	    "[log]\nlevel = warn\n",
	    conninfo);
}

/* Add owner handle and meeting code (no output checks): the setup of several tests. */
static void make_owner(const char *handle)
{
	struct run r =
	    suivi_run(secretariat_token, NULL, "owner", "add", handle, "--name",
		      "Office central pour la répression du trafic illicite des stupéfiants",
		      "--locale", "fr", "--email", "ocrtis@example.org", NULL);
	expect(&r, 0);
	run_free(&r);
}

static void make_meeting(const char *code, const char *date, const char *series)
{
	const char *argv[] = {"meeting",
			      "add",
			      code,
			      "--title",
			      "Atelier régional sur la lutte contre le trafic des stupéfiants",
			      "--date",
			      date,
			      "--place",
			      "Bamako",
			      series != NULL ? "--series" : NULL,
			      series,
			      NULL};
	struct run r = suivi_runv(secretariat_token, url, NULL, argv);
	expect(&r, 0);
	run_free(&r);
}

START_TEST(help_version_usage)
{
	static const char *const commands[] = {
	    "owner",   "meeting", "add",    "import",        "list",    "show",
	    "history", "status",  "assign", "due",           "comment", "edit",
	    "overdue", "report",  "remind", "notifications", "token",
	};
	struct run r = suivi_run(NULL, NULL, "--help", NULL);
	expect(&r, 0);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		char *line = xasprintf("\n  %s ", commands[i]);
		ck_assert_msg(strstr(r.out, line) != NULL, "%s not in --help", commands[i]);
		free(line);
		struct run h = suivi_run(NULL, NULL, commands[i], "--help", NULL);
		expect(&h, 0);
		char *usage = xasprintf("usage: suivi %s", commands[i]);
		ck_assert_msg(strncmp(h.out, usage, strlen(usage)) == 0, "%s", h.out);
		ck_assert_ptr_nonnull(strstr(h.out, "Options:"));
		free(usage);
		run_free(&h);
	}
	run_free(&r);
	r = suivi_run(NULL, NULL, "--version", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "suivi " PACKAGE_VERSION "\n");
	run_free(&r);

	/* Usage errors: exit 2, nothing sent (the URL has no server behind it). */
	static const char *const bad[][6] = {
	    {"frobnicate", NULL},
	    {"--bogus", "list", NULL},
	    {"list", "--bogus", NULL},
	    {"add", "bamako-2019", NULL},
	    {"status", "bamako-2019/1", NULL},
	    {"status", "bamako-2019/1", "blocked", "-m", NULL},
	    {"due", "bamako-2019/1", "2019-02-30", NULL},
	    {"due", "bamako-2019/1", "+3x", NULL},
	    {"add", "m", "text", "--due", "2023-02-29", NULL},
	    {"list", "--due-before", "demain", NULL},
	    {"show", "../tokens", NULL},
	    {"import", "m", "/nonexistent/minutes.txt", NULL},
	    {"report", "weekly", NULL},
	    {"report", "brief", NULL},
	    {"token", "revoke", "abc", NULL},
	    {"edit", "bamako-2019/1", NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct run b = suivi_runv("t", "http://127.0.0.1:9", NULL, bad[i]);
		ck_assert_msg(b.code == 2, "%s %s: exit %d, %s", bad[i][0], bad[i][1], b.code,
			      b.err);
		ck_assert_ptr_null(strstr(b.err, "cannot reach"));
		run_free(&b);
	}
	const char *none[] = {NULL};
	r = suivi_runv(NULL, url, NULL, none);
	expect(&r, 2);
	run_free(&r);
}
END_TEST

START_TEST(unreachable_is_3)
{
	const char *argv[] = {"list", NULL};
	struct run r = suivi_runv(admin_token, "http://127.0.0.1:9", NULL, argv);
	expect(&r, 3);
	ck_assert_ptr_nonnull(strstr(r.err, "cannot reach suivid at http://127.0.0.1:9"));
	ck_assert_int_eq(count_lines(r.err), 1);
	run_free(&r);
	r = suivi_runv(admin_token, "unix:/nonexistent/suivid.sock", NULL, argv);
	expect(&r, 3);
	run_free(&r);
	/* A bad URL is a usage error. */
	r = suivi_runv(admin_token, "ftp://127.0.0.1", NULL, argv);
	expect(&r, 2);
	run_free(&r);
}
END_TEST

START_TEST(auth_is_4)
{
	struct run r = suivi_run(NULL, NULL, "owner", "list", NULL);
	expect(&r, 4);
	ck_assert_ptr_nonnull(strstr(r.err, "no token is configured"));
	run_free(&r);
	r = suivi_run("suivi_not_a_real_token", NULL, "owner", "list", NULL);
	expect(&r, 4);
	run_free(&r);
	/* A viewer reads but does not write; tokens are for admins. */
	r = suivi_run(viewer_token, NULL, "owner", "list", NULL);
	expect(&r, 0);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "owner", "add", "viewer-made", "--name", "X", NULL);
	expect(&r, 4);
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "token", "list", NULL);
	expect(&r, 4);
	run_free(&r);
}
END_TEST

START_TEST(owners_and_meetings)
{
	make_owner("ocrtis");
	struct run r = suivi_run(secretariat_token, NULL, "owner", "add", "unodc", "--name",
				 "Office des Nations unies contre la drogue et le crime", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "owner unodc added\n");
	run_free(&r);
	/* The same handle again: refused by the server, exit 1. */
	r = suivi_run(secretariat_token, NULL, "owner", "add", "unodc", "--name", "Again", NULL);
	expect(&r, 1);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "owner", "list", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "HANDLE"));
	ck_assert_ptr_nonnull(strstr(r.out, "ocrtis"));
	ck_assert_ptr_nonnull(strstr(r.out, "répression"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "owner", "show", "ocrtis", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "locale")), "fr");
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "owner", "show", "nobody-here", NULL);
	expect(&r, 1);
	run_free(&r);

	make_meeting("bamako-2019", "2019-10-01", NULL);
	r = suivi_run(viewer_token, NULL, "meeting", "list", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "bamako-2019"));
	ck_assert_ptr_nonnull(strstr(r.out, "Atelier régional"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "meeting", "show", "bamako-2019", "--json", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "starts_on")), "2019-10-01");
	ck_assert(json_is_object(json_object_get(j, "counts")));
	json_decref(j);
	run_free(&r);
	/* --end before --date: refused before sending. */
	r = suivi_run(secretariat_token, NULL, "meeting", "add", "x-2019", "--title", "T", "--date",
		      "2019-10-03", "--end", "2019-10-01", NULL);
	expect(&r, 2);
	run_free(&r);
}
END_TEST

START_TEST(recommendation_lifecycle)
{
	make_owner("lc-ocrtis");
	make_owner("lc-unodc");
	make_meeting("lc-2019", "2019-10-01", NULL);
	struct run r = suivi_run(secretariat_token, NULL, "add", "lc-2019",
				 "Mettre en place une base de données régionale partagée",
				 "--owner", "lc-ocrtis", "--due", "+3m", "--tag", "data",
				 "--support", "lc-unodc", "--priority", "high", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "lc-2019/1\n");
	run_free(&r);

	struct date today, due;
	char want[11];
	ck_assert(date_today(NULL, &today));
	due = date_add_months(&today, 3);
	date_format(&due, want);
	r = suivi_run(viewer_token, NULL, "--json", "show", "lc-2019/1", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "due_on")), want);
	ck_assert_str_eq(json_string_value(json_object_get(j, "status")), "proposed");
	ck_assert_str_eq(json_string_value(json_object_get(j, "owner")), "lc-ocrtis");
	json_int_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	run_free(&r);
	/* By numeric id too. */
	char idtext[32];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = suivi_run(viewer_token, NULL, "show", idtext, NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "lc-2019/1"));
	ck_assert_ptr_nonnull(strstr(r.out, "base de données"));
	ck_assert_ptr_nonnull(strstr(r.out, "in 9"));
	run_free(&r);

	r = suivi_run(secretariat_token, NULL, "status", "lc-2019/1", "accepted", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "lc-2019/1 is now accepted\n");
	run_free(&r);
	/* Refused transition: exit 1, the detail and the statuses allowed from here. */
	r = suivi_run(secretariat_token, NULL, "status", "lc-2019/1", "proposed", NULL);
	expect(&r, 1);
	ck_assert_msg(
	    strncmp(r.err,
		    "suivi: cannot move lc-2019/1 from accepted to proposed: allowed: ", 65) == 0,
	    "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "in_progress"));
	ck_assert_ptr_nonnull(strstr(r.err, "implemented"));
	ck_assert_int_eq(count_lines(r.err), 1);
	run_free(&r);
	/* blocked needs a comment. */
	r = suivi_run(secretariat_token, NULL, "status", "lc-2019/1", "blocked", NULL);
	expect(&r, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "comment"));
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "status", "lc-2019/1", "blocked", "-m",
		      "En attente du financement.", NULL);
	expect(&r, 0);
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "status", "lc-2019/99", "accepted", NULL);
	expect(&r, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "lc-2019/99"));
	run_free(&r);

	r = suivi_run(secretariat_token, NULL, "assign", "lc-2019/1", "lc-unodc", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "lc-2019/1 is now led by lc-unodc\n");
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "assign", "lc-2019/1", "nobody-at-all", NULL);
	expect(&r, 1);
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "due", "lc-2019/1", "2030-06-30", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "lc-2019/1 is due 2030-06-30 (in "));
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "--json", "due", "lc-2019/1", "none", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert(json_is_null(json_object_get(j, "due_on")));
	json_decref(j);
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "comment", "lc-2019/1",
		      "Cahier des charges envoyé aux États membres.", NULL);
	expect(&r, 0);
	ck_assert_str_eq(r.out, "comment added to lc-2019/1\n");
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "edit", "lc-2019/1", "--text",
		      "Mettre en place une base de données régionale partagée sur les saisies",
		      "--priority", "normal", "--tag", "data", "--tag", "saisies", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "sur les saisies"));
	ck_assert_ptr_nonnull(strstr(r.out, "data, saisies"));
	run_free(&r);

	r = suivi_run(viewer_token, NULL, "history", "lc-2019/1", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "created"));
	ck_assert_ptr_nonnull(strstr(r.out, "transition"));
	ck_assert_ptr_nonnull(strstr(r.out, "En attente du financement."));
	ck_assert_ptr_nonnull(strstr(r.out, "secretariat-bruxelles"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "history", "lc-2019/1", "--json", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	/* created, accepted, blocked, assign, due, due none, comment, edit. */
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 8);
	json_decref(j);
	run_free(&r);
}
END_TEST

START_TEST(list_filters_and_pages)
{
	make_owner("ls-owner");
	make_meeting("ls-2020", "2020-01-10", NULL);
	char text[64];
	for (int i = 1; i <= 5; i++) {
		snprintf(text, sizeof text, "Recommandation numéro %d", i);
		struct run r = suivi_run(secretariat_token, NULL, "add", "ls-2020", text, "--owner",
					 "ls-owner", "--due", i <= 2 ? "2020-06-30" : "+1m", NULL);
		expect(&r, 0);
		run_free(&r);
	}
	struct run r = suivi_run(viewer_token, NULL, "list", "--meeting", "ls-2020", NULL);
	expect(&r, 0);
	ck_assert_int_eq(count_lines(r.out), 6);
	ck_assert_ptr_nonnull(strstr(r.out, "overdue by "));
	/* Piped: whole text, no colour. */
	ck_assert_ptr_nonnull(strstr(r.out, "Recommandation numéro 5\n"));
	ck_assert_ptr_null(strchr(r.out, '\033'));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "list", "--meeting", "ls-2020", "--overdue",
		      NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 2);
	json_decref(j);
	run_free(&r);
	/* Pages: --limit 2 of 5 says there is more. */
	r = suivi_run(viewer_token, NULL, "list", "--meeting", "ls-2020", "--limit", "2", NULL);
	expect(&r, 0);
	ck_assert_int_eq(count_lines(r.out), 3);
	ck_assert_ptr_nonnull(strstr(r.err, "more than 2"));
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "status", "ls-2020/3", "accepted", NULL);
	expect(&r, 0);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "list", "--meeting", "ls-2020", "--status",
		      "accepted", "--status", "blocked", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 1);
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "list", "--meeting", "ls-2020", "--search",
		      "numéro", "--open", "--owner", "ls-owner", "--due-after", "2021-01-01", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 3);
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "list", "--status", "no-such-status", NULL);
	expect(&r, 1);
	run_free(&r);
}
END_TEST

START_TEST(import_stdin_and_files)
{
	static const char minutes[] =
	    "Réunion EU ACT II – CADAP 7\n"
	    "Bruxelles, 11 décembre 2023\n\n"
	    "Les participants ont demandé aux projets :\n\n"
	    "– Renforcer la coopération afin de mettre en place des stratégies équilibrées\n"
	    "  et intégrées dans le domaine de la lutte contre la drogue ;\n"
	    "– Partager les bonnes pratiques sur les conséquences de la consommation ;\n"
	    "• Drogues de synthèse : cartographier les laboratoires et les routes.\n";
	make_owner("im-cadap");
	make_meeting("im-2023", "2023-12-11", NULL);

	/* Dry run from stdin: shown, nothing created. */
	struct run r = suivi_run(secretariat_token, minutes, "import", "im-2023", "-", "--owner",
				 "im-cadap", "--due", "2024-06-30", "--dry-run", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: 3 recommendations would be added"));
	ck_assert_ptr_nonnull(strstr(r.out, "stratégies équilibrées et intégrées"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "list", "--meeting", "im-2023", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);
	run_free(&r);

	r = suivi_run(secretariat_token, minutes, "--json", "import", "im-2023", "-", "--owner",
		      "im-cadap", "--due", "2024-06-30", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 3);
	json_decref(j);
	run_free(&r);

	/* JSON on stdin is recognised by its '['; CSV and JSON files by their extension. */
	r = suivi_run(secretariat_token, "[{\"text\":\"Former les services répressifs\"}]",
		      "import", "im-2023", "-", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "1 recommendation added to im-2023"));
	run_free(&r);
	char dir[] = "/tmp/suivi-import-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *csv = xasprintf("%s/recs.csv", dir);
	FILE *f = fopen(csv, "w");
	fputs("text,owner,due_on,priority\n"
	      "\"Cartographier les routes, les laboratoires\",im-cadap,2024-12-31,high\n"
	      "Échanger les connaissances,,,\n",
	      f);
	fclose(f);
	r = suivi_run(secretariat_token, NULL, "import", "im-2023", csv, NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "2 recommendations added"));
	run_free(&r);
	/* All or nothing: a bad row creates nothing and is refused (exit 1). */
	f = fopen(csv, "w");
	fputs("text,due_on\nBonne ligne,2024-01-01\nMauvaise ligne,2019-02-30\n", f);
	fclose(f);
	r = suivi_run(secretariat_token, NULL, "import", "im-2023", csv, NULL);
	expect(&r, 1);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "list", "--meeting", "im-2023", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "items")), 6);
	json_decref(j);
	run_free(&r);
	/* --format overrides the extension. */
	r = suivi_run(secretariat_token, "- Un point\n", "import", "im-2023", "-", "--format",
		      "csv", "--dry-run", NULL);
	expect(&r, 1);
	run_free(&r);
	unlink(csv);
	rmdir(dir);
	free(csv);
}
END_TEST

START_TEST(reports_and_overdue)
{
	make_owner("rp-owner");
	make_meeting("rp-2023", "2023-12-11", "rp-series");
	make_meeting("rp-2024", "2024-12-05", "rp-series");
	struct run r =
	    suivi_run(secretariat_token, NULL, "add", "rp-2023", "Cartographier les laboratoires",
		      "--owner", "rp-owner", "--due", "2024-03-31", NULL);
	expect(&r, 0);
	run_free(&r);

	r = suivi_run(viewer_token, NULL, "overdue", "--owner", "rp-owner", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "rp-2023/1"));
	ck_assert_ptr_nonnull(strstr(r.out, "1 overdue item as of "));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "overdue", "--as-of", "2024-04-10", "--owner",
		      "rp-owner", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert_str_eq(json_string_value(json_object_get(j, "as_of")), "2024-04-10");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), 1);
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "report", "overdue", "--owner", "rp-owner", "--format",
		      "csv", NULL);
	expect(&r, 0);
	ck_assert(strncmp(r.out, "owner,owner_name,meeting,ref,status,due_on,days_overdue,text",
			  59) == 0);
	ck_assert_ptr_nonnull(strstr(r.out, "rp-2023/1"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "report", "overdue", "--owner", "rp-owner", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "rp-2023/1"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "report", "summary", "--format", "json", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert(json_is_object(json_object_get(j, "by_status")));
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "report", "summary", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "rp-2023"));
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "--json", "report", "brief", "--meeting", "rp-2024",
		      NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "open")), 1);
	json_decref(j);
	run_free(&r);
	r = suivi_run(viewer_token, NULL, "report", "brief", "--meeting", "rp-2024", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Cartographier les laboratoires"));
	run_free(&r);
}
END_TEST

START_TEST(remind_and_notifications)
{
	struct run r = suivi_run(secretariat_token, NULL, "--json", "remind", "--dry-run",
				 "--as-of", "2030-01-01", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	ck_assert(json_is_true(json_object_get(j, "dry_run")));
	ck_assert(json_is_array(json_object_get(j, "notifications")));
	json_decref(j);
	run_free(&r);
	r = suivi_run(secretariat_token, NULL, "remind", "--dry-run", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: "));
	run_free(&r);
	r = suivi_run(admin_token, NULL, "--json", "notifications", "--state", "failed", NULL);
	expect(&r, 0);
	j = parse_json(&r);
	ck_assert(json_is_array(json_object_get(j, "items")));
	json_decref(j);
	run_free(&r);
	r = suivi_run(admin_token, NULL, "notifications", "retry", "987654", NULL);
	expect(&r, 1);
	run_free(&r);
}
END_TEST

START_TEST(tokens)
{
	struct run r =
	    suivi_run(admin_token, NULL, "token", "create", "tk-viewer", "--role", "viewer", NULL);
	expect(&r, 0);
	/* The token alone on the last line. */
	char *last = strrchr(r.out, '\n');
	ck_assert_ptr_nonnull(last);
	*last = '\0';
	char *line = strrchr(r.out, '\n');
	char *token = xstrdup(line != NULL ? line + 1 : r.out);
	ck_assert_uint_gt(strlen(token), 16);
	ck_assert_ptr_null(strchr(token, ' '));
	run_free(&r);
	r = suivi_run(token, NULL, "meeting", "list", NULL);
	expect(&r, 0);
	run_free(&r);
	r = suivi_run(admin_token, NULL, "--json", "token", "list", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	json_int_t id = 0;
	size_t i;
	json_t *t;
	json_array_foreach (json_object_get(j, "items"), i, t) {
		if (strcmp(json_string_value(json_object_get(t, "name")), "tk-viewer") == 0)
			id = json_integer_value(json_object_get(t, "id"));
	}
	ck_assert_int_gt(id, 0);
	json_decref(j);
	run_free(&r);
	char idtext[32];
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	r = suivi_run(admin_token, NULL, "token", "revoke", idtext, NULL);
	expect(&r, 0);
	run_free(&r);
	r = suivi_run(token, NULL, "meeting", "list", NULL);
	expect(&r, 4);
	run_free(&r);
	/* An owner token needs its owner. */
	r = suivi_run(admin_token, NULL, "token", "create", "tk-owner", "--role", "owner", NULL);
	expect(&r, 1);
	run_free(&r);
	free(token);
}
END_TEST

START_TEST(config_file)
{
	char *dir = xasprintf("%s/suivi", conf_home);
	char *path = xasprintf("%s/client.conf", dir);
	mkdir(dir, 0700);
	FILE *f = fopen(path, "w");
	fprintf(f, "# written by test-client\nurl = %s\ntoken = %s\n", url, viewer_token);
	fclose(f);
	chmod(path, 0644);
	const char *argv[] = {"meeting", "list", NULL};
	struct run r = suivi_runv(NULL, NULL, NULL, argv);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.err, "readable by others"));
	run_free(&r);
	chmod(path, 0600);
	r = suivi_runv(NULL, NULL, NULL, argv);
	expect(&r, 0);
	ck_assert_str_eq(r.err, "");
	run_free(&r);
	/* The environment comes before the file. */
	r = suivi_runv("suivi_wrong", NULL, NULL, argv);
	expect(&r, 4);
	run_free(&r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(server_failure_is_3)
{
	struct pg_cluster *own = pg_cluster_start();
	char *conf = conf_for(pg_cluster_new_database(own));
	struct suivid_proc *p = suivid_start(conf, NULL, true);
	char *token = suivid_make_token(p, "failure", "admin", NULL);
	char *own_url = xasprintf("http://127.0.0.1:%d", suivid_port(p));
	const char *argv[] = {"owner", "list", NULL};
	struct run r = suivi_runv(token, own_url, NULL, argv);
	expect(&r, 0);
	run_free(&r);
	pg_cluster_stop(own);
	r = suivi_runv(token, own_url, NULL, argv);
	expect(&r, 3);
	run_free(&r);
	suivid_stop(p);
	pg_cluster_destroy(own);
	free(own_url);
	free(token);
	free(conf);
}
END_TEST

static Suite *client_suite(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("client");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, help_version_usage);
	tcase_add_test(tc, unreachable_is_3);
	tcase_add_test(tc, auth_is_4);
	tcase_add_test(tc, owners_and_meetings);
	tcase_add_test(tc, recommendation_lifecycle);
	tcase_add_test(tc, list_filters_and_pages);
	tcase_add_test(tc, import_stdin_and_files);
	tcase_add_test(tc, reports_and_overdue);
	tcase_add_test(tc, remind_and_notifications);
	tcase_add_test(tc, tokens);
	tcase_add_test(tc, config_file);
	tcase_add_test(tc, server_failure_is_3);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	snprintf(conf_home, sizeof conf_home, "/tmp/suivi-client-it-XXXXXX");
	if (mkdtemp(conf_home) == NULL)
		return EXIT_FAILURE;
	pg = pg_cluster_start();
	char *conf = conf_for(pg_cluster_new_database(pg));
	daemon_proc = suivid_start(conf, NULL, true);
	free(conf);
	url = xasprintf("http://127.0.0.1:%d", suivid_port(daemon_proc));
	client_run_init(url, conf_home);
	admin_token = suivid_make_token(daemon_proc, "it-admin", "admin", NULL);
	secretariat_token =
	    suivid_make_token(daemon_proc, "secretariat-bruxelles", "secretariat", NULL);
	viewer_token = suivid_make_token(daemon_proc, "it-viewer", "viewer", NULL);

	SRunner *sr = srunner_create(client_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	suivid_stop(daemon_proc);
	pg_cluster_destroy(pg);
	char *rm = xasprintf("rm -rf '%s'", conf_home);
	(void)!system(rm);
	free(rm);
	free(url);
	free(admin_token);
	free(secretariat_token);
	free(viewer_token);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
