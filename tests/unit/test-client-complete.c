/* test-client-complete.c — the command table as the one description of the client's
 * command line: the bash completion script (contrib/suivi.bash-completion, loaded in a real
 * bash with COMP_WORDS set as bash sets them) offers exactly the table's commands,
 * subcommands, options and choices; statuses, priorities and owner handles come from the
 * server (a fake one here, whose workflow is not the default); the usage forms agree with the
 * arguments; parsing by the table (kinds, arity, subcommands, keys), and the local check of a
 * status against the server's workflow before anything is sent. */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/cmd.h"
#include "suites.h"

/* A workflow that is not the default: the client must show these, not a list of its own. */
static const char fake_workflow[] =
    "{\"statuses\":["
    "{\"name\":\"draft\",\"open\":true,\"comment_required\":false,\"position\":1,"
    "\"labels\":{\"en\":\"draft\",\"fr\":\"brouillon\"}},"
    "{\"name\":\"done\",\"open\":false,\"comment_required\":true,\"position\":2,"
    "\"labels\":{\"en\":\"done\",\"fr\":\"fait\"}}],"
    "\"transitions\":[{\"from\":\"draft\",\"to\":\"done\"}],"
    "\"priorities\":[{\"name\":\"urgent\",\"position\":2,\"labels\":{\"en\":\"urgent\"}},"
    "{\"name\":\"later\",\"position\":1,\"labels\":{\"en\":\"later\"}}],"
    "\"limits\":{\"text\":4000}}";

struct fake {
	pid_t pid;
	char url[64];
	char log[64]; /* the request lines received, one a line */
};

static void fake_start(struct fake *f, bool has_workflow);
static void fake_stop(struct fake *f);
static void fake_serve(int fd, const char *log, bool has_workflow);
static char *complete(const struct fake *f, const char *const *words);
static char *expected(char **words, size_t n);
static char *run_suivi(const struct fake *f, const char *const *args, int *code, char **err);
static char *read_fd(int fd);

static void fake_serve(int fd, const char *log, bool has_workflow)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		char req[65536];
		size_t n = 0;
		ssize_t r;
		char *end = NULL;
		while (n < sizeof req - 1 && (r = read(c, req + n, sizeof req - 1 - n)) > 0) {
			n += (size_t)r;
			req[n] = '\0';
			if ((end = strstr(req, "\r\n\r\n")) != NULL) {
				const char *cl = strstr(req, "Content-Length: ");
				size_t want = cl != NULL ? strtoul(cl + 16, NULL, 10) : 0;
				if (n >= (size_t)(end + 4 - req) + want)
					break;
			}
		}
		FILE *l = fopen(log, "a");
		fprintf(l, "%.*s\n", (int)strcspn(req, "\r"), req);
		fclose(l);
		const char *body = "{\"items\":[],\"next\":null}";
		int status = 200;
		if (strncmp(req, "GET /v1/workflow ", 17) == 0) {
			body = has_workflow ? fake_workflow : "{\"title\":\"Not Found\"}";
			status = has_workflow ? 200 : 404;
		} else if (strncmp(req, "GET /v1/owners", 14) == 0) {
			body = "{\"items\":[{\"handle\":\"ocrtis\"},{\"handle\":\"unodc\"}],"
			       "\"next\":null}";
		} else if (strncmp(req, "POST /v1/recommendations/", 25) == 0) {
			body = "{\"ref\":\"m/1\",\"status\":\"draft\"}";
		}
		char *head = xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
				       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
				       status, strlen(body));
		(void)!write(c, head, strlen(head));
		(void)!write(c, body, strlen(body));
		free(head);
		close(c);
	}
}

static void fake_start(struct fake *f, bool has_workflow)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	snprintf(f->log, sizeof f->log, "/tmp/suivi-complete-log-XXXXXX");
	int lfd = mkstemp(f->log);
	ck_assert_int_ge(lfd, 0);
	close(lfd);
	f->pid = fork();
	ck_assert_int_ge(f->pid, 0);
	if (f->pid == 0)
		fake_serve(fd, f->log, has_workflow);
	close(fd);
}

