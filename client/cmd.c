/* cmd.c — the command table, and what every command shares: parsing by the table, the
 * checks of values, COMMAND --help, and sending a request then printing its answer. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "request.h"
#include "workflow.h"

#define CMD_HELP_SHOWN (-1) /* parse_options: --help printed, exit 0 */
#define CMD_USAGE_WIDTH 80  /* usage lines wrap before this column */

struct cmd_value {
	const struct cmd_option *opt;
	char *value; /* NULL for a flag */
};

struct cmd_args {
	const struct cmd_entry *entry;
	const struct cmd_sub *sub;
	char **pos; /* after the subcommand; dates as YYYY-MM-DD */
	size_t npos;
	struct cmd_value *values; /* in command-line order */
	size_t nvalues;
};

extern const struct cmd_entry cmd_owner_entry;
extern const struct cmd_entry cmd_meeting_entry;
extern const struct cmd_entry cmd_add_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_show_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_assign_entry;
extern const struct cmd_entry cmd_due_entry;
extern const struct cmd_entry cmd_comment_entry;
extern const struct cmd_entry cmd_edit_entry;
extern const struct cmd_entry cmd_overdue_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_remind_entry;
extern const struct cmd_entry cmd_notifications_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_calendar_url_entry;
extern const struct cmd_entry cmd_workflow_entry;
extern const struct cmd_entry cmd_mail_in_entry;

const struct cmd_entry *const cmd_table[] = {
    &cmd_owner_entry,         &cmd_meeting_entry, &cmd_add_entry,
    &cmd_import_entry,        &cmd_list_entry,    &cmd_show_entry,
    &cmd_history_entry,       &cmd_status_entry,  &cmd_assign_entry,
    &cmd_due_entry,           &cmd_comment_entry, &cmd_edit_entry,
    &cmd_overdue_entry,       &cmd_report_entry,  &cmd_remind_entry,
    &cmd_notifications_entry, &cmd_token_entry,   &cmd_calendar_url_entry,
    &cmd_workflow_entry,      &cmd_mail_in_entry, NULL,
};

const struct cmd_option cmd_global_options[] = {
    {.name = "url",
     .kind = CMD_TEXT,
     .value = "URL",
     .help = "http://host:port[/prefix] or unix:/path/to/socket\n"
	     "(else SUIVI_URL, client.conf, http://127.0.0.1:8470)"},
    {.name = "token",
     .kind = CMD_TEXT,
     .value = "TOKEN",
     .help = "API token (else SUIVI_TOKEN, client.conf)"},
    {.name = "json", .help = "print the server's JSON instead of tables"},
    {.short_name = 'h',
     .name = "help",
     .help = "show this help; suivi COMMAND --help for a command"},
    {.short_name = 'V', .name = "version", .help = "show the version"},
    CMD_OPTION_END,
};

const struct cmd_option cmd_common_options[] = {
    {.name = "json", .help = "print the server's JSON"},
    {.short_name = 'h', .name = "help", .help = "show this help"},
    CMD_OPTION_END,
};

static size_t count_options(const struct cmd_option *opts);
enum synopsis_for { SYNOPSIS_HELP, SYNOPSIS_USAGE, SYNOPSIS_NEEDED };

static char *option_synopsis(const struct cmd_option *o, enum synopsis_for where);
static void print_usage_lines(const struct cmd_entry *e, FILE *f);
static int parse_options(struct client *c, const struct cmd_entry *e, int argc, char **argv,
			 struct cmd_args *a);
static int parse_positionals(struct client *c, const struct cmd_entry *e, int argc, char **argv,
			     struct cmd_args *a);
static int check_value(struct client *c, const struct cmd_entry *e, const char *what,
		       enum cmd_kind kind, const char *words, char **value);
static int check_workflow(struct client *c, const struct cmd_args *a);
static char *words_sentence(const char *words);
static const struct cmd_option *option_of(const struct cmd_args *a, const char *name);
static void args_free(struct cmd_args *a);

const struct cmd_entry *cmd_find(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0 ||
		    ((*e)->alias != NULL && strcmp((*e)->alias, name) == 0))
			return *e;
	}
	return NULL;
}

const struct cmd_sub *cmd_find_sub(const struct cmd_entry *e, const char *name)
{
	for (const struct cmd_sub *s = e->subs; s != NULL && s->name != NULL; s++) {
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

const struct cmd_option *cmd_find_option(const struct cmd_option *opts, const char *name)
{
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0 || (o->alias != NULL && strcmp(o->alias, name) == 0))
			return o;
	}
	return NULL;
}

