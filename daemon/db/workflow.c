/* workflow.c — parse, hold and refresh the database's domain values. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/log.h"
#include "db/workflow.h"

struct workflow {
	char *doc;             /* the text it was parsed from, to skip equal refreshes */
	json_t *limits;        /* {"text":4000, …} */
	const char **statuses; /* NULL-terminated, borrowed from root */
	const char **open;
	const char **closed;
	const char **priorities;
	struct workflow_word *words;
	size_t n_words;
	json_t *root;
};

const struct db_stmt workflow_stmts[] = {
    {"workflow_get", "SELECT suivi_workflow()::text"},
    {NULL, NULL},
};

static struct workflow *current;
static struct event *refresh_timer;

static const char **names_of(const json_t *array, int open_filter, char **cause);
static void refresh_done(PGresult *res, const struct db_error *err, void *arg);
static void refresh_tick(evutil_socket_t fd, short what, void *arg);

/* The "name" of each object of array whose "open" matches open_filter (-1: every one). */
static const char **names_of(const json_t *array, int open_filter, char **cause)
{
	size_t i, n = 0;
	json_t *e;
	const char **out = xcalloc(json_array_size(array) + 1, sizeof *out);

	json_array_foreach (array, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		if (name == NULL || name[0] == '\0') {
			set_cause(cause, "workflow: an entry has no name");
			free(out);
			return NULL;
		}
		if (open_filter >= 0 && json_is_true(json_object_get(e, "open")) != open_filter)
			continue;
		out[n++] = name;
	}
	return out;
}

struct workflow *workflow_parse(const char *json, char **cause)
{
	json_error_t jerr;
	struct workflow *w = xcalloc(1, sizeof *w);

	w->root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *statuses = json_object_get(w->root, "statuses");
	const json_t *priorities = json_object_get(w->root, "priorities");
	w->limits = json_object_get(w->root, "limits");
	if (!json_is_array(statuses) || json_array_size(statuses) == 0 ||
	    !json_is_array(priorities) || json_array_size(priorities) == 0 ||
	    !json_is_object(w->limits)) {
		set_cause(cause, "workflow: not a document of suivi_workflow()");
		workflow_free(w);
		return NULL;
	}
	w->statuses = names_of(statuses, -1, cause);
	w->open = w->statuses != NULL ? names_of(statuses, 1, cause) : NULL;
	w->closed = w->open != NULL ? names_of(statuses, 0, cause) : NULL;
	w->priorities = w->closed != NULL ? names_of(priorities, -1, cause) : NULL;
	if (w->priorities == NULL) {
		workflow_free(w);
		return NULL;
	}
	/* Names and labels, borrowed from root. */
	size_t i;
	json_t *e;
	w->words = xcalloc(3 * json_array_size(statuses) + 1, sizeof *w->words);
	json_array_foreach (statuses, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const json_t *labels = json_object_get(e, "labels");
		w->words[w->n_words++] = (struct workflow_word){name, name};
		for (const char *const *l = (const char *const[]){"en", "fr", NULL}; *l != NULL;
		     l++) {
			const char *label = json_string_value(json_object_get(labels, *l));
			if (label != NULL && label[0] != '\0')
				w->words[w->n_words++] = (struct workflow_word){name, label};
		}
	}
	w->doc = xstrdup(json);
	return w;
}

void workflow_free(struct workflow *w)
{
	if (w == NULL)
		return;
	free(w->statuses);
	free(w->open);
	free(w->closed);
	free(w->priorities);
	free(w->words);
	json_decref(w->root);
	free(w->doc);
	free(w);
}

const struct workflow *workflow_current(void)
{
	return current;
}

int workflow_update(const char *doc, char **cause)
{
	if (current != NULL && strcmp(current->doc, doc) == 0)
		return 0;
	struct workflow *w = workflow_parse(doc, cause);
	if (w == NULL)
		return -1;
	bool first = current == NULL;
	workflow_free(current);
	current = w;
	log_info("event=workflow_%s statuses=%zu priorities=%zu", first ? "loaded" : "changed",
		 json_array_size(json_object_get(w->root, "statuses")),
		 json_array_size(json_object_get(w->root, "priorities")));
	return 0;
}

int workflow_load_blocking(PGconn *conn, char **cause)
{
	PGresult *res = PQexec(conn, "SELECT suivi_workflow()::text");
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		char *msg = xstrdup(PQerrorMessage(conn));
		str_trim(msg);
		set_cause(cause, "cannot read the workflow (suivi_workflow()): %s", msg);
		free(msg);
	} else {
		rc = workflow_update(PQgetvalue(res, 0, 0), cause);
	}
	PQclear(res);
	return rc;
}

static void refresh_done(PGresult *res, const struct db_error *err, void *arg)
{
	char *cause = NULL;

	if (res == NULL || PQntuples(res) != 1) {
		log_debug("event=workflow_refresh_failed cause=%s",
			  log_quote(err != NULL && err->message != NULL ? err->message : "no row"));
		return;
	}
	if (workflow_update(PQgetvalue(res, 0, 0), &cause) != 0) {
		log_warnx("event=workflow_refresh_failed cause=%s", log_quote(cause));
		free(cause);
	}
}

void workflow_refresh(struct db_pool *pool)
{
	if (db_exec(pool, "workflow_get", 0, NULL, refresh_done, NULL) != 0)
		log_warnx("event=workflow_refresh_failed cause=\"statement workflow_get unknown\"");
}

static void refresh_tick(evutil_socket_t fd, short what, void *arg)
{
	workflow_refresh(arg);
}

void workflow_watch(struct event_base *base, struct db_pool *pool)
{
	struct timeval tv = {WORKFLOW_REFRESH_S, 0};

	workflow_unwatch();
	refresh_timer = event_new(base, -1, EV_PERSIST, refresh_tick, pool);
	if (refresh_timer == NULL)
		fatalx("event=out_of_memory where=workflow");
	evtimer_add(refresh_timer, &tv);
}

void workflow_unwatch(void)
{
	if (refresh_timer != NULL)
		event_free(refresh_timer);
	refresh_timer = NULL;
}

void workflow_clear(void)
{
	workflow_free(current);
	current = NULL;
}

const char *const *workflow_statuses(const struct workflow *w, enum workflow_statuses which)
{
	if (w == NULL)
		return NULL;
	switch (which) {
	case WORKFLOW_OPEN:
		return w->open;
	case WORKFLOW_CLOSED:
		return w->closed;
	case WORKFLOW_ALL:
		break;
	}
	return w->statuses;
}

const struct workflow_word *workflow_words(const struct workflow *w, size_t *n)
{
	*n = w != NULL ? w->n_words : 0;
	return w != NULL ? w->words : NULL;
}

const char *const *workflow_priorities(const struct workflow *w)
{
	return w != NULL ? w->priorities : NULL;
}

long workflow_limit(const struct workflow *w, const char *name, long fallback)
{
	const json_t *v = w != NULL ? json_object_get(w->limits, name) : NULL;
	return json_is_integer(v) ? (long)json_integer_value(v) : fallback;
}