static void fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	unlink(f->log);
}

static char *read_fd(int fd)
{
	char *out = xstrdup("");
	size_t n = 0;
	char buf[4096];
	ssize_t r;

	while ((r = read(fd, buf, sizeof buf)) > 0) {
		out = xrealloc(out, n + (size_t)r + 1);
		memcpy(out + n, buf, (size_t)r);
		n += (size_t)r;
		out[n] = '\0';
	}
	return out;
}

/* The child's environment: the fake server (with a token) or nothing configured. */
static void child_env(const struct fake *f)
{
	setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
	setenv("HOME", "/nonexistent", 1);
	unsetenv("SUIVI_URL");
	unsetenv("SUIVI_TOKEN");
	if (f != NULL) {
		setenv("SUIVI_URL", f->url, 1);
		setenv("SUIVI_TOKEN", "suivi_test", 1);
	}
}

/* COMPREPLY, sorted, one a line, after TAB on the last of words (the words after "suivi")
 * in a bash that has loaded the completion script; "FILES pattern" when it lists files. */
static char *complete(const struct fake *f, const char *const *words)
{
	static const char script[] =
	    /* bash-completion's helpers, reduced to what the script uses. */
	    "_init_completion() { words=(\"${COMP_WORDS[@]}\"); cword=$COMP_CWORD;"
	    " cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; }\n"
	    "_filedir() { COMPREPLY=(\"FILES $1\"); }\n"
	    ". \"$SUIVI_SRCDIR/contrib/suivi.bash-completion\" || exit 9\n"
	    "[[ $(complete -p suivi) == 'complete -F _suivi suivi' ]] || exit 8\n"
	    "COMP_WORDS=(suivi \"$@\"); COMP_CWORD=$#\n"
	    "_suivi\n"
	    "((${#COMPREPLY[@]})) && printf '%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort\n";
	const char *suivi = getenv("SUIVI");
	int p[2];

	ck_assert_msg(suivi != NULL && getenv("SUIVI_SRCDIR") != NULL,
		      "SUIVI and SUIVI_SRCDIR name the client and the source tree");
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t n = 0;
		while (words[n] != NULL)
			n++;
		const char **argv = xcalloc(n + 5, sizeof *argv);
		argv[0] = "bash";
		argv[1] = "-c";
		argv[2] = script;
		argv[3] = "bash";
		memcpy(argv + 4, words, n * sizeof *argv);
		char *dir = xstrdup(suivi);
		*strrchr(dir, '/') = '\0';
		char *path = xasprintf("%s:%s", dir, getenv("PATH"));
		setenv("PATH", path, 1);
		child_env(f);
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		execv("/bin/bash", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	char *out = read_fd(p[0]);
	close(p[0]);
	int status;
	waitpid(pid, &status, 0);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 1,
		      "bash exited %d: the script did not load or register", WEXITSTATUS(status));
	return out;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* words sorted as LC_ALL=C sort would, one a line; frees them. */
static char *expected(char **words, size_t n)
{
	char *out = xstrdup("");

	qsort(words, n, sizeof *words, compare_strings);
	for (size_t i = 0; i < n; i++) {
		char *s = xasprintf("%s%s\n", out, words[i]);
		free(out);
		free(words[i]);
		out = s;
	}
	free(words);
	return out;
}

/* The options the table gives a command (with a subcommand), as the completion should. */
static char *table_options(const struct cmd_entry *e, const struct cmd_sub *sub)
{
	char **w = xcalloc(64, sizeof *w);
	size_t n = 0;

	for (const struct cmd_option *o = cmd_common_options; o->name != NULL; o++)
		w[n++] = xasprintf("--%s", o->name);
	for (const struct cmd_option *o = e->options; o != NULL && o->name != NULL; o++) {
		if (o->with == NULL || sub == NULL || cmd_word_in(o->with, sub->name))
			w[n++] = xasprintf("--%s", o->name);
	}
	return expected(w, n);
}

/* Space-separated words as the completion should list them. */
static char *table_words(const char *list)
{
	char **w = xcalloc(64, sizeof *w);
	size_t n = 0;

	for (const char *p = list; *p != '\0';) {
		size_t len = strcspn(p, " ");
		w[n++] = xstrndup(p, len);
		p += len + strspn(p + len, " ");
	}
	return expected(w, n);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

START_TEST(test_commands_and_options_agree)
{
	char **w = xcalloc(64, sizeof *w);
	size_t n = 0;
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++)
		w[n++] = xstrdup((*e)->name);
	char *want = expected(w, n);
	char *got = complete(NULL, WORDS(""));
	ck_assert_str_eq(got, want);
	free(got);
	free(want);

	w = xcalloc(64, sizeof *w);
	n = 0;
	for (const struct cmd_option *o = cmd_global_options; o->name != NULL; o++)
		w[n++] = xasprintf("--%s", o->name);
	want = expected(w, n);
	got = complete(NULL, WORDS("--"));
	ck_assert_str_eq(got, want);
	free(got);
	free(want);

	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
		const char *names[] = {(*e)->name, (*e)->alias};
		for (size_t k = 0; k < 2 && names[k] != NULL; k++) {
			want = table_options(*e, NULL);
			got = complete(NULL, WORDS(names[k], "--"));
			ck_assert_msg(strcmp(got, want) == 0,
				      "suivi %s --: script offers\n%stable has\n%s", names[k], got,
				      want);
			free(got);
			free(want);
		}
		for (const struct cmd_sub *s = (*e)->subs; s != NULL && s->name != NULL; s++) {
			want = table_options(*e, s);
			got = complete(NULL, WORDS((*e)->name, s->name, "--"));
			ck_assert_msg(strcmp(got, want) == 0, "suivi %s %s --: script offers\n%s",
				      (*e)->name, s->name, got);
			free(got);
			free(want);
		}
	}
}
END_TEST