bool cmd_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, " ");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len + strspn(p + len, " ");
	}
	return false;
}

bool cmd_option_goes_with(const struct cmd_option *opt, const struct cmd_sub *sub)
{
	return opt->with == NULL || sub == NULL || cmd_word_in(opt->with, sub->name);
}

const struct cmd_arg *cmd_form_args(const struct cmd_entry *e, const struct cmd_sub *sub)
{
	return sub != NULL ? sub->args : e->args;
}

static size_t count_options(const struct cmd_option *opts)
{
	size_t n = 0;
	while (opts != NULL && opts[n].name != NULL)
		n++;
	return n;
}

/* "-m, --comment TEXT" for the help; "[--comment TEXT]" for a usage line, without the
 * brackets when the form needs it, "..." after one that repeats, a word list shown as its
 * choices ("--locale en|fr"). */
static char *option_synopsis(const struct cmd_option *o, enum synopsis_for where)
{
	char *value;

	if (o->kind == CMD_FLAG)
		value = xstrdup("");
	else if (where != SYNOPSIS_HELP && o->kind == CMD_WORDS) {
		value = xasprintf(" %s", o->words);
		for (char *p = value + 1; *p != '\0'; p++)
			*p = *p == ' ' ? '|' : *p;
	} else
		value = xasprintf(" %s", o->value);
	const char *more = o->arity == CMD_REPEAT ? "..." : "";
	char *s;
	if (where == SYNOPSIS_NEEDED)
		s = xasprintf("--%s%s%s", o->name, value, more);
	else if (where == SYNOPSIS_USAGE)
		s = xasprintf("[--%s%s]%s", o->name, value, more);
	else if (o->short_name != '\0')
		s = xasprintf("-%c, --%s%s", o->short_name, o->name, value);
	else
		s = xasprintf("--%s%s", o->name, value);
	free(value);
	return s;
}

/* One line a form: its arguments from .usage, then the options that go with it, wrapped
 * under the command's name. An option the form needs loses its brackets. */
static void print_usage_lines(const struct cmd_entry *e, FILE *f)
{
	const char *p = e->usage;
	const struct cmd_sub *sub = e->subs;

	for (bool first = true; *p != '\0'; first = false) {
		size_t n = strcspn(p, "\n");
		int col = fprintf(f, "%s suivi %.*s", first ? "usage:" : "      ", (int)n, p);
		for (const struct cmd_option *o = e->options; o != NULL && o->name != NULL; o++) {
			if (!cmd_option_goes_with(o, sub))
				continue;
			bool needed = sub != NULL && cmd_word_in(sub->needs, o->name);
			char *syn = option_synopsis(o, needed ? SYNOPSIS_NEEDED : SYNOPSIS_USAGE);
			if (col + 1 + (int)strlen(syn) >= CMD_USAGE_WIDTH)
				col = fprintf(f, "\n%14s", "") - 1;
			col += fprintf(f, " %s", syn);
			free(syn);
		}
		fputc('\n', f);
		if (sub != NULL && sub->name != NULL)
			sub++;
		p += n;
		if (*p == '\n')
			p++;
	}
}

void cmd_help_options(const struct cmd_option *opts, int col, FILE *f)
{
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		char *syn = option_synopsis(o, SYNOPSIS_HELP);
		fprintf(f, "  %-*s", col - 2, syn);
		for (const char *h = o->help; *h != '\0'; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "%*s", col, "");
		}
		fputc('\n', f);
		free(syn);
	}
}

void cmd_help(const struct cmd_entry *e, FILE *f)
{
	/* The help of --json and --help starts at column 19; longer options push theirs to
	 * two columns past the longest. */
	int longest = 0;
	for (const struct cmd_option *o = e->options; o != NULL && o->name != NULL; o++) {
		char *syn = option_synopsis(o, SYNOPSIS_HELP);
		if ((int)strlen(syn) > longest)
			longest = (int)strlen(syn);
		free(syn);
	}
	int col = longest <= 14 ? 19 : longest + 4 > 21 ? longest + 4 : 21;

	print_usage_lines(e, f);
	fprintf(f, "\n%s\n", e->summary);
	if (e->alias != NULL)
		fprintf(f, "Alias: %s\n", e->alias);
	fputs("\nOptions:\n", f);
	cmd_help_options(cmd_common_options, 19, f);
	cmd_help_options(e->options, col, f);
	if (e->notes != NULL)
		fprintf(f, "\n%s\n", e->notes);
}

int cmd_usage(struct client *c, const struct cmd_entry *e, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->err, "suivi %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	print_usage_lines(e, c->err);
	return EXIT_USAGE;
}

