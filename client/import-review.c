/* import-review.c — candidates picked, written for an editor and read back (rules in
 * import-review.h). */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "import-review.h"
#include "reldate.h"
#include "util.h"

#define SOURCE_SHOWN 300

static const json_t *cand_by_n(const json_t *cands, long n);
static bool annotation(char *line, const struct date *today, json_t *item, int lineno,
		       char **cause);
static char *provenance(const json_t *cand, const char *file);

bool review_pick_parse(const char *spec, size_t max, bool *sel, char **cause)
{
	memset(sel, 0, (max + 1) * sizeof *sel);
	const char *p = spec;
	for (;;) {
		char *end;
		if (*p < '0' || *p > '9')
			goto bad;
		unsigned long a = strtoul(p, &end, 10), b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (a < 1 || b < a || b > max) {
			set_cause(cause, "--pick %s: %lu%s%.0lu is not among the %zu candidates",
				  spec, a, b != a ? "-" : "", b != a ? b : 0, max);
			return false;
		}
		for (unsigned long i = a; i <= b; i++)
			sel[i] = true;
		if (*p == '\0')
			return true;
		if (*p++ != ',')
			goto bad;
	}
bad:
	set_cause(cause, "--pick %s: expected numbers and ranges such as 1-5,8", spec);
	return false;
}

char *review_text(const json_t *cands, const char *file, const char *meeting)
{
	size_t i;
	json_t *c;
	char *out = xasprintf(
	    "# suivi import: %zu candidate%s from %s for %s.\n"
	    "# One recommendation a line. Delete a line to drop it, edit its text, add a line\n"
	    "# for a new one; end a line with @owner or due:+3m (due:YYYY-MM-DD) to set them.\n"
	    "# Lines starting with # are ignored. Save and quit to import what is left, all or\n"
	    "# nothing; leave no line to import nothing.\n",
	    json_array_size(cands), json_array_size(cands) == 1 ? "" : "s", file, meeting);

	json_array_foreach (cands, i, c) {
		const char *src = json_string_value(json_object_get(c, "source"));
		const char *text = json_string_value(json_object_get(c, "text"));
		bool list = json_is_true(json_object_get(c, "list"));
		char *old = out;
		if (list || src == NULL || strcmp(src, text) == 0)
			out = xasprintf("%s\n# %lld: %lld%%, %s %lld, list item\n%lld) %s\n", old,
					json_integer_value(json_object_get(c, "n")),
					json_integer_value(json_object_get(c, "confidence")),
					json_string_value(json_object_get(c, "unit")),
					json_integer_value(json_object_get(c, "line")),
					json_integer_value(json_object_get(c, "n")), text);
		else
			out = xasprintf("%s\n# %lld: %lld%%, %s %lld: %.*s%s\n%lld) %s\n", old,
					json_integer_value(json_object_get(c, "n")),
					json_integer_value(json_object_get(c, "confidence")),
					json_string_value(json_object_get(c, "unit")),
					json_integer_value(json_object_get(c, "line")),
					(int)strnlen(src, SOURCE_SHOWN), src,
					strlen(src) > SOURCE_SHOWN ? "…" : "",
					json_integer_value(json_object_get(c, "n")), text);
		free(old);
	}
	return out;
}

bool review_parse(const char *text, const json_t *cands, const char *file, const struct date *today,
		  json_t **items, char **cause)
{
	char *copy = xstrdup(text);
	int lineno = 0;
	json_t *out = json_array();
	bool ok = true;

	/* Line by line by hand: line numbers in messages count blank lines too. */
	for (char *p = copy; ok && p != NULL;) {
		char *line = p;
		char *nl = strchr(p, '\n');
		p = nl != NULL ? nl + 1 : NULL;
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		json_t *item = json_object();
		ok = annotation(s, today, item, lineno, cause);
		/* "N) text": a candidate kept, with its provenance. */
		char *end;
		const json_t *cand = NULL;
		if (ok && *s >= '0' && *s <= '9') {
			long n = strtol(s, &end, 10);
			if (*end == ')') {
				cand = cand_by_n(cands, n);
				if (cand == NULL) {
					set_cause(cause, "line %d: there is no candidate %ld",
						  lineno, n);
					ok = false;
				}
				s = end + 1 + strspn(end + 1, " \t");
			}
		}
		if (ok && *s == '\0') {
			set_cause(cause, "line %d: the recommendation's text is empty", lineno);
			ok = false;
		}
		if (ok) {
			json_object_set_new(item, "text", json_string(s));
			if (cand != NULL) {
				char *d = provenance(cand, file);
				json_object_set_new(item, "details", json_string(d));
				free(d);
			}
			json_array_append(out, item);
		}
		json_decref(item);
	}
	free(copy);
	if (!ok) {
		json_decref(out);
		return false;
	}
	*items = out;
	return true;
}

json_t *review_item(const json_t *cand, const char *file)
{
	json_t *item = json_object();
	char *d = provenance(cand, file);
	json_object_set_new(item, "text",
			    json_string(json_string_value(json_object_get(cand, "text"))));
	json_object_set_new(item, "details", json_string(d));
	free(d);
	return item;
}

/* "From minutes.docx, line 12: “…”" — where a recommendation came from. */
static char *provenance(const json_t *cand, const char *file)
{
	const char *src = json_string_value(json_object_get(cand, "source"));
	const char *text = json_string_value(json_object_get(cand, "text"));
	const char *unit = json_string_value(json_object_get(cand, "unit"));
	long long line = json_integer_value(json_object_get(cand, "line"));
	if (src == NULL || text == NULL || strcmp(src, text) == 0)
		return xasprintf("From %s, %s %lld.", file, unit != NULL ? unit : "line", line);
	return xasprintf("From %s, %s %lld: \xe2\x80\x9c%s\xe2\x80\x9d", file,
			 unit != NULL ? unit : "line", line, src);
}

static const json_t *cand_by_n(const json_t *cands, long n)
{
	size_t i;
	json_t *c;
	json_array_foreach (cands, i, c) {
		if (json_integer_value(json_object_get(c, "n")) == n)
			return c;
	}
	return NULL;
}

/* Take "@handle" and "due:DATE" words off the end of line into item. */
static bool annotation(char *line, const struct date *today, json_t *item, int lineno, char **cause)
{
	for (;;) {
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		char *w = line + len;
		while (w > line && w[-1] != ' ' && w[-1] != '\t')
			w--;
		if (w == line)
			return true; /* the text itself, not an annotation */
		if (w[0] == '@' && w[1] != '\0') {
			json_object_set_new(item, "owner", json_string(w + 1));
		} else if (strncmp(w, "due:", 4) == 0) {
			struct date d;
			if (!reldate_parse(w + 4, today, &d)) {
				set_cause(cause,
					  "line %d: %s is not a date (YYYY-MM-DD, +3d, +2w, +3m, "
					  "today, tomorrow)",
					  lineno, w + 4);
				return false;
			}
			char buf[11];
			date_format(&d, buf);
			json_object_set_new(item, "due_on", json_string(buf));
		} else {
			return true;
		}
		*w = '\0';
	}
}
