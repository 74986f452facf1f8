/* cmd-import.c — suivi import: bulk-create a meeting's recommendations from its minutes
 * (text), a spreadsheet export (CSV) or JSON, all or nothing. Minutes go through the
 * server's candidates (list items and recommendations found in prose): those kept by
 * --min-confidence, --pick or --review (import-review.h) are then posted as JSON items with
 * their provenance in their details, in one import. */
#include "suivi-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "convert.h"
#include "import-review.h"
#include "render.h"
#include "request.h"

#define IMPORT_MAX_FILE CONVERT_MAX_FILE
/* Below this confidence a candidate is listed by --dry-run but not imported unless picked. */
#define DEFAULT_MIN_CONFIDENCE 50

static int cmd_import_exec(struct client *c, const struct cmd_args *a);
static char *read_all(FILE *f, size_t *len);
static const char *type_from_name(const char *name);
static const char *type_from_format(const char *format);
static const char *sniff_type(const char *data, size_t len);
static void import_print(struct client *c, const struct cmd_args *a, const json_t *reply);
static int import_minutes(struct client *c, const struct cmd_args *a, const char *label,
			  const char *data, size_t len, enum convert_kind kind);
static char *convert(struct client *c, const char *file, const char *label, const char *data,
		     size_t len, enum convert_kind kind, int *code);
static json_t *select_cands(struct client *c, const struct cmd_args *a, const json_t *cands,
			    int *code);
static int review(struct client *c, const json_t *cands, const char *label, const char *meeting,
		  json_t **items);
static int run_editor(struct client *c, const char *path);
static void list_cands(struct client *c, const json_t *all, const json_t *kept);
static int post_items(struct client *c, const struct cmd_args *a, json_t *items);

static const struct cmd_arg cmd_import_args[] = {
    {.name = "MEETING", .kind = CMD_MEETING},
    {.name = "FILE|-", .kind = CMD_FILE, .words = "txt md csv json docx odt pdf html htm"},
    CMD_ARG_END,
};

