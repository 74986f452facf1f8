/* import-csv.c — text/csv with a header row (RFC 4180), one recommendation per record.
 * The accepted dialect is documented in import.h. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import-csv.h"
#include "import/import-buf.h"
#include "import/import-item.h"
#include "util.h"
#include "utf8.h"

enum column {
	COL_TEXT,
	COL_DETAILS,
	COL_OWNER,
	COL_DUE_ON,
	COL_PRIORITY,
	COL_STATUS,
	COL_TAGS,
	COL_SUPPORTING,
	COL_COUNT,
};

static const char *const column_names[COL_COUNT] = {"text",     "details", "owner", "due_on",
						    "priority", "status",  "tags",  "supporting"};

struct csv {
	struct import_item_ctx *ctx;
	const char *p;
	const char *end;
	char delim;
	int row;                  /* the record being read: the header is 1 */
	const char *const *names; /* header names by field index, once read */
	size_t nnames;
};

/* One record: its fields as NUL-terminated strings. */
struct record {
	char **fields;
	size_t n;
};

static char detect_delimiter(const char *p, const char *end);
static int read_record(struct csv *c, struct record *rec);
static int read_field(struct csv *c, size_t index, struct import_buf *field, bool *last);
static int check_field(struct csv *c, size_t index, const struct import_buf *field);
static int end_of_field(struct csv *c, size_t index, bool *last);
static const char *field_name(const struct csv *c, size_t i);
static int map_header(struct csv *c, const struct record *hdr, int map[COL_COUNT]);
static int make_item(struct csv *c, const struct record *rec, const int map[COL_COUNT]);
static void split_list(const char *s, char ***list, size_t *n);
static bool record_empty(const struct record *rec);
static void record_clear(struct record *rec);

int import_csv_parse(struct import_item_ctx *ctx, const char *data, size_t len)
{
	struct csv c = {ctx, data, data + len, detect_delimiter(data, data + len), 0, NULL, 0};
	struct record hdr = {0};
	struct record rec = {0};
	int map[COL_COUNT];
	int rc = -1;

	if (c.p == c.end) {
		import_item_fail(ctx, 0, NULL, "the CSV is empty: a header row is expected");
		goto out;
	}
	if (read_record(&c, &hdr) == -1 || map_header(&c, &hdr, map) == -1)
		goto out;
	c.names = (const char *const *)hdr.fields;
	c.nnames = hdr.n;
	while (c.p < c.end) {
		if (read_record(&c, &rec) == -1)
			goto out;
		if (!record_empty(&rec) && make_item(&c, &rec, map) == -1)
			goto out;
		record_clear(&rec);
	}
	rc = 0;
out:
	record_clear(&rec);
	record_clear(&hdr);
	return rc;
}

/* The first ',' ';' or tab on the header line; ',' when it has a single column. */
static char detect_delimiter(const char *p, const char *end)
{
	for (; p < end && *p != '\n' && *p != '\r'; p++) {
		if (*p == ',' || *p == ';' || *p == '\t')
			return *p;
	}
	return ',';
}

/* Read one record and its line end; c->p must not be at the end. */
static int read_record(struct csv *c, struct record *rec)
{
	struct import_buf field = {0};
	bool last = false;

	c->row++;
	while (!last) {
		if (read_field(c, rec->n, &field, &last) == -1 ||
		    check_field(c, rec->n, &field) == -1) {
			import_buf_free(&field);
			return -1;
		}
		rec->fields = xrealloc(rec->fields, (rec->n + 1) * sizeof *rec->fields);
		rec->fields[rec->n++] = import_buf_take(&field);
	}
	return 0;
}

/* Read one field into *field; *last when the record ends with it. */
static int read_field(struct csv *c, size_t index, struct import_buf *field, bool *last)
{
	const char *q = c->p;

	/* Spaces before an opening quote and after the closing one are tolerated: some
	 * writers pad their fields. */
	while (q < c->end && (*q == ' ' || *q == '\t') && *q != c->delim)
		q++;
	if (q == c->end || *q != '"') {
		while (c->p < c->end && *c->p != c->delim && *c->p != '\n' && *c->p != '\r') {
			if (*c->p == '"')
				return import_item_fail(
				    c->ctx, c->row, field_name(c, index),
				    "has a quote inside an unquoted field (enclose the field in "
				    "quotes and double the quote)");
			import_buf_addc(field, *c->p++);
		}
		return end_of_field(c, index, last);
	}
	c->p = q + 1;
	for (;;) {
		if (c->p == c->end)
			return import_item_fail(c->ctx, c->row, field_name(c, index),
						"has a quote that is never closed");
		if (*c->p == '"' && c->p + 1 < c->end && c->p[1] == '"') {
			import_buf_addc(field, '"');
			c->p += 2;
		} else if (*c->p == '"') {
			c->p++;
			break;
		} else {
			import_buf_addc(field, *c->p++);
		}
	}
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t') && *c->p != c->delim)
		c->p++;
	return end_of_field(c, index, last);
}

