/* calendar.h — deadlines as an iCalendar feed (RFC 5545): one all-day VEVENT per open
 * recommendation with a deadline, rendered from the document suivi_calendar() builds
 * (sql/api/80-calendar.sql). Pure and deterministic: the same document gives the same bytes,
 * so that the API's ETag is a hash of the text (DTSTAMP is the item's last change, not now).
 *
 * Lines end in CRLF and are folded at 75 octets between UTF-8 characters; TEXT values have
 * \ ; , and newlines escaped, other control characters dropped.
 *
 * Layer rule: render may use only core (pure functions, no I/O); notify and api use render. */
#ifndef SUIVI_CALENDAR_H
#define SUIVI_CALENDAR_H

#include <stddef.h>

#include <jansson.h>

/* The feed's text (caller frees; *len its length), or NULL when doc is not of the expected
 * shape. link_base ("http://host:port", may be NULL) prefixes each event's API link. */
char *calendar_ics(const json_t *doc, const char *link_base, size_t *len);

/* Append one content line "name:value" to *buf (grown as needed), value escaped as TEXT
 * when escape is set, folded and ended by CRLF. Exposed for the unit tests. */
void calendar_line(char **buf, size_t *len, size_t *cap, const char *name, const char *value,
		   int escape);

#endif
