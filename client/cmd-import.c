/* cmd-import.c — suivi import: bulk-create a meeting's recommendations from its minutes
 * (text), a spreadsheet export (CSV) or JSON, all or nothing. */
#include "suivi-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "request.h"

#define IMPORT_MAX_FILE (64 * 1024 * 1024)

static int cmd_import_exec(struct client *c, const struct cmd_args *a);
static char *read_all(FILE *f, size_t *len);
static const char *type_from_name(const char *name);
static const char *type_from_format(const char *format);
static const char *sniff_type(const char *data, size_t len);
static void import_print(struct client *c, const struct cmd_args *a, const json_t *reply);

static const struct cmd_arg cmd_import_args[] = {
    {.name = "MEETING", .kind = CMD_MEETING},
    {.name = "FILE|-", .kind = CMD_FILE, .words = "txt md csv json"},
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
	if (data == NULL)
		return client_fail(c, EXIT_USAGE, "cannot read %s: %s", file, strerror(err));
	if (type == NULL && !from_stdin)
		type = type_from_name(file);
	if (type == NULL)
		type = sniff_type(data, len);

	char *meeting = client_escape(cmd_arg(a, 0), false);
	char *query = cmd_query(a);
	char *url = xasprintf("/v1/meetings/%s/import%s", meeting, query);
	struct request_reply r;
	int code = request_raw(c, "POST", url, "application/json", type, data, len, &r);
	free(meeting);
	free(query);
	free(url);
	free(data);
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