/* After a field: a delimiter, a line end (CR LF, LF or CR) or the end of the data. */
static int end_of_field(struct csv *c, size_t index, bool *last)
{
	if (c->p == c->end) {
		*last = true;
	} else if (*c->p == c->delim) {
		c->p++;
	} else if (*c->p == '\r' || *c->p == '\n') {
		if (*c->p == '\r' && c->p + 1 < c->end && c->p[1] == '\n')
			c->p++;
		c->p++;
		*last = true;
	} else {
		return import_item_fail(c->ctx, c->row, field_name(c, index),
					"has text after its closing quote");
	}
	return 0;
}

/* A field becomes a C string: valid UTF-8 and no NUL byte. */
static int check_field(struct csv *c, size_t index, const struct import_buf *field)
{
	if (field->len == 0)
		return 0;
	if (!utf8_valid(field->s, field->len))
		return import_item_fail(c->ctx, c->row, field_name(c, index),
					"is not valid UTF-8 (save the file as UTF-8)");
	if (memchr(field->s, '\0', field->len) != NULL)
		return import_item_fail(c->ctx, c->row, field_name(c, index),
					"contains the control character U+0000");
	return 0;
}

/* The column name for errors: NULL while reading the header or past its last column. */
static const char *field_name(const struct csv *c, size_t i)
{
	return c->names != NULL && i < c->nnames ? c->names[i] : NULL;
}

/* Give each known column its field index (-1 when absent); refuse unknown and repeated ones. */
static int map_header(struct csv *c, const struct record *hdr, int map[COL_COUNT])
{
	for (size_t k = 0; k < COL_COUNT; k++)
		map[k] = -1;
	for (size_t i = 0; i < hdr->n; i++) {
		char *name = str_trim(hdr->fields[i]);
		size_t k = 0;
		while (k < COL_COUNT && strcasecmp(name, column_names[k]) != 0)
			k++;
		if (*name == '\0')
			return import_item_fail(c->ctx, 1, NULL,
						"column %zu of the header has no name", i + 1);
		if (k == COL_COUNT)
			return import_item_fail(
			    c->ctx, 1, name,
			    "unknown column (the columns are text, details, owner, due_on, "
			    "priority, status, tags and supporting)");
		if (map[k] != -1)
			return import_item_fail(c->ctx, 1, name, "the column is repeated");
		/* Errors name columns as the header spells them, but in lower case. */
		memcpy(name, column_names[k], strlen(column_names[k]) + 1);
		map[k] = (int)i;
	}
	if (map[COL_TEXT] == -1)
		return import_item_fail(c->ctx, 1, "text", "the header has no text column");
	return 0;
}

static int make_item(struct csv *c, const struct record *rec, const int map[COL_COUNT])
{
	struct import_item item = {.row = c->row};
	char **slots[COL_COUNT] = {&item.text,     &item.details, &item.owner, &item.due_on,
				   &item.priority, &item.status,  NULL,        NULL};

	if (rec->n != c->nnames)
		return import_item_fail(c->ctx, c->row, NULL, "has %zu fields, the header has %zu",
					rec->n, c->nnames);
	for (size_t k = 0; k < COL_COUNT; k++) {
		const char *v = map[k] >= 0 ? rec->fields[map[k]] : "";
		if (*v == '\0')
			continue;
		if (k == COL_TAGS)
			split_list(v, &item.tags, &item.ntags);
		else if (k == COL_SUPPORTING)
			split_list(v, &item.supporting, &item.nsupporting);
		else
			*slots[k] = xstrdup(v);
	}
	return import_item_add(c->ctx, &item);
}

/* "a; b|c" → a, b, c; empty parts are skipped. */
static void split_list(const char *s, char ***list, size_t *n)
{
	while (*s != '\0') {
		size_t len = strcspn(s, ";|");
		const char *b = s;
		const char *e = s + len;
		size_t k;
		while ((k = import_item_space_len(b, e)) > 0)
			b += k;
		while ((k = import_item_space_before(b, e)) > 0)
			e -= k;
		if (e > b)
			import_item_list_add(list, n, b, (size_t)(e - b));
		s += len;
		if (*s != '\0')
			s++;
	}
}

static bool record_empty(const struct record *rec)
{
	for (size_t i = 0; i < rec->n; i++) {
		const char *p = rec->fields[i];
		const char *e = p + strlen(p);
		size_t k;
		while ((k = import_item_space_len(p, e)) > 0 ||
		       (p < e && (*p == '\n' || *p == '\r')))
			p += k > 0 ? k : 1;
		if (p < e)
			return false;
	}
	return true;
}

static void record_clear(struct record *rec)
{
	for (size_t i = 0; i < rec->n; i++)
		free(rec->fields[i]);
	free(rec->fields);
	rec->fields = NULL;
	rec->n = 0;
}
