/* report.h — the reports as people read them: plain text (as mailed) and RFC 4180 CSV,
 * rendered from the JSON documents PostgreSQL builds (doc/api.md "Reports"). Pure: used by
 * GET /v1/reports/… and by the mailer, so the API shows exactly what is mailed.
 *
 * Layer rule: render may use only core (pure functions, no I/O); notify and api use render. */
#ifndef SUIVI_REPORT_H
#define SUIVI_REPORT_H

#include <jansson.h>

enum report_lang {
	REPORT_EN = 0,
	REPORT_FR,
};

/* "fr" → REPORT_FR, anything else English. */
enum report_lang report_lang_parse(const char *locale);

/* Each returns a NUL-terminated string the caller frees, or NULL when the document is not of
 * the expected shape. */
char *report_overdue_text(const json_t *report, enum report_lang lang);
char *report_overdue_csv(const json_t *report);
char *report_summary_text(const json_t *report, enum report_lang lang);
char *report_summary_csv(const json_t *report);
char *report_brief_text(const json_t *report, enum report_lang lang);
char *report_brief_csv(const json_t *report);

/* One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled), and
 * also when it starts with = + - @ (spreadsheet formula injection), then prefixed by '. */
void report_csv_field(char **buf, size_t *len, size_t *cap, const char *value);

/* "12 days" / "12 jours", "1 day" / "1 jour". */
const char *report_days(int n, enum report_lang lang, char *buf, size_t len);
/* A date YYYY-MM-DD for people: "2026-03-31" in English, "31/03/2026" in French. */
const char *report_date(const char *iso, enum report_lang lang, char *buf, size_t len);

#endif
