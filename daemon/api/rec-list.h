/* rec-list.h — compose the statement behind GET /v1/recommendations from its filters.
 *
 * Pure: filters in (already validated), SQL text and parameters out. Every value travels as
 * a $n parameter; only fixed SQL pieces are concatenated (migrations/0002_tracking.sql
 * documents them). */
#ifndef SUIVI_REC_LIST_H
#define SUIVI_REC_LIST_H

#include <stdbool.h>
#include <stddef.h>

#define REC_LIST_MAX_STATUSES 16
#define REC_LIST_MAX_TAGS 8
#define REC_LIST_MAX_PARAMS 32

struct rec_filters {
	const char *today; /* YYYY-MM-DD in the deployment's zone */
	long limit;        /* 1..500 */
	const char *statuses[REC_LIST_MAX_STATUSES];
	size_t nstatuses;
	int open;    /* -1 not given, 0 false, 1 true */
	int overdue; /* -1 not given, 0 false, 1 true */
	const char *owner;
	const char *meeting;
	const char *tags[REC_LIST_MAX_TAGS];
	size_t ntags;
	const char *due_before;
	const char *due_after;
	const char *q;
	const char *after; /* cursor as the client sent it */
};

struct rec_query {
	char *sql;
	char *params[REC_LIST_MAX_PARAMS];
	int nparams;
	bool by_due;
};

void rec_list_build(const struct rec_filters *f, struct rec_query *out);
void rec_query_clear(struct rec_query *q);

#endif
