/* complete.c — candidates for the bash completion, from the command table and the server. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "complete.h"
#include "request.h"
#include "workflow.h"

/* Dates worth offering; any other relative date is typed. */
#define COMPLETE_DATES "today tomorrow +1w +2w +1m +3m +6m"

/* Where the words typed so far leave the last one. */
struct complete_line {
	const char *url; /* --url and --token given before the command */
	const char *token;
	const struct cmd_entry *entry;   /* NULL: the command is still to come */
	const struct cmd_option *expect; /* the last word is this option's value */
	const char **pos;                /* the command's positional words so far */
	size_t npos;
	const char *cur; /* the last word */
	bool unknown;    /* the command is not one: nothing to offer */
};

static int complete_option_word(const struct cmd_option *globals, const struct cmd_option *a,
				const struct cmd_option *b, int argc, char **argv, int i,
				struct complete_line *l);
static void complete_scan(int argc, char **argv, struct complete_line *l);
static void offer(const struct complete_line *l, const char *word);
static void offer_words(const struct complete_line *l, const char *words);
static void offer_options(const struct complete_line *l, const struct cmd_option *opts,
			  const struct cmd_sub *sub);
static void offer_server(const struct complete_line *l, enum cmd_kind kind);
static void offer_kind(const struct complete_line *l, enum cmd_kind kind, const char *words);
static const struct cmd_arg *positional_arg(const struct complete_line *l, bool *sub_place);
static void offer_positional(const struct complete_line *l);

/* Word i is an option (of a or b, else globals when both are NULL): note the value it
 * takes. Returns how many words it took. */
static int complete_option_word(const struct cmd_option *globals, const struct cmd_option *a,
				const struct cmd_option *b, int argc, char **argv, int i,
				struct complete_line *l)
{
	const char *w = argv[i];
	const struct cmd_option *o = NULL;

	if (w[1] == '-') {
		char *name = xstrndup(w + 2, strcspn(w + 2, "="));
		o = a == NULL && b == NULL ? cmd_find_option(globals, name) : NULL;
		o = o != NULL ? o : cmd_find_option(a, name);
		o = o != NULL ? o : cmd_find_option(b, name);
		free(name);
		if (o == NULL || o->kind == CMD_FLAG || strchr(w, '=') != NULL)
			return 1;
	} else {
		/* A cluster of short options: one that takes a value ends it. */
		const struct cmd_option *rows[] = {globals, a, b};
		for (const char *p = w + 1; *p != '\0'; p++) {
			const struct cmd_option *x = NULL;
			for (size_t r = 0; r < 3 && x == NULL; r++) {
				for (x = rows[r]; x != NULL && x->name != NULL; x++) {
					if (x->short_name == *p)
						break;
				}
				x = x != NULL && x->name != NULL ? x : NULL;
			}
			if (x != NULL && x->kind != CMD_FLAG) {
				if (p[1] != '\0')
					return 1; /* its value in the same word */
				o = x;
			}
		}
		if (o == NULL)
			return 1;
	}
	if (i + 1 == argc - 1) {
		l->expect = o;
		return 1;
	}
	if (o == cmd_find_option(cmd_global_options, "url") && a == NULL && b == NULL)
		l->url = argv[i + 1];
	if (o == cmd_find_option(cmd_global_options, "token") && a == NULL && b == NULL)
		l->token = argv[i + 1];
	return 2;
}

/* Global options, the command, its options and positional words, up to the last word. */
static void complete_scan(int argc, char **argv, struct complete_line *l)
{
	int i = 0;
	bool options_end = false;

	l->cur = argv[argc - 1];
	while (i < argc - 1 && l->entry == NULL) {
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			i += complete_option_word(cmd_global_options, NULL, NULL, argc, argv, i, l);
		else if ((l->entry = cmd_find(argv[i++])) == NULL) {
			l->unknown = true;
			return;
		}
	}
	for (; i < argc - 1 && l->entry != NULL; i++) {
		if (!options_end && strcmp(argv[i], "--") == 0)
			options_end = true;
		else if (!options_end && argv[i][0] == '-' && argv[i][1] != '\0')
			i += complete_option_word(NULL, cmd_common_options, l->entry->options, argc,
						  argv, i, l) -
			     1;
		else
			l->pos[l->npos++] = argv[i];
	}
}

static void offer(const struct complete_line *l, const char *word)
{
	if (strncmp(word, l->cur, strlen(l->cur)) == 0)
		printf("%s\n", word);
}

static void offer_words(const struct complete_line *l, const char *words)
{
	for (const char *p = words; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, " ");
		char *w = xstrndup(p, n);
		offer(l, w);
		free(w);
		p += n + strspn(p + n, " ");
	}
}

