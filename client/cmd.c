/* cmd.c — the command table and what all commands share: help, usage, option parsing. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

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

const struct cmd_entry *const cmd_table[] = {
	&cmd_owner_entry,   &cmd_meeting_entry, &cmd_add_entry,	    &cmd_import_entry,
	&cmd_list_entry,    &cmd_show_entry,	&cmd_history_entry, &cmd_status_entry,
	&cmd_assign_entry,  &cmd_due_entry,	&cmd_comment_entry, &cmd_edit_entry,
	&cmd_overdue_entry, &cmd_report_entry,	&cmd_remind_entry,  &cmd_notifications_entry,
	&cmd_token_entry,   NULL,
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0 ||
		    ((*e)->alias != NULL && strcmp((*e)->alias, name) == 0))
			return *e;
	}
	return NULL;
}

static void print_usage_lines(const struct cmd_entry *e, FILE *f)
{
	const char *p = e->usage;
	bool first = true;

	while (*p != '\0') {
		size_t n = strcspn(p, "\n");
		/* A line that starts with blanks continues the form above it. */
		if (p[0] == ' ') {
			size_t blanks = strspn(p, " ");
			fprintf(f, "               %.*s\n", (int)(n - blanks), p + blanks);
		} else
			fprintf(f, "%s suivi %.*s\n", first ? "usage:" : "      ", (int)n, p);
		first = false;
		p += n;
		if (*p == '\n')
			p++;
	}
}

void cmd_help(const struct cmd_entry *e, FILE *f)
{
	print_usage_lines(e, f);
	fprintf(f, "\n%s\n", e->summary);
	if (e->alias != NULL)
		fprintf(f, "Alias: %s\n", e->alias);
	fputs("\nOptions:\n"
	      "  --json           print the server's JSON\n"
	      "  -h, --help       show this help\n",
	      f);
	if (e->options != NULL)
		fputs(e->options, f);
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

int cmd_getopt(struct client *c, const struct cmd_entry *e, int argc, char **argv,
	       const char *shortopts, const struct option *opts)
{
	/* The command's options plus ours, built on each call: commands have a handful. */
	size_t n = 0;
	while (opts != NULL && opts[n].name != NULL)
		n++;
	struct option *all = xcalloc(n + 3, sizeof *all);
	if (n > 0)
		memcpy(all, opts, n * sizeof *all);
	all[n] = (struct option){"help", no_argument, NULL, 'h'};
	all[n + 1] = (struct option){"json", no_argument, NULL, 'J'};
	char *shorts = xasprintf(":h%s", shortopts);

	opterr = 0;
	int ch;
	while ((ch = getopt_long(argc, argv, shorts, all, NULL)) == 'J')
		c->json = true;
	if (ch == 'h') {
		cmd_help(e, c->out);
	} else if (ch == ':' || ch == '?') {
		const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";
		if (ch == ':')
			cmd_usage(c, e, "option %s needs a value", arg);
		else if (optopt != 0)
			cmd_usage(c, e, "unknown option -%c", optopt);
		else
			cmd_usage(c, e, "unknown option %s", arg);
		ch = '?';
	}
	free(all);
	free(shorts);
	return ch;
}
