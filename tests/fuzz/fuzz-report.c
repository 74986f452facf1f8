/* fuzz-report.c — the reports as people read them (render/report.c): overdue, summary and
 * brief, as text in English and French and as CSV, from any JSON document.
 *
 * Input: one selector byte, then the JSON document.
 * Properties: a document of the wrong shape gives NULL, never a crash; text output is valid
 * UTF-8 without NUL; CSV output is RFC 4180 — it parses back (quotes balanced) into records
 * that all have the header's number of fields — and no field a spreadsheet would run as a
 * formula (= + - @ first) is left unprefixed. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "render/report.h"
#include "utf8.h"
#include "util.h"

/* Parse RFC 4180 text; checks the record widths and formula prefixes. */
static void check_csv(const char *csv)
{
	FUZZ_CHECK(utf8_valid(csv, strlen(csv)), "CSV not UTF-8");
	size_t fields = 0, width = 0, record = 0;
	const char *p = csv;
	while (*p != '\0') {
		bool quoted = *p == '"';
		const char *start = p;
		if (quoted) {
			p++;
			for (;;) {
				FUZZ_CHECK(*p != '\0', "an unclosed quote in record %zu", record);
				if (*p == '"' && p[1] == '"')
					p += 2;
				else if (*p == '"')
					break;
				else
					p++;
			}
			p++;
			start++;
		} else {
			p += strcspn(p, ",\r\n\"");
			FUZZ_CHECK(*p != '"', "a quote inside an unquoted field, record %zu",
				   record);
		}
		FUZZ_CHECK(
		    !(start[0] == '=' || start[0] == '+' || start[0] == '-' || start[0] == '@') ||
			p - start <= 1 || (start[0] == '-' && start[1] >= '0' && start[1] <= '9'),
		    "a formula left as it is in record %zu", record);
		fields++;
		if (*p == ',') {
			p++;
			continue;
		}
		FUZZ_CHECK(*p == '\r' || *p == '\n' || *p == '\0', "text after a field");
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		if (record == 0)
			width = fields;
		FUZZ_CHECK(fields == width, "record %zu has %zu fields, the header %zu", record,
			   fields, width);
		fields = 0;
		record++;
	}
}

static void check_text(const char *s)
{
	if (s != NULL)
		FUZZ_CHECK(utf8_valid(s, strlen(s)), "text not UTF-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned which = data[0] % 3;
	json_t *doc = json_loadb((const char *)data + 1, size - 1, JSON_DECODE_ANY, NULL);
	if (doc == NULL)
		return 0;
	char *(*text_fn)(const json_t *, enum report_lang) = which == 0   ? report_overdue_text
							     : which == 1 ? report_summary_text
									  : report_brief_text;
	char *(*csv_fn)(const json_t *) = which == 0   ? report_overdue_csv
					  : which == 1 ? report_summary_csv
						       : report_brief_csv;
	for (int lang = REPORT_EN; lang <= REPORT_FR; lang++) {
		char *t = text_fn(doc, (enum report_lang)lang);
		check_text(t);
		free(t);
	}
	char *csv = csv_fn(doc);
	if (csv != NULL)
		check_csv(csv);
	free(csv);
	json_decref(doc);
	return 0;
}