static void offer_options(const struct complete_line *l, const struct cmd_option *opts,
			  const struct cmd_sub *sub)
{
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		if (!cmd_option_goes_with(o, sub))
			continue;
		char *w = xasprintf("--%s", o->name);
		offer(l, w);
		free(w);
	}
}

/* Owner handles, statuses or priorities: only with a token (every API call needs one),
 * and quietly (errors go nowhere). */
static void offer_server(const struct complete_line *l, enum cmd_kind kind)
{
	struct client c = {.out = stdout, .err = fopen("/dev/null", "we")};
	struct client_config cfg;

	if (c.err == NULL)
		return;
	if (client_open(&c, l->url, l->token, &cfg) != EXIT_DONE) {
		fclose(c.err);
		return;
	}
	if (c.token != NULL && kind == CMD_OWNER) {
		json_t *items;
		bool more;
		if (request_list(&c, "/v1/owners", 0, &items, &more, NULL) == EXIT_DONE) {
			size_t i;
			json_t *o;
			json_array_foreach (items, i, o) {
				offer(l, client_str(o, "handle"));
			}
			json_decref(items);
		}
	} else if (c.token != NULL) {
		const char *list = kind == CMD_STATUS ? "statuses" : "priorities";
		char *names = workflow_names(workflow_get(&c), list, " ");
		offer_words(l, names);
		free(names);
	}
	client_close(&c, &cfg);
	fclose(c.err);
}

static void offer_kind(const struct complete_line *l, enum cmd_kind kind, const char *words)
{
	switch (kind) {
	case CMD_WORDS:
		offer_words(l, words);
		break;
	case CMD_DATE:
		offer_words(l, COMPLETE_DATES);
		offer_words(l, words);
		break;
	case CMD_OWNER:
	case CMD_STATUS:
	case CMD_PRIORITY:
		offer_server(l, kind);
		break;
	default:
		break;
	}
}

/* The argument the last word would be; NULL when none, or when it is the subcommand
 * (*sub_place set). */
static const struct cmd_arg *positional_arg(const struct complete_line *l, bool *sub_place)
{
	const struct cmd_entry *e = l->entry;
	const struct cmd_sub *sub = NULL;
	size_t at = l->npos, n = 0;

	*sub_place = e->subs != NULL && l->npos == 0;
	if (e->subs != NULL) {
		if (*sub_place || (sub = cmd_find_sub(e, l->pos[0])) == NULL)
			return NULL;
		at--;
	}
	const struct cmd_arg *args = cmd_form_args(e, sub);
	while (args != NULL && args[n].name != NULL)
		n++;
	if (n == 0 || (at >= n && args[n - 1].arity != CMD_REPEAT))
		return NULL;
	return &args[at < n ? at : n - 1];
}

static void offer_positional(const struct complete_line *l)
{
	bool sub_place;
	const struct cmd_arg *g = positional_arg(l, &sub_place);

	if (sub_place) {
		for (const struct cmd_sub *s = l->entry->subs; s->name != NULL; s++)
			offer(l, s->name);
	} else if (g != NULL) {
		offer_kind(l, g->kind, g->words);
	}
}

int complete_main(int argc, char **argv)
{
	struct complete_line l = {.pos = xcalloc((size_t)argc + 1, sizeof *l.pos)};

	if (argc == 0) {
		free(l.pos);
		return EXIT_DONE;
	}
	complete_scan(argc, argv, &l);
	bool sub_place;
	const struct cmd_arg *g = l.expect == NULL && l.entry != NULL && l.cur[0] != '-'
				      ? positional_arg(&l, &sub_place)
				      : NULL;
	if (g != NULL && g->kind == CMD_FILE) {
		/* The completion script lists the files itself: "@(txt|md)". */
		char *pattern = xasprintf("@(%s)", g->words);
		for (char *p = pattern; *p != '\0'; p++)
			*p = *p == ' ' ? '|' : *p;
		printf("files\n%s\n", pattern);
		free(pattern);
		free(l.pos);
		return EXIT_DONE;
	}
	puts("words");
	if (l.unknown)
		;
	else if (l.expect != NULL)
		offer_kind(&l, l.expect->kind, l.expect->words);
	else if (l.entry == NULL && l.cur[0] == '-')
		offer_options(&l, cmd_global_options, NULL);
	else if (l.entry == NULL) {
		for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
			offer(&l, (*e)->name);
	} else if (l.cur[0] == '-') {
		const struct cmd_sub *sub =
		    l.entry->subs != NULL && l.npos > 0 ? cmd_find_sub(l.entry, l.pos[0]) : NULL;
		offer_options(&l, cmd_common_options, NULL);
		offer_options(&l, l.entry->options, sub);
	} else {
		offer_positional(&l);
	}
	free(l.pos);
	return EXIT_DONE;
}
