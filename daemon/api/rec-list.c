/* rec-list.c — compose the recommendation list statement from fixed pieces and parameters. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/rec-list.h"
#include "util.h"

struct sqlbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sqlbuf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
static int param(struct rec_query *q, const char *value);
static char *array_literal(const char *const *v, size_t n);

static void sb_add(struct sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *piece;

	va_start(ap, fmt);
	piece = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(piece);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, piece, n + 1);
	b->len += n;
	free(piece);
}

/* Add a parameter; returns its $ number. */
static int param(struct rec_query *q, const char *value)
{
	q->params[q->nparams] = xstrdup(value);
	return ++q->nparams;
}

/* A PostgreSQL array literal with every element quoted, so no value can change its shape. */
static char *array_literal(const char *const *v, size_t n)
{
	struct sqlbuf b = {0};

	sb_add(&b, "{");
	for (size_t i = 0; i < n; i++) {
		sb_add(&b, "%s\"", i > 0 ? "," : "");
		for (const char *p = v[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				sb_add(&b, "\\%c", *p);
			else
				sb_add(&b, "%c", *p);
		}
		sb_add(&b, "\"");
	}
	sb_add(&b, "}");
	return b.s;
}

void rec_list_build(const struct rec_filters *f, struct rec_query *q)
{
	struct sqlbuf where = {0};
	char limit[24];
	int n;

	memset(q, 0, sizeof *q);
	param(q, f->today);
	snprintf(limit, sizeof limit, "%ld", f->limit);
	param(q, limit);
	q->by_due = f->overdue == 1 || f->due_before != NULL || f->due_after != NULL;

	sb_add(&where, "TRUE");
	/* One status is an equality, so that (status, id) indexes give the order by id (a
	 * page after a cursor reads 51 matching index entries, not every id after it): the
	 * planner cannot tell that ANY of a one-element array is one value. */
	if (f->nstatuses == 1) {
		n = param(q, f->statuses[0]);
		sb_add(&where, " AND r.status = $%d", n);
	} else if (f->nstatuses > 1) {
		char *lit = array_literal(f->statuses, f->nstatuses);
		n = param(q, lit);
		free(lit);
		sb_add(&where, " AND r.status = ANY($%d::text[])", n);
	}
	if (f->open == 1)
		sb_add(&where, " AND r.is_open");
	else if (f->open == 0)
		sb_add(&where, " AND NOT r.is_open");
	if (f->overdue == 1)
		sb_add(&where, " AND r.is_open AND r.due_on < $1::date");
	else if (f->overdue == 0)
		sb_add(&where, " AND (NOT r.is_open OR r.due_on IS NULL OR r.due_on >= $1::date)");
	if (f->owner != NULL) {
		n = param(q, f->owner);
		sb_add(&where, " AND r.owner_id = (SELECT o.id FROM owners o WHERE o.handle = $%d)",
		       n);
	}
	if (f->meeting != NULL) {
		n = param(q, f->meeting);
		sb_add(&where,
		       " AND r.meeting_id = (SELECT m.id FROM meetings m WHERE m.code = $%d)", n);
	}
	for (size_t i = 0; i < f->ntags; i++) {
		n = param(q, f->tags[i]);
		sb_add(&where, " AND r.tags @> ARRAY[$%d::text]", n);
	}
	if (f->due_before != NULL) {
		n = param(q, f->due_before);
		sb_add(&where, " AND r.due_on < $%d::date", n);
	}
	if (f->due_after != NULL) {
		n = param(q, f->due_after);
		sb_add(&where, " AND r.due_on > $%d::date", n);
	}
	if (f->q != NULL) {
		n = param(q, f->q);
		sb_add(&where,
		       " AND suivi_fold(r.text || ' ' || r.details) LIKE suivi_like_pattern($%d)",
		       n);
	}
	if (f->after != NULL) {
		n = param(q, f->after);
		if (q->by_due)
			sb_add(&where,
			       " AND (r.due_on, r.id) > (suivi_cursor_due($%d), "
			       "suivi_cursor_due_id($%d))",
			       n, n);
		else
			sb_add(&where, " AND r.id > suivi_cursor_id($%d)", n);
	}

	const char *order = q->by_due ? "r.due_on, r.id" : "r.id";
	q->sql =
	    xasprintf("SELECT suivi_rec_page(ARRAY(SELECT r.id FROM recommendations r WHERE %s "
		      "ORDER BY %s LIMIT $2::int + 1), $2::int, $1::date, %s)::text",
		      where.s, order, q->by_due ? "true" : "false");
	free(where.s);
}

void rec_query_clear(struct rec_query *q)
{
	for (int i = 0; i < q->nparams; i++)
		free(q->params[i]);
	free(q->sql);
	memset(q, 0, sizeof *q);
}