START_TEST(test_values_agree)
{
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
		/* Subcommands. */
		if ((*e)->subs != NULL) {
			char *list = xstrdup("");
			for (const struct cmd_sub *s = (*e)->subs; s->name != NULL; s++) {
				char *l = xasprintf("%s %s", list, s->name);
				free(list);
				list = l;
			}
			char *want = table_words(list + 1);
			char *got = complete(NULL, WORDS((*e)->name, ""));
			ck_assert_msg(strcmp(got, want) == 0, "suivi %s: %s", (*e)->name, got);
			free(got);
			free(want);
			free(list);
		}
		/* Choices and dates of options. */
		for (const struct cmd_option *o = (*e)->options; o != NULL && o->name != NULL;
		     o++) {
			if (o->kind != CMD_WORDS && o->kind != CMD_DATE)
				continue;
			const char *sub = NULL;
			for (const struct cmd_sub *s = (*e)->subs; s != NULL && s->name != NULL;
			     s++)
				sub = sub == NULL && cmd_option_goes_with(o, s) ? s->name : sub;
			char *opt = xasprintf("--%s", o->name);
			char *got = sub != NULL ? complete(NULL, WORDS((*e)->name, sub, opt, ""))
						: complete(NULL, WORDS((*e)->name, opt, ""));
			if (o->kind == CMD_WORDS) {
				char *want = table_words(o->words);
				ck_assert_msg(strcmp(got, want) == 0, "suivi %s %s: %s", (*e)->name,
					      opt, got);
				free(want);
			} else {
				ck_assert_msg(strstr(got, "today\n") != NULL, "suivi %s %s",
					      (*e)->name, opt);
			}
			free(opt);
			free(got);
		}
	}
	/* A file argument: the script lists files with the table's extensions. */
	char *got = complete(NULL, WORDS("import", "bamako-2019", ""));
	ck_assert_str_eq(got, "FILES @(txt|md|csv|json|docx|odt|pdf|html|htm)\n");
	free(got);
	got = complete(NULL, WORDS("due", "bamako-2019/1", "no"));
	ck_assert_str_eq(got, "none\n");
	free(got);
	/* Nothing configured: nothing asked, nothing offered. */
	got = complete(NULL, WORDS("status", "bamako-2019/1", ""));
	ck_assert_str_eq(got, "");
	free(got);
	got = complete(NULL, WORDS("frobnicate", ""));
	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

