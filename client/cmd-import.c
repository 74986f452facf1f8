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

static int cmd_import_exec(struct client *c, int argc, char **argv);
static char *read_all(FILE *f, size_t *len);
static const char *type_from_name(const char *name);
static const char *type_from_format(const char *format);
static const char *sniff_type(const char *data, size_t len);

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.alias = NULL,
	.usage = "import MEETING FILE|- [--owner HANDLE] [--due DATE] [--dry-run]\n"
		 "       [--format text|csv|json]",
	.summary = "add many recommendations from minutes, CSV or JSON (all or nothing)",
	.options = "  --owner HANDLE   lead owner of items that name none\n"
		   "  --due DATE       deadline of items that have none\n"
		   "  --dry-run        show what would be created, create nothing\n"
		   "  --format F       text, csv or json; by default from the file's extension\n"
		   "                   (.txt .md .csv .json), for - '[' means JSON, else text\n",
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

static int cmd_import_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"owner", required_argument, NULL, 'o'},
		{"due", required_argument, NULL, 'd'},
		{"dry-run", no_argument, NULL, 'n'},
		{"format", required_argument, NULL, 'f'},
		CMD_OPT_END,
	};
	const char *owner = NULL, *due = NULL, *format = NULL, *type = NULL;
	bool dry_run = false;
	char due_buf[11];
	int ch;

	while ((ch = cmd_getopt(c, &cmd_import_entry, argc, argv, "n", opts)) != -1) {
		switch (ch) {
		case 'o':
			owner = optarg;
			break;
		case 'd':
			due = optarg;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'f':
			format = optarg;
			break;
		case 'h':
			return EXIT_DONE;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2)
		return cmd_usage(c, &cmd_import_entry, "import needs a MEETING and a FILE (or -)");
	const char *meeting = argv[optind], *file = argv[optind + 1];
	if (format != NULL && (type = type_from_format(format)) == NULL)
		return cmd_usage(c, &cmd_import_entry, "--format is text, csv or json");
	if (due != NULL && !client_date(c, "--due", due, false, due_buf))
		return EXIT_USAGE;

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

	char *m = client_escape(meeting, false);
	char *path = xasprintf("/v1/meetings/%s/import", m);
	char *query = NULL;
	if (dry_run)
		client_query_add(&query, "dry_run", "true");
	if (owner != NULL)
		client_query_add(&query, "owner", owner);
	if (due != NULL)
		client_query_add(&query, "due_on", due_buf);
	char *url = xasprintf("%s%s", path, query != NULL ? query : "");
	struct request_reply r;
	int code = request_raw(c, "POST", url, "application/json", type, data, len, &r);
	free(m);
	free(path);
	free(query);
	free(url);
	free(data);
	if (code != EXIT_DONE)
		return code;
	if (r.json == NULL) {
		request_reply_free(&r);
		return client_fail(c, EXIT_UNREACHABLE, "the server's answer is not JSON");
	}
	if (c->json) {
		client_print_json(c, r.json);
	} else {
		json_t *items = json_is_array(r.json) ? r.json : json_object_get(r.json, "items");
		size_t n = json_array_size(items);
		render_recs(c, items);
		fprintf(c->out, "%s%zu recommendation%s %s %s\n", dry_run ? "dry run: " : "", n,
			n == 1 ? "" : "s", dry_run ? "would be added to" : "added to", meeting);
	}
	request_reply_free(&r);
	return EXIT_DONE;
}
