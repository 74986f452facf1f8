/* main.c — suivi: global flags, configuration, then one command from the table. */
#include "suivi-config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "complete.h"
#include "config.h"
#include "table.h"
#include "utf8.h"

static void usage(FILE *f);
static int run(int argc, char **argv);

static void usage(FILE *f)
{
	fputs("usage: suivi [--url URL] [--token TOKEN] [--json] COMMAND [ARGS]\n"
	      "\n"
	      "Follow up the recommendations of meetings with suivid.\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %-14s %s\n", (*e)->name, (*e)->summary);
	fputs("\nOptions:\n", f);
	cmd_help_options(cmd_global_options, 17, f);
	fputs("\n"
	      "Dates: YYYY-MM-DD, today, tomorrow, +Nd, +Nw, +Nm.\n"
	      "Exit: 0 done, 1 refused by the server, 2 usage error, 3 server unreachable or\n"
	      "failing, 4 not authenticated or not allowed.\n",
	      f);
}

/* The global options, then the command with the rest of the line. */
static int run(int argc, char **argv)
{
	const char *flag_url = NULL, *flag_token = NULL;
	struct client c = {.out = stdout, .err = stderr};
	struct client_config cfg;
	const struct cmd_option *o;
	struct cmd_getopt g;
	int ch;

	/* in order: stop at the command name; its options are its own. */
	cmd_getopt_init(&g, cmd_global_options, NULL, true);
	while ((ch = cmd_getopt_next(&g, argc, argv, &o)) == 1) {
		if (strcmp(o->name, "url") == 0)
			flag_url = optarg;
		else if (strcmp(o->name, "token") == 0)
			flag_token = optarg;
		else if (strcmp(o->name, "json") == 0)
			c.json = true;
		else
			break;
	}
	cmd_getopt_free(&g);
	if (ch == 1 && strcmp(o->name, "help") == 0) {
		usage(stdout);
		return EXIT_DONE;
	}
	if (ch == 1) {
		printf("suivi %s\n", PACKAGE_VERSION);
		return EXIT_DONE;
	}
	if (ch == ':') {
		fprintf(stderr, "suivi: option %s needs a value\n", argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (ch == '?') {
		fprintf(stderr, "suivi: unknown option %s\n", argv[optind - 1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		fprintf(stderr, "suivi: a command is needed; suivi --help lists them\n");
		return EXIT_USAGE;
	}
	/* The API speaks UTF-8 only: say so here rather than send text the server refuses. */
	for (int i = 1; i < argc; i++) {
		if (!utf8_valid(argv[i], strlen(argv[i]))) {
			fprintf(stderr, "suivi: argument %d is not UTF-8 text\n", i);
			return EXIT_USAGE;
		}
	}
	const struct cmd_entry *e = cmd_find(argv[optind]);
	if (e == NULL) {
		fprintf(stderr, "suivi: unknown command \"%s\"; suivi --help lists them\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	int code = client_open(&c, flag_url, flag_token, &cfg);
	if (code == EXIT_DONE) {
		int first = optind;
		optind = 0; /* a fresh getopt scan over the command's own arguments */
		code = cmd_run(&c, e, argc - first, argv + first);
		client_close(&c, &cfg);
	}
	return code;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "");
	table_init_locale();
	/* Hidden: what the bash completion asks (contrib/suivi.bash-completion). */
	if (argc > 1 && strcmp(argv[1], "__complete") == 0)
		return complete_main(argc - 2, argv + 2);
	int code = run(argc, argv);
	if (fflush(stdout) != 0 && code == EXIT_DONE) {
		fprintf(stderr, "suivi: cannot write the output\n");
		code = EXIT_REFUSED;
	}
	return code;
}