void cmd_getopt_init(struct cmd_getopt *g, const struct cmd_option *a, const struct cmd_option *b,
		     bool in_order)
{
	size_t na = count_options(a), nb = count_options(b), nlong = 0;

	g->nrows = na + nb;
	g->rows = xcalloc(g->nrows + 1, sizeof *g->rows);
	g->longs = xcalloc(2 * g->nrows + 1, sizeof *g->longs);
	g->shorts = xcalloc(3 * g->nrows + 3, 1);
	strcpy(g->shorts, in_order ? "+:" : ":");
	for (size_t i = 0; i < g->nrows; i++) {
		const struct cmd_option *o = i < na ? &a[i] : &b[i - na];
		int has_arg = o->kind == CMD_FLAG ? no_argument : required_argument;
		g->rows[i] = o;
		g->longs[nlong++] = (struct option){o->name, has_arg, NULL, 256 + (int)i};
		if (o->alias != NULL)
			g->longs[nlong++] = (struct option){o->alias, has_arg, NULL, 256 + (int)i};
		if (o->short_name != '\0') {
			size_t len = strlen(g->shorts);
			g->shorts[len] = o->short_name;
			if (o->kind != CMD_FLAG)
				g->shorts[len + 1] = ':';
		}
	}
}

int cmd_getopt_next(struct cmd_getopt *g, int argc, char **argv, const struct cmd_option **opt)
{
	opterr = 0;
	int ch = getopt_long(argc, argv, g->shorts, g->longs, NULL);
	if (ch == -1)
		return 0;
	if (ch == ':' || ch == '?')
		return ch;
	for (size_t i = 0; i < g->nrows; i++) {
		if ((ch >= 256 && (size_t)(ch - 256) == i) || g->rows[i]->short_name == ch) {
			*opt = g->rows[i];
			return 1;
		}
	}
	return '?';
}

void cmd_getopt_free(struct cmd_getopt *g)
{
	free(g->rows);
	free(g->longs);
	free(g->shorts);
}

/* The options into a->values; --json sets c->json, --help prints the help. */
static int parse_options(struct client *c, const struct cmd_entry *e, int argc, char **argv,
			 struct cmd_args *a)
{
	struct cmd_getopt g;
	const struct cmd_option *o;
	int ch, code = EXIT_DONE;

	cmd_getopt_init(&g, cmd_common_options, e->options, false);
	a->values = xcalloc((size_t)argc + 1, sizeof *a->values);
	while ((ch = cmd_getopt_next(&g, argc, argv, &o)) == 1) {
		if (o == &cmd_common_options[1]) {
			cmd_help(e, c->out);
			code = CMD_HELP_SHOWN;
			break;
		}
		if (o == &cmd_common_options[0])
			c->json = true;
		else
			a->values[a->nvalues++] =
			    (struct cmd_value){o, o->kind == CMD_FLAG ? NULL : xstrdup(optarg)};
	}
	if (ch == ':' || ch == '?') {
		const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";
		if (ch == ':')
			code = cmd_usage(c, e, "option %s needs a value", arg);
		else if (optopt != 0 && optopt < 256)
			code = cmd_usage(c, e, "unknown option -%c", optopt);
		else
			code = cmd_usage(c, e, "unknown option %s", arg);
	}
	cmd_getopt_free(&g);
	return code;
}

/* The subcommand and the arguments after it, counted against the table. */
static int parse_positionals(struct client *c, const struct cmd_entry *e, int argc, char **argv,
			     struct cmd_args *a)
{
	if (e->subs != NULL) {
		if (argc > 0 && (a->sub = cmd_find_sub(e, argv[0])) != NULL) {
			argc--;
			argv++;
		} else if (argc > 0) {
			return cmd_usage(c, e, "unknown subcommand \"%s\"", argv[0]);
		} else {
			for (const struct cmd_sub *s = e->subs; s->name != NULL; s++)
				a->sub = s->implied ? s : a->sub;
			if (a->sub == NULL)
				return cmd_usage(c, e, "%s needs a subcommand", e->name);
		}
	}
	const char *form = a->sub != NULL ? a->sub->name : NULL;
	const struct cmd_arg *args = cmd_form_args(e, a->sub);
	size_t min = 0, max = 0;
	char *needed = xstrdup("");
	for (const struct cmd_arg *g = args; g != NULL && g->name != NULL; g++, max++) {
		if (g->arity == CMD_REPEAT)
			max = (size_t)argc;
		if (g->arity == CMD_OPTIONAL)
			continue;
		min++;
		char *n = xasprintf("%s%s%s", needed, needed[0] != '\0' ? " and " : "", g->name);
		free(needed);
		needed = n;
	}
	int code = EXIT_DONE;
	if ((size_t)argc < min)
		code = cmd_usage(c, e, "%s%s%s needs %s", e->name, form != NULL ? " " : "",
				 form != NULL ? form : "", needed);
	else if ((size_t)argc > max)
		code = cmd_usage(c, e, "unexpected argument \"%s\"", argv[max]);
	free(needed);
	if (code != EXIT_DONE)
		return code;
	a->pos = xcalloc((size_t)argc + 1, sizeof *a->pos);
	for (int i = 0; i < argc; i++) {
		const struct cmd_arg *g = &args[(size_t)i < max ? (size_t)i : max - 1];
		while (g->name == NULL)
			g--; /* a repeated last argument */
		a->pos[a->npos++] = xstrdup(argv[i]);
		/* "due: "+3x" is not a date" reads better than the argument's name. */
		code = check_value(c, e, g->kind == CMD_DATE ? e->name : g->name, g->kind, g->words,
				   &a->pos[i]);
		if (code != EXIT_DONE)
			return code;
	}
	return EXIT_DONE;
}