START_TEST(test_values_from_the_server)
{
	struct fake f;

	fake_start(&f, true);
	char *got = complete(&f, WORDS("status", "m/1", ""));
	ck_assert_str_eq(got, "done\ndraft\n");
	free(got);
	got = complete(&f, WORDS("list", "--status", "dr"));
	ck_assert_str_eq(got, "draft\n");
	free(got);
	got = complete(&f, WORDS("add", "m", "text", "--priority", ""));
	ck_assert_str_eq(got, "later\nurgent\n");
	free(got);
	got = complete(&f, WORDS("--json", "assign", "m/1", ""));
	ck_assert_str_eq(got, "ocrtis\nunodc\n");
	free(got);
	got = complete(&f, WORDS("owner", "show", "u"));
	ck_assert_str_eq(got, "unodc\n");
	free(got);
	fake_stop(&f);
}
END_TEST

/* Run the real client against f; stdout returned, stderr in *err. */
static char *run_suivi(const struct fake *f, const char *const *args, int *code, char **err)
{
	int out[2], errp[2];

	ck_assert_int_eq(pipe(out), 0);
	ck_assert_int_eq(pipe(errp), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t n = 0;
		while (args[n] != NULL)
			n++;
		const char **argv = xcalloc(n + 2, sizeof *argv);
		argv[0] = "suivi";
		memcpy(argv + 1, args, n * sizeof *argv);
		child_env(f);
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		close(out[0]);
		close(errp[0]);
		execv(getenv("SUIVI"), (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	char *o = read_fd(out[0]);
	*err = read_fd(errp[0]);
	close(out[0]);
	close(errp[0]);
	int status;
	waitpid(pid, &status, 0);
	*code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return o;
}

START_TEST(test_workflow_from_the_server)
{
	struct fake f;
	char *err;
	int code;

	fake_start(&f, true);
	/* A status the server does not have: refused before anything is sent. */
	char *out = run_suivi(&f, WORDS("status", "m/1", "accepted"), &code, &err);
	ck_assert_int_eq(code, 1);
	ck_assert_str_eq(err, "suivi: \"accepted\" is not a status here; statuses: draft, done\n");
	free(out);
	free(err);
	/* One that it has goes through; the workflow was asked once per run. */
	out = run_suivi(&f, WORDS("status", "m/1", "done", "-m", "fini"), &code, &err);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(out, "m/1 is now draft\n");
	free(out);
	free(err);
	out = run_suivi(&f, WORDS("workflow"), &code, &err);
	ck_assert_int_eq(code, 0);
	ck_assert_ptr_nonnull(strstr(out, "draft   open    -         draft  brouillon\n"));
	ck_assert_ptr_nonnull(strstr(out, "done    closed  required  done   fait\n"));
	ck_assert_ptr_nonnull(strstr(out, "draft  done\n"));
	/* Priorities by position, not as sent. */
	ck_assert_ptr_nonnull(strstr(out, "\nlater "));
	ck_assert(strstr(out, "\nlater ") < strstr(out, "\nurgent "));
	ck_assert_ptr_nonnull(strstr(out, "Limits: text 4000\n"));
	free(out);
	free(err);
	char *log = NULL;
	FILE *l = fopen(f.log, "r");
	log = read_fd(fileno(l));
	fclose(l);
	ck_assert_str_eq(log, "GET /v1/workflow HTTP/1.1\n"
			      "GET /v1/workflow HTTP/1.1\n"
			      "POST /v1/recommendations/m/1/transitions HTTP/1.1\n"
			      "GET /v1/workflow HTTP/1.1\n");
	free(log);
	fake_stop(&f);

	/* A server without the workflow: the client does without and lets it judge. */
	fake_start(&f, false);
	out = run_suivi(&f, WORDS("list", "--status", "anything"), &code, &err);
	ck_assert_int_eq(code, 0);
	free(out);
	free(err);
	fake_stop(&f);
}
END_TEST

/* Every form of the usage is the command's name, its subcommand ([sub] when implied), then
 * the arguments of the table: [NAME] when optional, NAME... when repeated. */
START_TEST(test_usage_matches_arguments)
{
	for (const struct cmd_entry *const *e = cmd_table; *e != NULL; e++) {
		const struct cmd_sub *sub = (*e)->subs;
		const char *p = (*e)->usage;
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");
			char *want = xstrdup((*e)->name);
			if (sub != NULL) {
				char *w = xasprintf(sub->implied && strstr(p, " [") != NULL &&
							    strncmp(strstr(p, " [") + 2, sub->name,
								    strlen(sub->name)) == 0
							? "%s [%s]"
							: "%s %s",
						    want, sub->name);
				free(want);
				want = w;
			}
			for (const struct cmd_arg *g = cmd_form_args(*e, sub);
			     g != NULL && g->name != NULL; g++) {
				char *w = xasprintf(g->arity == CMD_OPTIONAL ? "%s [%s]"
						    : g->arity == CMD_REPEAT ? "%s %s..."
									     : "%s %s",
						    want, g->name);
				free(want);
				want = w;
			}
			ck_assert_msg(strlen(want) == n && strncmp(p, want, n) == 0,
				      "usage \"%.*s\" but the table says \"%s\"", (int)n, p, want);
			free(want);
			p += n + (p[n] == '\n');
			if (sub != NULL)
				sub++;
		}
		ck_assert_msg(sub == NULL || sub->name == NULL, "%s: a subcommand has no usage",
			      (*e)->name);
	}
}
END_TEST

static const struct cmd_args *seen;
static int seen_exec(struct client *c, const struct cmd_args *a);
static int seen_code;
static char *seen_query;
static char *seen_body;

static int seen_exec(struct client *c, const struct cmd_args *a)
{
	(void)c;
	seen = a;
	seen_query = cmd_query(a);
	json_t *body = cmd_body(a);
	seen_body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	ck_assert_str_eq(cmd_subcommand(a), "put");
	ck_assert_str_eq(cmd_arg(a, 0), "bamako-2019/3");
	ck_assert_str_eq(cmd_arg(a, 1), "2030-01-31");
	ck_assert_ptr_null(cmd_arg(a, 2));
	ck_assert_str_eq(cmd_opt(a, "tag"), "b");
	ck_assert(cmd_flag(a, "open"));
	ck_assert(!cmd_flag(a, "locale"));
	return seen_code;
}

static const struct cmd_arg seen_args[] = {
    {.name = "REF", .kind = CMD_REF},
    {.name = "DATE", .kind = CMD_DATE},
    {.name = "MORE", .kind = CMD_TEXT, .arity = CMD_OPTIONAL},
    CMD_ARG_END,
};

static const struct cmd_sub seen_subs[] = {
    {"put", seen_args, false, "tag"},
    {"list", NULL, true, NULL},
    CMD_SUB_END,
};

static const struct cmd_option seen_options[] = {
    {.name = "tag",
     .kind = CMD_TEXT,
     .arity = CMD_REPEAT,
     .value = "TAG",
     .key = "tags",
     .with = "put",
     .help = "a tag"},
    {.short_name = 'o', .name = "open", .kind = CMD_FLAG, .key = "open", .help = "open"},
    {.name = "due", .kind = CMD_DATE, .value = "DATE", .key = "due_on", .help = "due"},
    {.name = "locale", .kind = CMD_WORDS, .words = "en fr", .value = "LANG", .help = "l"},
    CMD_OPTION_END,
};

static const struct cmd_entry seen_entry = {
    .name = "seen",
    .usage = "seen put REF DATE [MORE]\nseen [list]",
    .summary = "a command of the test",
    .subs = seen_subs,
    .options = seen_options,
    .exec = seen_exec,
};

static int parse(const char *const *words, char **err)
{
	size_t n = 0, size = 0;
	char *out = NULL;
	FILE *ferr = open_memstream(err, &size);
	FILE *fout = open_memstream(&out, &n);
	struct client c = {.out = fout, .err = ferr};
	char *argv[16];
	int argc = 0;

	ck_assert(date_parse("2030-01-01", &c.today));
	argv[argc++] = (char *)"seen";
	for (; words[argc - 1] != NULL; argc++)
		argv[argc] = (char *)words[argc - 1];
	argv[argc] = NULL;
	optind = 0;
	int code = cmd_run(&c, &seen_entry, argc, argv);
	fclose(ferr);
	fclose(fout);
	free(out);
	return code;
}

START_TEST(test_parse_by_the_table)
{
	char *err;

	seen_code = 7;
	ck_assert_int_eq(parse(WORDS("put", "bamako-2019/3", "+30d", "--tag", "a", "-o", "--tag",
				     "b", "--due", "2030-02-01"),
			       &err),
			 7);
	ck_assert_str_eq(err, "");
	ck_assert_ptr_nonnull(seen);
	ck_assert_str_eq(seen_query, "?tags=a&open=true&tags=b&due_on=2030-02-01");
	ck_assert_str_eq(seen_body,
			 "{\"due_on\":\"2030-02-01\",\"open\":true,\"tags\":[\"a\",\"b\"]}");
	free(seen_query);
	free(seen_body);
	free(err);

	const struct {
		const char *const *words;
		const char *message;
	} bad[] = {
	    {WORDS("put", "bamako-2019/3", "+1d"), "seen put needs --tag"},
	    {WORDS("put", "bamako-2019/3", "--tag", "a"), "seen put needs REF and DATE"},
	    {WORDS("put", "r/1", "+1d", "x", "y", "--tag", "a"), "unexpected argument \"y\""},
	    {WORDS("put", "../x", "+1d", "--tag", "a"), "is not a recommendation"},
	    {WORDS("put", "r/1", "soon", "--tag", "a"), "\"soon\" is not a date"},
	    {WORDS("--tag", "a"), "--tag goes with seen put"},
	    {WORDS("--locale", "de"), "--locale is en or fr, not \"de\""},
	    {WORDS("--due"), "option --due needs a value"},
	    {WORDS("--bogus"), "unknown option --bogus"},
	    {WORDS("get"), "unknown subcommand \"get\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		seen = NULL;
		ck_assert_int_eq(parse(bad[i].words, &err), EXIT_USAGE);
		ck_assert_msg(strstr(err, bad[i].message) != NULL, "%s", err);
		ck_assert_ptr_null(seen);
		free(err);
	}
	/* The usage from the table: a needed option without brackets, choices spelled out. */
	ck_assert_int_eq(parse(WORDS("--locale", "de"), &err), EXIT_USAGE);
	ck_assert_ptr_nonnull(
	    strstr(err, "usage: suivi seen put REF DATE [MORE] --tag TAG... [--open] "));
	free(err);
	char *help;
	size_t len;
	FILE *f = open_memstream(&help, &len);
	cmd_help(&seen_entry, f);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(help, "       suivi seen [list] [--open] [--due DATE]"));
	ck_assert_ptr_nonnull(strstr(help, "  -o, --open       open\n"));
	ck_assert_ptr_nonnull(strstr(help, "  --locale LANG    l\n"));
	free(help);
}
END_TEST

Suite *make_client_complete_suite(void)
{
	Suite *s = suite_create("client_complete");
	TCase *tc = tcase_create("client_complete");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_commands_and_options_agree);
	tcase_add_test(tc, test_values_agree);
	tcase_add_test(tc, test_values_from_the_server);
	tcase_add_test(tc, test_workflow_from_the_server);
	tcase_add_test(tc, test_usage_matches_arguments);
	tcase_add_test(tc, test_parse_by_the_table);
	suite_add_tcase(s, tc);
	return s;
}