static const struct cmd_option cmd_import_options[] = {
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .key = "owner",
     .help = "lead owner of items that name none"},
    {.name = "due",
     .kind = CMD_DATE,
     .value = "DATE",
     .key = "due_on",
     .help = "deadline of items that have none"},
    {.short_name = 'n',
     .name = "dry-run",
     .kind = CMD_FLAG,
     .key = "dry_run",
     .help = "show what would be created, create nothing"},
    {.name = "review",
     .kind = CMD_FLAG,
     .help = "edit the candidates in $VISUAL or $EDITOR first (minutes)"},
    {.name = "min-confidence",
     .kind = CMD_NUMBER,
     .value = "PERCENT",
     .help = "keep candidates found with at least this confidence\n"
	     "(default 50; minutes)"},
    {.name = "pick",
     .kind = CMD_TEXT,
     .value = "LIST",
     .help = "keep the candidates numbered so by --dry-run: 1-5,8"},
    {.name = "format",
     .kind = CMD_WORDS,
     .value = "F",
     .words = "text csv json",
     .help = "text, csv or json; by default from the file's extension\n"
	     "(.txt .md .csv .json), for - '[' means JSON, else text"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_import_entry = {
    .name = "import",
    .usage = "import MEETING FILE|-",
    .summary = "add many recommendations from minutes, CSV or JSON (all or nothing)",
    .notes = "Minutes give candidates: list items, and recommendations found in prose with a\n"
	     "confidence. --dry-run lists them by number; --pick, --min-confidence and\n"
	     "--review choose; each one imported keeps its source in its details.",
    .args = cmd_import_args,
    .options = cmd_import_options,
    .exec = cmd_import_exec,
};

/* The whole stream, NUL-terminated; NULL with errno on a read error or when too large. */
static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = xmalloc(cap + 1);

	for (;;) {
		if (n == cap) {
			if (cap >= IMPORT_MAX_FILE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		free(buf);
		errno = e != 0 ? e : EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char *type_from_format(const char *format)
{
	if (strcmp(format, "text") == 0 || strcmp(format, "txt") == 0 || strcmp(format, "md") == 0)
		return "text/plain; charset=utf-8";
	if (strcmp(format, "csv") == 0)
		return "text/csv; charset=utf-8";
	if (strcmp(format, "json") == 0)
		return "application/json";
	return NULL;
}

static const char *type_from_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');

	if (dot == NULL || (slash != NULL && dot < slash))
		return NULL;
	return type_from_format(dot + 1);
}

/* Minutes are prose; a JSON import is an array. A BOM and white space come first at most. */
static const char *sniff_type(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
		i++;
	return i < len && data[i] == '[' ? "application/json" : "text/plain; charset=utf-8";
}

static void import_print(struct client *c, const struct cmd_args *a, const json_t *reply)
{
	bool dry_run = cmd_flag(a, "dry-run");
	json_t *items = json_is_array(reply) ? (json_t *)reply : json_object_get(reply, "items");
	size_t n = json_array_size(items);

	render_recs(c, items);
	fprintf(c->out, "%s%zu recommendation%s %s %s\n", dry_run ? "dry run: " : "", n,
		n == 1 ? "" : "s", dry_run ? "would be added to" : "added to", cmd_arg(a, 0));
}

/* POST the import (a file's bytes or the chosen items) and print the server's answer. */
static int post_import(struct client *c, const struct cmd_args *a, const char *type,
		       const char *data, size_t len)
{
	char *meeting = client_escape(cmd_arg(a, 0), false);
	char *query = cmd_query(a);
	char *url = xasprintf("/v1/meetings/%s/import%s", meeting, query);
	struct request_reply r;
	int code = request_raw(c, "POST", url, "application/json", type, data, len, &r);
	free(meeting);
	free(query);
	free(url);
	if (code != EXIT_DONE)
		return code;
	if (r.json == NULL) {
		request_reply_free(&r);
		return client_fail(c, EXIT_UNREACHABLE, "the server's answer is not JSON");
	}
	if (c->json)
		client_print_json(c, r.json);
	else
		import_print(c, a, r.json);
	request_reply_free(&r);
	return EXIT_DONE;
}

static int cmd_import_exec(struct client *c, const struct cmd_args *a)
{
	const char *file = cmd_arg(a, 1), *format = cmd_opt(a, "format");
	const char *type = format != NULL ? type_from_format(format) : NULL;

	bool from_stdin = strcmp(file, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(file, "re");
	if (f == NULL)
		return client_fail(c, EXIT_USAGE, "cannot read %s: %s", file, strerror(errno));
	size_t len = 0;
	char *data = read_all(f, &len);
	int err = errno;
	if (!from_stdin)
		fclose(f);
	const char *slash = strrchr(file, '/');
	const char *label = from_stdin ? "standard input" : slash != NULL ? slash + 1 : file;
	if (data == NULL && err == EFBIG)
		return client_fail(c, EXIT_REFUSED, "%s is larger than %d MB: refused", label,
				   IMPORT_MAX_FILE >> 20);
	if (data == NULL)
		return client_fail(c, EXIT_USAGE, "cannot read %s: %s", file, strerror(err));
	/* Word, OpenDocument, HTML and PDF are known by their content, whatever their name. */
	enum convert_kind kind = CONVERT_TEXT;
	if (format == NULL) {
		char *cause = NULL;
		if (!convert_sniff(label, data, len, &kind, &cause)) {
			free(data);
			int code = client_fail(c, EXIT_REFUSED, "%s", cause);
			free(cause);
			return code;
		}
	}
	if (kind != CONVERT_TEXT) {
		int code = EXIT_DONE;
		char *text = convert(c, file, label, data, len, kind, &code);
		free(data);
		if (text == NULL)
			return code;
		data = text;
		len = strlen(text);
		type = "text/plain; charset=utf-8";
	}
	if (type == NULL && !from_stdin)
		type = type_from_name(file);
	if (type == NULL)
		type = sniff_type(data, len);

	bool minutes = strncmp(type, "text/plain", 10) == 0;
	if (!minutes && (cmd_flag(a, "review") || cmd_opt(a, "pick") != NULL ||
			 cmd_opt(a, "min-confidence") != NULL)) {
		free(data);
		return client_fail(c, EXIT_USAGE,
				   "--review, --pick and --min-confidence choose among the "
				   "candidates of minutes; a CSV or JSON file says what it holds");
	}
	if (minutes) {
		int code = import_minutes(c, a, label, data, len, kind);
		free(data);
		return code;
	}

	int code = post_import(c, a, type, data, len);
	free(data);
	return code;
}

/* A document's minutes text; NULL with *code after saying why. A PDF read from standard
 * input goes through a private temporary file: pdftotext reads a path. */
static char *convert(struct client *c, const char *file, const char *label, const char *data,
		     size_t len, enum convert_kind kind, int *code)
{
	char *cause = NULL, *text = NULL;
	if (kind != CONVERT_PDF) {
		text = convert_spawn(kind, label, data, len, &cause);
	} else if (strcmp(file, "-") != 0) {
		text = convert_pdf(label, file, &cause);
	} else {
		const char *tmp = getenv("TMPDIR");
		char *path =
		    xasprintf("%s/suivi-import-XXXXXX.pdf", tmp != NULL && *tmp ? tmp : "/tmp");
		int fd = mkstemps(path, 4);
		bool ok = fd >= 0 && write(fd, data, len) == (ssize_t)len;
		if (fd >= 0)
			ok = close(fd) == 0 && ok;
		if (ok)
			text = convert_pdf(label, path, &cause);
		else
			set_cause(&cause, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(path);
		free(path);
	}
	if (text == NULL) {
		*code = client_fail(c, EXIT_REFUSED, "%s", cause);
		free(cause);
	}
	return text;
}

/* Minutes: ask the server for the candidates, choose, then import the chosen as JSON. A
 * converted document's candidates say their paragraph or page rather than a line of the
 * text it was converted to. */
static int import_minutes(struct client *c, const struct cmd_args *a, const char *label,
			  const char *data, size_t len, enum convert_kind kind)
{
	char *meeting = client_escape(cmd_arg(a, 0), false);
	char *url = xasprintf("/v1/meetings/%s/import?mode=candidates", meeting);
	struct request_reply r;
	int code = request_raw(c, "POST", url, "application/json", "text/plain; charset=utf-8",
			       data, len, &r);
	free(meeting);
	free(url);
	if (code != EXIT_DONE)
		return code;
	json_t *all = json_object_get(r.json, "candidates");
	if (!json_is_array(all)) {
		request_reply_free(&r);
		return client_fail(c, EXIT_UNREACHABLE, "the server's answer has no candidates");
	}
	size_t i;
	json_t *cand;
	json_array_foreach (all, i, cand) {
		if (kind == CONVERT_TEXT)
			break;
		char where[64], unit[32];
		int at;
		convert_locate(kind, data, (int)json_integer_value(json_object_get(cand, "line")),
			       where, sizeof where);
		if (sscanf(where, "%31s %d", unit, &at) == 2) {
			json_object_set_new(cand, "unit", json_string(unit));
			json_object_set_new(cand, "line", json_integer(at));
		}
	}
	json_t *kept = select_cands(c, a, all, &code);
	if (kept == NULL) {
		request_reply_free(&r);
		return code;
	}
	json_t *items = NULL;
	if (cmd_flag(a, "review")) {
		code = review(c, kept, label, cmd_arg(a, 0), &items);
	} else {
		items = json_array();
		json_array_foreach (kept, i, cand)
			json_array_append_new(items, review_item(cand, label));
	}
	if (code == EXIT_DONE && cmd_flag(a, "dry-run") && !c->json)
		list_cands(c, all, kept);
	json_decref(kept);
	request_reply_free(&r);
	if (code != EXIT_DONE)
		return code;
	if (json_array_size(items) == 0) {
		json_decref(items);
		fprintf(c->out, "nothing imported into %s\n", cmd_arg(a, 0));
		return EXIT_DONE;
	}
	return post_items(c, a, items);
}

/* The candidates kept by --pick and --min-confidence (a new array), NULL with *code. */
static json_t *select_cands(struct client *c, const struct cmd_args *a, const json_t *cands,
			    int *code)
{
	const char *pick = cmd_opt(a, "pick"), *minc = cmd_opt(a, "min-confidence");
	long min = pick != NULL ? 0 : DEFAULT_MIN_CONFIDENCE;
	size_t n = json_array_size(cands);
	bool *sel = NULL;

	if (minc != NULL) {
		char *end;
		min = strtol(minc, &end, 10);
		if (*end != '\0' || min < 0 || min > 100) {
			*code = client_fail(c, EXIT_USAGE, "--min-confidence %s: expected 0 to 100",
					    minc);
			return NULL;
		}
	}
	if (pick != NULL) {
		char *cause = NULL;
		sel = xcalloc(n + 1, sizeof *sel);
		if (!review_pick_parse(pick, n, sel, &cause)) {
			*code = client_fail(c, EXIT_USAGE, "%s", cause);
			free(cause);
			free(sel);
			return NULL;
		}
	}
	json_t *kept = json_array();
	size_t i;
	json_t *cand;
	json_array_foreach (cands, i, cand) {
		json_int_t num = json_integer_value(json_object_get(cand, "n"));
		if (json_integer_value(json_object_get(cand, "confidence")) < min)
			continue;
		if (sel != NULL && (num < 1 || (size_t)num > n || !sel[num]))
			continue;
		json_array_append(kept, cand);
	}
	free(sel);
	return kept;
}

/* Write the candidates for the editor, run it, read what is left. */
static int review(struct client *c, const json_t *cands, const char *label, const char *meeting,
		  json_t **items)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/suivi-import-XXXXXX.txt", tmp != NULL && *tmp ? tmp : "/tmp");
	int fd = mkstemps(path, 4);
	if (fd == -1) {
		int code =
		    client_fail(c, EXIT_USAGE, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return code;
	}
	char *text = review_text(cands, label, meeting);
	FILE *f = fdopen(fd, "w");
	bool ok = f != NULL && fputs(text, f) >= 0;
	ok = (f != NULL && fclose(f) == 0) && ok;
	free(text);
	int code = ok ? run_editor(c, path)
		      : client_fail(c, EXIT_USAGE, "cannot write %s: %s", path, strerror(errno));
	if (code == EXIT_DONE) {
		size_t len;
		f = fopen(path, "re");
		char *edited = f != NULL ? read_all(f, &len) : NULL;
		if (f != NULL)
			fclose(f);
		char *cause = NULL;
		if (edited == NULL)
			code = client_fail(c, EXIT_USAGE, "cannot read %s back", path);
		else if (!review_parse(edited, cands, label, &c->today, items, &cause))
			code = client_fail(c, EXIT_USAGE, "%s: nothing imported", cause);
		free(cause);
		free(edited);
	}
	unlink(path);
	free(path);
	return code;
}

/* $VISUAL, else $EDITOR, else vi, split on white space (no shell), with the file as its last
 * argument; the terminal is the editor's until it exits. */
static int run_editor(struct client *c, const char *path)
{
	const char *ed = getenv("VISUAL");
	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	char *words = xstrdup(ed);
	char *argv[32];
	size_t argc = 0;
	for (char *w = strtok(words, " \t"); w != NULL && argc < ARRAY_LEN(argv) - 2;
	     w = strtok(NULL, " \t"))
		argv[argc++] = w;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	fflush(c->out);
	fflush(c->err);
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "suivi: cannot run the editor %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status = 0;
	int code = EXIT_DONE;
	if (pid == -1)
		code = client_fail(c, EXIT_USAGE, "cannot start the editor: %s", strerror(errno));
	else if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		code =
		    client_fail(c, EXIT_USAGE, "the editor %s failed: nothing imported", argv[0]);
	free(words);
	return code;
}

/* --dry-run: every kept candidate with its number, confidence and line. */
static void list_cands(struct client *c, const json_t *all, const json_t *kept)
{
	size_t i;
	json_t *cand;

	fprintf(c->out, "%4s %5s %6s  %s\n", "#", "conf", "at", "candidate");
	json_array_foreach (kept, i, cand) {
		fprintf(c->out, "%4lld %4lld%% %6lld  %s\n",
			json_integer_value(json_object_get(cand, "n")),
			json_integer_value(json_object_get(cand, "confidence")),
			json_integer_value(json_object_get(cand, "line")),
			json_string_value(json_object_get(cand, "text")));
		const char *src = json_string_value(json_object_get(cand, "source"));
		const char *text = json_string_value(json_object_get(cand, "text"));
		if (src != NULL && text != NULL && strcmp(src, text) != 0)
			fprintf(c->out, "%18s\xe2\x86\x90 %s\n", "", src);
	}
	size_t left = json_array_size(all) - json_array_size(kept);
	if (left > 0)
		fprintf(c->out, "%zu candidate%s left out (see --pick, --min-confidence)\n", left,
			left == 1 ? "" : "s");
}

/* The chosen items as one JSON import (stolen), with --owner, --due and --dry-run. */
static int post_items(struct client *c, const struct cmd_args *a, json_t *items)
{
	char *body = json_dumps(items, JSON_COMPACT);
	json_decref(items);
	int code = post_import(c, a, "application/json", body, strlen(body));
	free(body);
	return code;
}