/* "a, b or c" from "a b c" (caller frees). */
static char *words_sentence(const char *words)
{
	char *out = xstrdup("");
	const char *p = words;

	while (*p != '\0') {
		size_t n = strcspn(p, " ");
		const char *next = p + n + strspn(p + n, " ");
		char *s = xasprintf("%s%s%.*s", out,
				    out[0] == '\0'  ? ""
				    : *next == '\0' ? " or "
						    : ", ",
				    (int)n, p);
		free(out);
		out = s;
		p = next;
	}
	return out;
}

/* What can be checked without the server: dates (made YYYY-MM-DD in place), numbers,
 * words, refs. */
static int check_value(struct client *c, const struct cmd_entry *e, const char *what,
		       enum cmd_kind kind, const char *words, char **value)
{
	char date[11];

	switch (kind) {
	case CMD_DATE:
		if (!client_date(c, what, *value, cmd_word_in(words, "none"), date))
			return EXIT_USAGE;
		free(*value);
		*value = xstrdup(date);
		return EXIT_DONE;
	case CMD_NUMBER:
		if ((*value)[0] == '\0' || strspn(*value, "0123456789") != strlen(*value))
			return cmd_usage(c, e, "%s takes a number, not \"%s\"", what, *value);
		return EXIT_DONE;
	case CMD_WORDS:
		if (!cmd_word_in(words, *value)) {
			char *choices = words_sentence(words);
			cmd_usage(c, e, "%s is %s, not \"%s\"", what, choices, *value);
			free(choices);
			return EXIT_USAGE;
		}
		return EXIT_DONE;
	case CMD_REF:
		return client_ref_valid(c, *value) ? EXIT_DONE : EXIT_USAGE;
	default:
		return EXIT_DONE;
	}
}

/* Statuses and priorities are the server's: checked once every local check has passed. */
static int check_workflow(struct client *c, const struct cmd_args *a)
{
	const struct cmd_arg *args = cmd_form_args(a->entry, a->sub);
	size_t nargs = 0;
	while (args != NULL && args[nargs].name != NULL)
		nargs++;

	for (size_t i = 0; i < a->npos + a->nvalues; i++) {
		enum cmd_kind kind;
		const char *value;
		if (i < a->npos) {
			kind = args[i < nargs ? i : nargs - 1].kind;
			value = a->pos[i];
		} else {
			kind = a->values[i - a->npos].opt->kind;
			value = a->values[i - a->npos].value;
		}
		if (kind != CMD_STATUS && kind != CMD_PRIORITY)
			continue;
		int code = workflow_check(c, kind == CMD_STATUS ? "statuses" : "priorities", value);
		if (code != EXIT_DONE)
			return code;
	}
	return EXIT_DONE;
}

