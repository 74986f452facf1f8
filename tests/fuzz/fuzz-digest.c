/* fuzz-digest.c — the words of notifications (render/digest.c): the reminder digest an
 * owner receives, from items whose texts, refs, titles and dates come from the input, and
 * the overdue report and escalation mails, from documents in the input's JSON.
 *
 * Input: one selector byte, then NUL-separated fields — for a digest the owner's name, the
 * as_of date and, per item, ref, text, meeting code, title, due date (the days and the
 * supporting flag from one byte each); for the report a JSON document (the overdue report,
 * or {"overdue":…, "changes":…, "escalated":…}).
 * Properties: from valid UTF-8 the output is valid UTF-8 without NUL, the subject one line,
 * and every item's ref appears in the digest body; digest_sort orders by days from as_of
 * (the most overdue first), then by ref. A report document of the wrong shape is refused (NULL),
 * never a crash. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "render/digest.h"
#include "utf8.h"
#include "util.h"

#define MAX_ITEMS 3

static void check_text(const char *what, const char *s, bool one_line)
{
	if (s == NULL)
		return;
	FUZZ_CHECK(utf8_valid(s, strlen(s)), "%s not UTF-8", what);
	if (one_line)
		FUZZ_CHECK(strchr(s, '\n') == NULL && strchr(s, '\r') == NULL, "%s: %s", what, s);
}

static void digest_case(struct fuzz_in *in)
{
	struct digest_item items[MAX_ITEMS];
	struct digest d = {.items = items};
	d.lang = fuzz_byte(in) % 2 == 0 ? REPORT_EN : REPORT_FR;
	d.owner_name = fuzz_take(in);
	d.as_of = fuzz_take(in);
	d.n = 1 + fuzz_byte(in) % MAX_ITEMS;
	bool valid =
	    utf8_valid(d.owner_name, strlen(d.owner_name)) && utf8_valid(d.as_of, strlen(d.as_of));
	for (size_t i = 0; i < d.n; i++) {
		items[i].ref = fuzz_take(in);
		items[i].text = fuzz_take(in);
		items[i].meeting_code = fuzz_take(in);
		items[i].meeting_title = fuzz_take(in);
		items[i].due_on = fuzz_take(in);
		items[i].days = (int)fuzz_byte(in) - 128;
		items[i].supporting = fuzz_byte(in) % 2 == 1;
		const char *fields[] = {items[i].ref, items[i].text, items[i].meeting_code,
					items[i].meeting_title, items[i].due_on};
		for (size_t k = 0; k < ARRAY_LEN(fields); k++)
			valid = valid && utf8_valid(fields[k], strlen(fields[k]));
	}
	digest_sort(items, d.n);
	/* Days from as_of order as due dates do (digest.c): the most overdue first. */
	for (size_t i = 1; i < d.n; i++)
		FUZZ_CHECK(items[i - 1].days < items[i].days ||
			       (items[i - 1].days == items[i].days &&
				strcmp(items[i - 1].ref, items[i].ref) <= 0),
			   "%d days (%s) before %d days (%s)", items[i - 1].days, items[i - 1].ref,
			   items[i].days, items[i].ref);
	char *subject = digest_subject(&d);
	char *body = digest_body(&d);
	FUZZ_CHECK(subject != NULL && body != NULL, "no digest");
	if (valid) {
		check_text("subject", subject, false);
		check_text("body", body, false);
		for (size_t i = 0; i < d.n; i++)
			FUZZ_CHECK(strstr(body, items[i].ref) != NULL, "ref %s missing",
				   items[i].ref);
	}
	free(subject);
	free(body);
}

static void report_case(struct fuzz_in *in)
{
	enum report_lang lang = fuzz_byte(in) % 2 == 0 ? REPORT_EN : REPORT_FR;
	const char *text = fuzz_take(in);
	json_t *doc = json_loads(text, JSON_DECODE_ANY, NULL);
	if (doc == NULL)
		return;
	/* A wrapper names the parts; otherwise the document is the overdue report itself. */
	json_t *overdue = json_object_get(doc, "overdue");
	json_t *changes = json_object_get(doc, "changes");
	json_t *escalated = json_object_get(doc, "escalated");
	if (overdue == NULL)
		overdue = doc;
	char *s = digest_report_subject(overdue, lang);
	check_text("report subject", s, false);
	free(s);
	s = digest_report_body(overdue, changes, lang);
	check_text("report body", s, false);
	free(s);
	const char *as_of = json_string_value(json_object_get(overdue, "as_of"));
	if (escalated != NULL && as_of != NULL) {
		s = digest_escalation_subject(escalated, as_of, lang);
		check_text("escalation subject", s, false);
		free(s);
		s = digest_escalation_body(escalated, as_of, lang);
		check_text("escalation body", s, false);
		free(s);
	}
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	fuzz_in_init(&in, data, size);
	if (fuzz_byte(&in) % 2 == 0)
		digest_case(&in);
	else
		report_case(&in);
	fuzz_in_free(&in);
	return 0;
}
