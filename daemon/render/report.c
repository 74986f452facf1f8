/* report.c — render report documents as text and CSV. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/report.h"
#include "utf8.h"
#include "util.h"

struct out {
	char *s;
	size_t len, cap;
	const json_t *labels; /* the document's "status_labels" */
};

static void put(struct out *o, const char *fmt, ...) PRINTFLIKE(2, 3);
static const char *str(const json_t *o, const char *key);
static long num(const json_t *o, const char *key);
static void put_wrapped(struct out *o, const char *indent, const char *text);
static const char *status_label(const struct out *o, const char *status, enum report_lang lang);
static void put_padded(struct out *o, const char *text, size_t width);
static const char *event_kind(const char *kind, enum report_lang lang);
static void put_quoted(struct out *o, const char *indent, const char *text, enum report_lang lang);

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(piece);
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2 + 256;
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->len, piece, n + 1);
	o->len += n;
	free(piece);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

static long num(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

enum report_lang report_lang_parse(const char *locale)
{
	return locale != NULL && strncmp(locale, "fr", 2) == 0 ? REPORT_FR : REPORT_EN;
}

const char *report_days(int n, enum report_lang lang, char *buf, size_t len)
{
	if (lang == REPORT_FR)
		snprintf(buf, len, "%d jour%s", n, n > 1 ? "s" : "");
	else
		snprintf(buf, len, "%d day%s", n, n == 1 ? "" : "s");
	return buf;
}

/* Only a YYYY-MM-DD is rearranged; anything else is shown as it is, cut between whole
 * characters (fuzz-report: a byte cut made invalid UTF-8 of a malformed date). */
const char *report_date(const char *iso, enum report_lang lang, char *buf, size_t len)
{
	bool date = strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-' &&
		    strspn(iso, "0123456789") == 4 && strspn(iso + 5, "0123456789") == 2 &&
		    strspn(iso + 8, "0123456789") == 2;
	if (lang == REPORT_FR && date) {
		snprintf(buf, len, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	} else if (len > 0) {
		size_t n = utf8_cut(iso, len - 1);
		memcpy(buf, iso, n);
		buf[n] = '\0';
	}
	return buf;
}

/* A status as people read it, in lang: the labels come with the document (PostgreSQL puts
 * the statuses table's labels in "status_labels"), so a status a deployment adds is shown
 * with its own label; an unknown one shows as it is. */
static const char *status_label(const struct out *o, const char *status, enum report_lang lang)
{
	const json_t *l =
	    json_object_get(json_object_get(o->labels, status), lang == REPORT_FR ? "fr" : "en");
	return json_is_string(l) ? json_string_value(l) : status;
}

/* text left-aligned in width characters: printf's %-14s counts bytes, so a French label with
 * an accent ("Acceptée") would come out one column short and break the table. */
static void put_padded(struct out *o, const char *text, size_t width)
{
	size_t chars = utf8_count_n(text, strlen(text));

	put(o, "%s%*s", text, chars < width ? (int)(width - chars) : 0, "");
}

/* A history event's kind as people read it; an unknown one shows as it is. */
static const char *event_kind(const char *kind, enum report_lang lang)
{
	static const char *const kinds[][3] = {
	    {"created", "created", "création"},
	    {"transition", "status changed", "changement d’état"},
	    {"edit", "edited", "modification"},
	    {"comment", "comment", "commentaire"},
	};
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (strcmp(kind, kinds[i][0]) == 0)
			return kinds[i][lang == REPORT_FR ? 2 : 1];
	return kind;
}

/* A quotation wrapped under indent, its quotes opened and closed: « … » with no-break spaces
 * in French (they keep each quote on the line of its word), “…” in English. */
static void put_quoted(struct out *o, const char *indent, const char *text, enum report_lang lang)
{
	char *quoted = lang == REPORT_FR ? xasprintf("\xc2\xab\xc2\xa0%s\xc2\xa0\xc2\xbb", text)
					 : xasprintf("\xe2\x80\x9c%s\xe2\x80\x9d", text);
	put_wrapped(o, indent, quoted);
	free(quoted);
}

/* Text lines of a paragraph under an indent, wrapped near 76 columns between words. */
static void put_wrapped(struct out *o, const char *indent, const char *text)
{
	const char *p = text;
	size_t width = 76 - strlen(indent), col = 0;

	put(o, "%s", indent);
	while (*p != '\0') {
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		size_t n = strcspn(p, " \n\t\r"), chars = utf8_count_n(p, n);
		if (col > 0 && col + 1 + chars > width) {
			put(o, "\n%s", indent);
			col = 0;
		} else if (col > 0) {
			put(o, " ");
			col++;
		}
		put(o, "%.*s", (int)n, p);
		col += chars;
		p += n;
	}
	put(o, "\n");
}

static void put_overdue_item(struct out *o, const json_t *it, enum report_lang lang)
{
	char days[32], date[16];

	report_days((int)num(it, "days_overdue"), lang, days, sizeof days);
	report_date(str(it, "due_on"), lang, date, sizeof date);
	if (lang == REPORT_FR)
		put(o, "    %s — échéance %s, en retard de %s (%s)\n", str(it, "ref"), date, days,
		    status_label(o, str(it, "status"), lang));
	else
		put(o, "    %s — due %s, %s overdue (%s)\n", str(it, "ref"), date, days,
		    status_label(o, str(it, "status"), lang));
	put_wrapped(o, "      ", str(it, "text"));
}

char *report_overdue_text(const json_t *report, enum report_lang lang)
{
	struct out o = {.labels = json_object_get(report, "status_labels")};
	const json_t *owners = json_object_get(report, "owners");
	char date[16];
	size_t i, j, k;
	json_t *ow, *mt, *it;

	if (!json_is_object(report) || !json_is_array(owners))
		return NULL;
	report_date(str(report, "as_of"), lang, date, sizeof date);
	long total = num(report, "total");
	if (lang == REPORT_FR) {
		put(&o, "Recommandations en retard au %s\n\n", date);
		if (total == 0)
			put(&o, "Aucune recommandation n’est en retard.\n");
		else
			put(&o, "%ld recommandation%s en retard.\n", total, total > 1 ? "s" : "");
	} else {
		put(&o, "Overdue recommendations as of %s\n\n", date);
		if (total == 0)
			put(&o, "No recommendation is overdue.\n");
		else
			put(&o, "%ld overdue recommendation%s.\n", total, total == 1 ? "" : "s");
	}
	json_array_foreach (owners, i, ow) {
		const json_t *owner = json_object_get(ow, "owner");
		put(&o, "\n%s (%s) — %ld\n", str(owner, "name"), str(owner, "handle"),
		    num(ow, "total"));
		json_array_foreach (json_object_get(ow, "meetings"), j, mt) {
			put(&o, "  %s — %s\n", str(mt, "code"), str(mt, "title"));
			json_array_foreach (json_object_get(mt, "items"), k, it)
				put_overdue_item(&o, it, lang);
		}
	}
	const json_t *unowned = json_object_get(report, "unowned");
	if (json_array_size(unowned) > 0) {
		put(&o, "\n%s — %zu\n",
		    lang == REPORT_FR ? "Sans responsable" : "Without a lead owner",
		    json_array_size(unowned));
		json_array_foreach (unowned, k, it)
			put_overdue_item(&o, it, lang);
	}
	return o.s;
}

void report_csv_field(char **buf, size_t *len, size_t *cap, const char *value)
{
	struct out o = {*buf, *len, *cap, NULL};
	bool formula = value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@';
	bool quote = formula || strpbrk(value, ",\"\r\n") != NULL;

	if (!quote) {
		put(&o, "%s", value);
	} else {
		put(&o, "\"%s", formula ? "'" : "");
		for (const char *p = value; *p != '\0'; p++)
			put(&o, *p == '"' ? "\"\"" : "%c", *p);
		put(&o, "\"");
	}
	*buf = o.s;
	*len = o.len;
	*cap = o.cap;
}

static void csv_row(struct out *o, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			put(o, ",");
		report_csv_field(&o->s, &o->len, &o->cap, fields[i]);
	}
	put(o, "\r\n");
}

static void overdue_csv_item(struct out *o, const json_t *owner, const char *meeting,
			     const json_t *it)
{
	char days[24];

	snprintf(days, sizeof days, "%ld", num(it, "days_overdue"));
	const char *row[] = {str(owner, "handle"), str(owner, "name"), meeting, str(it, "ref"),
			     str(it, "status"),    str(it, "due_on"),  days,    str(it, "text")};
	csv_row(o, row, ARRAY_LEN(row));
}

char *report_overdue_csv(const json_t *report)
{
	struct out o = {0};
	static const char *const header[] = {"owner",  "owner_name", "meeting",      "ref",
					     "status", "due_on",     "days_overdue", "text"};
	size_t i, j, k;
	json_t *ow, *mt, *it;

	if (!json_is_object(report) || !json_is_array(json_object_get(report, "owners")))
		return NULL;
	csv_row(&o, header, ARRAY_LEN(header));
	json_array_foreach (json_object_get(report, "owners"), i, ow) {
		const json_t *owner = json_object_get(ow, "owner");
		json_array_foreach (json_object_get(ow, "meetings"), j, mt)
			json_array_foreach (json_object_get(mt, "items"), k, it)
				overdue_csv_item(&o, owner, str(mt, "code"), it);
	}
	json_array_foreach (json_object_get(report, "unowned"), k, it) {
		const char *ref = str(it, "ref");
		const char *slash = strrchr(ref, '/');
		char *meeting = xstrndup(ref, slash != NULL ? (size_t)(slash - ref) : strlen(ref));
		overdue_csv_item(&o, NULL, meeting, it);
		free(meeting);
	}
	return o.s;
}

char *report_summary_text(const json_t *report, enum report_lang lang)
{
	struct out o = {.labels = json_object_get(report, "status_labels")};
	const char *k;
	json_t *v, *m;
	size_t i;
	char date[16];

	if (!json_is_object(report) || !json_is_object(json_object_get(report, "by_status")))
		return NULL;
	report_date(str(report, "as_of"), lang, date, sizeof date);
	put(&o, lang == REPORT_FR ? "Synthèse au %s\n\n" : "Summary as of %s\n\n", date);
	put(&o,
	    lang == REPORT_FR ? "Ouvertes : %ld, en retard : %ld\n\n"
			      : "Open: %ld, overdue: %ld\n\n",
	    num(report, "open"), num(report, "overdue"));
	json_object_foreach ((json_t *)json_object_get(report, "by_status"), k, v) {
		put(&o, "  ");
		put_padded(&o, status_label(&o, k, lang), 14);
		put(&o, " %5lld\n", (long long)json_integer_value(v));
	}
	put(&o, lang == REPORT_FR ? "\nPar réunion\n" : "\nBy meeting\n");
	json_array_foreach (json_object_get(report, "meetings"), i, m)
		put(&o, "  %-28s %s %ld, %s %ld\n", str(m, "code"),
		    lang == REPORT_FR ? "ouvertes" : "open", num(m, "open"),
		    lang == REPORT_FR ? "en retard" : "overdue", num(m, "overdue"));
	put(&o, lang == REPORT_FR ? "\nPar responsable\n" : "\nBy owner\n");
	json_array_foreach (json_object_get(report, "owners"), i, m)
		put(&o, "  %-28s %s %ld, %s %ld\n", str(m, "handle"),
		    lang == REPORT_FR ? "ouvertes" : "open", num(m, "open"),
		    lang == REPORT_FR ? "en retard" : "overdue", num(m, "overdue"));
	return o.s;
}

char *report_summary_csv(const json_t *report)
{
	struct out o = {0};
	static const char *const header[] = {"kind", "key", "title", "open", "overdue"};
	json_t *m;
	size_t i;
	char a[24], b[24];

	if (!json_is_object(report))
		return NULL;
	csv_row(&o, header, ARRAY_LEN(header));
	json_array_foreach (json_object_get(report, "meetings"), i, m) {
		snprintf(a, sizeof a, "%ld", num(m, "open"));
		snprintf(b, sizeof b, "%ld", num(m, "overdue"));
		const char *row[] = {"meeting", str(m, "code"), str(m, "title"), a, b};
		csv_row(&o, row, ARRAY_LEN(row));
	}
	json_array_foreach (json_object_get(report, "owners"), i, m) {
		snprintf(a, sizeof a, "%ld", num(m, "open"));
		snprintf(b, sizeof b, "%ld", num(m, "overdue"));
		const char *row[] = {"owner", str(m, "handle"), str(m, "name"), a, b};
		csv_row(&o, row, ARRAY_LEN(row));
	}
	return o.s;
}

char *report_brief_text(const json_t *report, enum report_lang lang)
{
	struct out o = {.labels = json_object_get(report, "status_labels")};
	const json_t *meeting = json_object_get(report, "meeting");
	const json_t *prev = json_object_get(report, "previous");
	json_t *it, *ch, *ev;
	size_t i, j;
	char date[16];

	if (!json_is_object(report) || !json_is_object(meeting))
		return NULL;
	report_date(str(meeting, "starts_on"), lang, date, sizeof date);
	/* A meeting without a place (a side event, an online one) shows its date alone. */
	const char *place = str(meeting, "place");
	put(&o,
	    lang == REPORT_FR ? "Note de suivi — %s (%s%s%s)\nSérie : %s\n"
			      : "Follow-up brief — %s (%s%s%s)\nSeries: %s\n",
	    str(meeting, "title"), place, place[0] != '\0' ? ", " : "", date,
	    str(report, "series"));
	if (json_is_object(prev)) {
		report_date(str(prev, "starts_on"), lang, date, sizeof date);
		put(&o,
		    lang == REPORT_FR ? "Réunion précédente : %s (%s)\n"
				      : "Previous meeting: %s (%s)\n",
		    str(prev, "title"), date);
	}
	put(&o,
	    lang == REPORT_FR ? "\nRecommandations encore ouvertes (%zu)\n"
			      : "\nRecommendations still open (%zu)\n",
	    json_array_size(json_object_get(report, "open")));
	json_array_foreach (json_object_get(report, "open"), i, it) {
		const char *due = str(it, "due_on");
		if (due[0] != '\0') {
			report_date(due, lang, date, sizeof date);
			put(&o, "  %s [%s] — %s %s%s\n", str(it, "ref"),
			    status_label(&o, str(it, "status"), lang),
			    lang == REPORT_FR ? "échéance" : "due", date,
			    json_is_true(json_object_get(it, "overdue"))
				? (lang == REPORT_FR ? " (en retard)" : " (overdue)")
				: "");
		} else {
			put(&o, "  %s [%s]\n", str(it, "ref"),
			    status_label(&o, str(it, "status"), lang));
		}
		put_wrapped(&o, "    ", str(it, "text"));
	}
	put(&o, lang == REPORT_FR ? "\nÉvolutions depuis la réunion précédente\n"
				  : "\nChanges since the previous meeting\n");
	if (json_array_size(json_object_get(report, "changes")) == 0)
		put(&o, lang == REPORT_FR ? "  Aucune.\n" : "  None.\n");
	json_array_foreach (json_object_get(report, "changes"), i, ch) {
		put(&o, "  %s\n", str(ch, "ref"));
		put_wrapped(&o, "    ", str(ch, "text"));
		json_array_foreach (json_object_get(ch, "events"), j, ev) {
			char on[16], day[11];
			const json_t *after = json_object_get(ev, "after");
			const char *to = json_is_object(after) ? str(after, "status") : "";
			const char *actor = str(ev, "actor");
			size_t n = utf8_cut(str(ev, "at"), sizeof day - 1);
			memcpy(day, str(ev, "at"), n);
			day[n] = '\0';
			report_date(day, lang, on, sizeof on);
			put(&o, "    - %s %s", on, event_kind(str(ev, "kind"), lang));
			if (actor[0] != '\0')
				put(&o, " (%s)", actor);
			if (to[0] != '\0')
				put(&o, " → %s", status_label(&o, to, lang));
			put(&o, "\n");
			if (str(ev, "comment")[0] != '\0')
				put_quoted(&o, "      ", str(ev, "comment"), lang);
		}
	}
	return o.s;
}

char *report_brief_csv(const json_t *report)
{
	struct out o = {0};
	static const char *const header[] = {"section",  "ref",        "status", "due_on", "text",
					     "event_at", "event_kind", "actor",  "comment"};
	json_t *it, *ch, *ev;
	size_t i, j;

	if (!json_is_object(report))
		return NULL;
	csv_row(&o, header, ARRAY_LEN(header));
	json_array_foreach (json_object_get(report, "open"), i, it) {
		const char *row[] = {"open",
				     str(it, "ref"),
				     str(it, "status"),
				     str(it, "due_on"),
				     str(it, "text"),
				     "",
				     "",
				     "",
				     ""};
		csv_row(&o, row, ARRAY_LEN(row));
	}
	json_array_foreach (json_object_get(report, "changes"), i, ch)
		json_array_foreach (json_object_get(ch, "events"), j, ev) {
			const char *row[] = {"change",
					     str(ch, "ref"),
					     "",
					     "",
					     str(ch, "text"),
					     str(ev, "at"),
					     str(ev, "kind"),
					     str(ev, "actor"),
					     str(ev, "comment")};
			csv_row(&o, row, ARRAY_LEN(row));
		}
	return o.s;
}