int cmd_run(struct client *c, const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_args a = {.entry = e};
	int code = parse_options(c, e, argc, argv, &a);

	if (code == EXIT_DONE)
		code = parse_positionals(c, e, argc - optind, argv + optind, &a);
	for (size_t i = 0; code == EXIT_DONE && i < a.nvalues; i++) {
		const struct cmd_option *o = a.values[i].opt;
		if (!cmd_option_goes_with(o, a.sub))
			code = cmd_usage(c, e, "--%s goes with %s %s", o->name, e->name, o->with);
		else if (o->kind != CMD_FLAG) {
			char *what = xasprintf("--%s", o->name);
			code = check_value(c, e, what, o->kind, o->words, &a.values[i].value);
			free(what);
		}
	}
	if (code == EXIT_DONE && a.sub != NULL) {
		for (const char *p = a.sub->needs; p != NULL && *p != '\0';) {
			size_t n = strcspn(p, " ");
			char *name = xstrndup(p, n);
			if (!cmd_flag(&a, name))
				code =
				    cmd_usage(c, e, "%s %s needs --%s", e->name, a.sub->name, name);
			free(name);
			if (code != EXIT_DONE)
				break;
			p += n + strspn(p + n, " ");
		}
	}
	if (code == EXIT_DONE)
		code = check_workflow(c, &a);
	if (code == EXIT_DONE)
		code = e->exec(c, &a);
	args_free(&a);
	return code == CMD_HELP_SHOWN ? EXIT_DONE : code;
}

static void args_free(struct cmd_args *a)
{
	for (size_t i = 0; i < a->npos; i++)
		free(a->pos[i]);
	for (size_t i = 0; i < a->nvalues; i++)
		free(a->values[i].value);
	free(a->pos);
	free(a->values);
}

const char *cmd_subcommand(const struct cmd_args *a)
{
	return a->sub != NULL ? a->sub->name : NULL;
}

const char *cmd_arg(const struct cmd_args *a, size_t i)
{
	return i < a->npos ? a->pos[i] : NULL;
}

/* The row of a named option; a name not in the table is a mistake in the command. */
static const struct cmd_option *option_of(const struct cmd_args *a, const char *name)
{
	const struct cmd_option *o = cmd_find_option(a->entry->options, name);
	if (o == NULL) {
		fprintf(stderr, "suivi %s: no option --%s in the table\n", a->entry->name, name);
		abort();
	}
	return o;
}

const char *cmd_opt(const struct cmd_args *a, const char *name)
{
	const struct cmd_option *o = option_of(a, name);

	for (size_t i = a->nvalues; i > 0; i--) {
		if (a->values[i - 1].opt == o)
			return a->values[i - 1].value;
	}
	return NULL;
}

bool cmd_flag(const struct cmd_args *a, const char *name)
{
	const struct cmd_option *o = option_of(a, name);

	for (size_t i = 0; i < a->nvalues; i++) {
		if (a->values[i].opt == o)
			return true;
	}
	return false;
}

char *cmd_query(const struct cmd_args *a)
{
	char *query = NULL;

	for (size_t i = 0; i < a->nvalues; i++) {
		const struct cmd_value *v = &a->values[i];
		if (v->opt->key != NULL)
			client_query_add(&query, v->opt->key, v->value != NULL ? v->value : "true");
	}
	return query != NULL ? query : xstrdup("");
}

json_t *cmd_body(const struct cmd_args *a)
{
	json_t *body = json_object();

	for (size_t i = 0; i < a->nvalues; i++) {
		const struct cmd_value *v = &a->values[i];
		if (v->opt->key == NULL)
			continue;
		json_t *value = v->value != NULL ? json_string(v->value) : json_true();
		if (v->opt->arity != CMD_REPEAT) {
			json_object_set_new(body, v->opt->key, value);
			continue;
		}
		json_t *list = json_object_get(body, v->opt->key);
		if (list == NULL) {
			list = json_array();
			json_object_set_new(body, v->opt->key, list);
		}
		json_array_append_new(list, value);
	}
	return body;
}

int cmd_request(struct client *c, const struct cmd_args *a, const char *method, const char *path,
		json_t *body, cmd_print_fn *print)
{
	struct request_reply r;

	int code = request_json(c, method, path, body, &r);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		print(c, a, r.json);
	request_reply_free(&r);
	return EXIT_DONE;
}

int cmd_request_rec(struct client *c, const struct cmd_args *a, const char *method, const char *ref,
		    const char *suffix, json_t *body, cmd_print_fn *print)
{
	c->subject = ref;
	char *path = client_rec_path(c, ref, suffix);
	if (path == NULL) {
		json_decref(body);
		return EXIT_USAGE;
	}
	int code = cmd_request(c, a, method, path, body, print);
	free(path);
	return code;
}

int cmd_list(struct client *c, const struct cmd_args *a, const char *path, size_t limit,
	     cmd_print_fn *print)
{
	json_t *items;
	bool more;
	char *next;

	int code = request_list(c, path, limit, &items, &more, &next);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		print(c, a, items);
	}
	if (more)
		fprintf(c->err, "suivi: more than %zu items; use --limit to see more\n", limit);
	json_decref(items);
	free(next);
	return EXIT_DONE;
}
