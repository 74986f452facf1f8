/* bench-sql.c — print the SQL suivid sends, for tests/bench/run.sh's pgbench scripts.
 *
 * The benchmark compares suivid with pgbench running the very statements suivid runs. Copying
 * them into the scripts by hand would let the two drift apart; this helper prints them from
 * the daemon's own statement tables and from rec-list.c's composer, so that the pgbench side
 * follows any change to the daemon.
 *
 *   bench-sql stmt NAME           the SQL of the prepared statement NAME, on one line
 *   bench-sql list KEY=VALUE...   the list statement for these query parameters (status, open,
 *                                 overdue, owner, meeting, tag, due_before, due_after, q,
 *                                 after, limit, today) on the first line, then one line per
 *                                 parameter: its number, a tab, its value
 *
 * Exit status: 0, or 2 for a usage error or an unknown statement. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api-import.h"
#include "api/api-notifications.h"
#include "api/api-recommendations.h"
#include "api/api-reports.h"
#include "http/auth.h"
#include "api/rec-list.h"
#include "notify/remind.h"

static int print_stmt(const char *name);
static int print_list(int argc, char **argv);
static int set_filter(struct rec_filters *f, const char *key, const char *value);

static const struct db_stmt *const tables[] = {
    auth_stmts,
    api_recommendations_stmts,
    api_import_stmts,
    api_reports_stmts,
    api_notifications_stmts,
    remind_stmts,
    NULL,
};

static int print_stmt(const char *name)
{
	for (size_t t = 0; tables[t] != NULL; t++) {
		for (const struct db_stmt *s = tables[t]; s->name != NULL; s++) {
			if (strcmp(s->name, name) == 0) {
				printf("%s\n", s->sql);
				return 0;
			}
		}
	}
	fprintf(stderr, "bench-sql: no statement '%s'\n", name);
	return 2;
}

/* One query parameter into the filters, as api-recommendations.c's recs_list reads it. */
static int set_filter(struct rec_filters *f, const char *key, const char *value)
{
	if (strcmp(key, "status") == 0 && f->nstatuses < REC_LIST_MAX_STATUSES)
		f->statuses[f->nstatuses++] = value;
	else if (strcmp(key, "tag") == 0 && f->ntags < REC_LIST_MAX_TAGS)
		f->tags[f->ntags++] = value;
	else if (strcmp(key, "open") == 0)
		f->open = strcmp(value, "true") == 0;
	else if (strcmp(key, "overdue") == 0)
		f->overdue = strcmp(value, "true") == 0;
	else if (strcmp(key, "owner") == 0)
		f->owner = value;
	else if (strcmp(key, "meeting") == 0)
		f->meeting = value;
	else if (strcmp(key, "due_before") == 0)
		f->due_before = value;
	else if (strcmp(key, "due_after") == 0)
		f->due_after = value;
	else if (strcmp(key, "q") == 0)
		f->q = value;
	else if (strcmp(key, "after") == 0)
		f->after = value;
	else if (strcmp(key, "limit") == 0)
		f->limit = strtol(value, NULL, 10);
	else if (strcmp(key, "today") == 0)
		f->today = value;
	else
		return -1;
	return 0;
}

static int print_list(int argc, char **argv)
{
	struct rec_filters f = {.limit = 50, .open = -1, .overdue = -1, .today = "2000-01-01"};
	struct rec_query q;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (eq == NULL) {
			fprintf(stderr, "bench-sql: '%s' is not KEY=VALUE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		if (set_filter(&f, argv[i], eq + 1) == -1) {
			fprintf(stderr, "bench-sql: unknown list parameter '%s'\n", argv[i]);
			return 2;
		}
	}
	rec_list_build(&f, &q);
	printf("%s\n", q.sql);
	for (int i = 0; i < q.nparams; i++)
		printf("%d\t%s\n", i + 1, q.params[i]);
	rec_query_clear(&q);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "stmt") == 0)
		return print_stmt(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return print_list(argc - 2, argv + 2);
	fprintf(stderr, "usage: bench-sql stmt NAME | bench-sql list KEY=VALUE...\n");
	return 2;
}
