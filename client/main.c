/* main.c — suivi: global flags, configuration, then one command from the table. */
#include "suivi-config.h"

#include <getopt.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "table.h"
#include "utf8.h"

static void usage(FILE *f);
static int terminal_width(void);

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
	fputs("\n"
	      "Options:\n"
	      "  --url URL      http://host:port[/prefix] or unix:/path/to/socket\n"
	      "                 (else SUIVI_URL, client.conf, http://127.0.0.1:8470)\n"
	      "  --token TOKEN  API token (else SUIVI_TOKEN, client.conf)\n"
	      "  --json         print the server's JSON instead of tables\n"
	      "  -h, --help     show this help; suivi COMMAND --help for a command\n"
	      "  -V, --version  show the version\n"
	      "\n"
	      "Dates: YYYY-MM-DD, today, tomorrow, +Nd, +Nw, +Nm.\n"
	      "Exit: 0 done, 1 refused by the server, 2 usage error, 3 server unreachable or\n"
	      "failing, 4 not authenticated or not allowed.\n",
	      f);
}

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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"url", required_argument, NULL, 'u'},
		{"token", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *flag_url = NULL, *flag_token = NULL;
	struct client c = {.out = stdout, .err = stderr};
	struct client_config cfg;
	char *cause = NULL;
	int ch, code;

	setlocale(LC_CTYPE, "");
	table_init_locale();
	opterr = 0;
	/* '+': stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			flag_url = optarg;
			break;
		case 't':
			flag_token = optarg;
			break;
		case 'J':
			c.json = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("suivi %s\n", PACKAGE_VERSION);
			return EXIT_DONE;
		case ':':
			fprintf(stderr, "suivi: option %s needs a value\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "suivi: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
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

	if (client_config_load(flag_url, flag_token, stderr, &cfg, &cause) < 0) {
		fprintf(stderr, "suivi: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (conn_url_parse(cfg.url, &c.url, &cause) < 0) {
		fprintf(stderr, "suivi: %s\n", cause);
		free(cause);
		client_config_free(&cfg);
		return EXIT_USAGE;
	}
	c.url_text = cfg.url;
	c.token = cfg.token;
	const char *no_colour = getenv("NO_COLOR");
	c.colour = isatty(STDOUT_FILENO) && (no_colour == NULL || no_colour[0] == '\0');
	c.width = terminal_width();
	if (!date_today(NULL, &c.today)) {
		fprintf(stderr, "suivi: cannot tell today's date\n");
		code = EXIT_USAGE;
	} else {
		int first = optind;
		optind = 0; /* a fresh getopt scan over the command's own arguments */
		code = e->exec(&c, argc - first, argv + first);
	}
	conn_url_free(&c.url);
	client_config_free(&cfg);
	if (fflush(stdout) != 0 && code == EXIT_DONE) {
		fprintf(stderr, "suivi: cannot write the output\n");
		code = EXIT_REFUSED;
	}
	return code;
}
