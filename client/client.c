/* client.c — helpers shared by the commands. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "reldate.h"
#include "table.h"

static int terminal_width(void);

/* Columns of the terminal on stdout; 0 when stdout is not one (output kept whole). */
static int terminal_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	const char *cols = getenv("COLUMNS");
	if (cols != NULL && cols[0] != '\0') {
		char *end;
		long n = strtol(cols, &end, 10);
		if (*end == '\0' && n > 0 && n < 10000)
			return (int)n;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

int client_open(struct client *c, const char *flag_url, const char *flag_token,
		struct client_config *cfg)
{
	char *cause = NULL;

	if (client_config_load(flag_url, flag_token, c->err, cfg, &cause) < 0) {
		client_fail(c, EXIT_USAGE, "%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (conn_url_parse(cfg->url, &c->url, &cause) < 0) {
		client_fail(c, EXIT_USAGE, "%s", cause);
		free(cause);
		client_config_free(cfg);
		return EXIT_USAGE;
	}
	c->url_text = cfg->url;
	c->token = cfg->token;
	const char *no_colour = getenv("NO_COLOR");
	c->colour = isatty(STDOUT_FILENO) && (no_colour == NULL || no_colour[0] == '\0');
	c->width = terminal_width();
	if (!date_today(NULL, &c->today)) {
		client_fail(c, EXIT_USAGE, "cannot tell today's date");
		client_close(c, cfg);
		return EXIT_USAGE;
	}
	return EXIT_DONE;
}

void client_close(struct client *c, struct client_config *cfg)
{
	conn_url_free(&c->url);
	client_config_free(cfg);
	json_decref(c->workflow);
	c->workflow = NULL;
}

int client_fail(struct client *c, int code, const char *fmt, ...)
{
	va_list ap;

	fputs("suivi: ", c->err);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	return code;
}

bool client_date(struct client *c, const char *what, const char *s, bool allow_none, char *buf)
{
	struct date d;

	if (allow_none && strcmp(s, "none") == 0) {
		buf[0] = '\0';
		return true;
	}
	if (!reldate_parse(s, &c->today, &d)) {
		client_fail(c, EXIT_USAGE,
			    "%s: \"%s\" is not a date (YYYY-MM-DD, today, tomorrow, +Nd, +Nw, "
			    "+Nm%s)",
			    what, s, allow_none ? " or none" : "");
		return false;
	}
	date_format(&d, buf);
	return true;
}

char *client_escape(const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = xmalloc(strlen(s) * 3 + 1);
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
		    (keep_slash && *p == '/')) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
	return out;
}

bool client_ref_valid(struct client *c, const char *ref)
{
	for (const char *p = ref;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			client_fail(c, EXIT_USAGE,
				    "\"%s\" is not a recommendation (a ref such as bamako-2019/3 "
				    "or a numeric id)",
				    ref);
			return false;
		}
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

char *client_rec_path(struct client *c, const char *ref, const char *suffix)
{
	if (!client_ref_valid(c, ref))
		return NULL;
	char *esc = client_escape(ref, true);
	char *path = xasprintf("/v1/recommendations/%s%s", esc, suffix);
	free(esc);
	return path;
}

void client_query_add(char **query, const char *key, const char *value)
{
	char *v = client_escape(value, false);
	char *q = xasprintf("%s%s%s=%s", *query != NULL ? *query : "",
			    *query != NULL && (*query)[0] != '\0' ? "&" : "?", key, v);
	free(v);
	free(*query);
	*query = q;
}

void client_print_json(struct client *c, const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);
	if (s != NULL) {
		fputs(s, c->out);
		fputc('\n', c->out);
		free(s);
	}
}

void client_kv(struct client *c, const char *label, const char *value)
{
	char *clean = table_clean(value != NULL && value[0] != '\0' ? value : "-", true);
	int pad = 13 - table_width(label);

	fprintf(c->out, "%s:", label);
	for (; pad > 0; pad--)
		fputc(' ', c->out);
	/* Continuation lines of a multi-line value line up under the first. */
	for (char *p = clean; *p != '\0'; p++) {
		fputc(*p, c->out);
		if (*p == '\n' && p[1] != '\0')
			fputs("              ", c->out);
	}
	fputc('\n', c->out);
	free(clean);
}

const char *client_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

char *client_join(const json_t *array)
{
	char *out = xstrdup("");
	size_t i;
	json_t *v;

	json_array_foreach (array, i, v) {
		const char *s = json_string_value(v);
		if (s == NULL)
			continue;
		char *n = xasprintf("%s%s%s", out, out[0] != '\0' ? ", " : "", s);
		free(out);
		out = n;
	}
	return out;
}

/* The server decides what is overdue (its time zone); the local date only words the rest. */
char *client_due_words(struct client *c, const json_t *item)
{
	const char *due = client_str(item, "due_on");
	struct date d;
	char words[64];

	if (!date_parse(due, &d))
		return xstrdup("-");
	if (!json_is_true(json_object_get(item, "open")) && json_object_get(item, "open") != NULL)
		return xstrdup(due);
	if (json_is_true(json_object_get(item, "overdue"))) {
		json_int_t n = json_integer_value(json_object_get(item, "days_overdue"));
		if (n > 1)
			snprintf(words, sizeof words, "overdue by %lld days", (long long)n);
		else if (n == 1)
			snprintf(words, sizeof words, "overdue by 1 day");
		else
			snprintf(words, sizeof words, "overdue");
	} else if (date_to_days(&d) < date_to_days(&c->today)) {
		/* Not overdue where the server is: it is still that day there. */
		snprintf(words, sizeof words, "due today");
	} else {
		reldate_describe(&d, &c->today, words, sizeof words);
	}
	return xasprintf("%s (%s)", due, words);
}
