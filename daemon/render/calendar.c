/* calendar.c — the deadline feed as iCalendar text (RFC 5545), from suivi_calendar()'s
 * document. */
#include "suivi-config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "render/calendar.h"
#include "utf8.h"
#include "util.h"

#define ICS_LINE_MAX 75 /* octets of a line, CRLF excluded (RFC 5545 §3.1) */

struct out {
	char *s;
	size_t len, cap;
};

static void out_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
static char *text_escape(const char *value);
static bool ics_date(const char *iso, char out[9], char next[9]);
static bool ics_timestamp(const char *rfc3339, char out[17]);
static bool event_add(struct out *o, const json_t *ev, const char *link_base);

static void out_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/* TEXT (§3.3.11): backslash, semicolon, comma and newline escaped; CR (of CRLF) and the other
 * control characters, which TEXT may not hold, dropped; HTAB kept. */
static char *text_escape(const char *value)
{
	size_t n = strlen(value);
	char *e = xmalloc(2 * n + 1);
	size_t o = 0;
	for (const char *p = value; *p != '\0';) {
		uint32_t cp;
		size_t k = utf8_next(p, &cp);
		if (cp == '\\' || cp == ';' || cp == ',') {
			e[o++] = '\\';
			e[o++] = (char)cp;
		} else if (cp == '\n') {
			e[o++] = '\\';
			e[o++] = 'n';
		} else if (cp != '\t' && (utf8_is_control(cp) || cp == UTF8_REPLACEMENT)) {
			/* dropped (an invalid byte too: the value must stay UTF-8) */
		} else {
			memcpy(e + o, p, k);
			o += k;
		}
		p += k;
	}
	e[o] = '\0';
	return e;
}

/* Fold (§3.1): at most 75 octets a line, a continuation starts with one space (counted), and
 * a cut falls between two characters so that no line holds half of one. */
void calendar_line(char **buf, size_t *len, size_t *cap, const char *name, const char *value,
		   int escape)
{
	char *escaped = escape ? text_escape(value) : NULL;
	char *line = xasprintf("%s:%s", name, escaped != NULL ? escaped : value);
	free(escaped);
	const char *p = line;
	size_t room = ICS_LINE_MAX;
	for (;;) {
		size_t n = utf8_cut(p, room);
		if (n == 0 && *p != '\0') /* cannot happen with room >= 4; never loop forever */
			n = 1;
		out_add(buf, len, cap, p, n);
		out_add(buf, len, cap, "\r\n", 2);
		p += n;
		if (*p == '\0')
			break;
		out_add(buf, len, cap, " ", 1);
		room = ICS_LINE_MAX - 1;
	}
	free(line);
}

/* "2024-06-30" → "20240630" and the day after (DTEND of an all-day event is exclusive). */
static bool ics_date(const char *iso, char out[9], char next[9])
{
	struct date d;
	if (iso == NULL || !date_parse(iso, &d))
		return false;
	struct date n = date_from_days(date_to_days(&d) + 1);
	snprintf(out, 9, "%04d%02d%02d", d.year, d.month, d.day);
	snprintf(next, 9, "%04d%02d%02d", n.year, n.month, n.day);
	return true;
}

/* "2024-06-30T12:34:56Z" → "20240630T123456Z" (UTC form, §3.3.5). */
static bool ics_timestamp(const char *rfc3339, char out[17])
{
	if (rfc3339 == NULL || strlen(rfc3339) != 20 || rfc3339[10] != 'T' || rfc3339[19] != 'Z')
		return false;
	const char *p = rfc3339;
	snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", p, p + 5, p + 8, p + 11, p + 14, p + 17);
	return strspn(out, "0123456789") == 8 && strspn(out + 9, "0123456789") == 6;
}

static const char *str_or(const json_t *obj, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s != NULL ? s : def;
}

static bool event_add(struct out *o, const json_t *ev, const char *link_base)
{
	json_int_t id = json_integer_value(json_object_get(ev, "id"));
	json_int_t version = json_integer_value(json_object_get(ev, "version"));
	const char *ref = str_or(ev, "ref", NULL), *text = str_or(ev, "text", NULL);
	char start[9], end[9], stamp[17];
	if (id <= 0 || version <= 0 || ref == NULL || text == NULL ||
	    !ics_date(str_or(ev, "due_on", NULL), start, end) ||
	    !ics_timestamp(str_or(ev, "updated_at", NULL), stamp))
		return false;

	char *s;
#define LINE(name, value, esc) calendar_line(&o->s, &o->len, &o->cap, (name), (value), (esc))
	LINE("BEGIN", "VEVENT", 0);
	/* The id never changes, unlike the ref's meeting code or the text. */
	s = xasprintf("suivi-recommendation-%lld", (long long)id);
	LINE("UID", s, 1);
	free(s);
	/* DTSTAMP as the last change keeps the text (and so the ETag) stable between changes. */
	LINE("DTSTAMP", stamp, 0);
	LINE("LAST-MODIFIED", stamp, 0);
	/* A new item is at version 1, SEQUENCE 0; every change (a new deadline too) raises both. */
	s = xasprintf("%lld", (long long)(version - 1));
	LINE("SEQUENCE", s, 0);
	free(s);
	LINE("DTSTART;VALUE=DATE", start, 0);
	LINE("DTEND;VALUE=DATE", end, 0);
	s = xasprintf("%s \u2014 %s", ref, text);
	LINE("SUMMARY", s, 1);
	free(s);

	const char *owner = str_or(ev, "owner", NULL);
	char *who = owner == NULL ? xstrdup("(no owner)")
				  : xasprintf("%s (%s)", str_or(ev, "owner_name", owner), owner);
	char *link = link_base != NULL
			 ? xasprintf("%s/v1/recommendations/%lld", link_base, (long long)id)
			 : NULL;
	s = xasprintf("Owner: %s\nStatus: %s\nMeeting: %s (%s)%s%s", who,
		      str_or(ev, "status_label", str_or(ev, "status", "")),
		      str_or(ev, "meeting_title", ""), str_or(ev, "meeting", ""),
		      link != NULL ? "\n" : "", link != NULL ? link : "");
	LINE("DESCRIPTION", s, 1);
	free(s);
	free(who);
	if (link != NULL)
		LINE("URL;VALUE=URI", link, 0);
	free(link);
	LINE("TRANSP", "TRANSPARENT", 0);
	LINE("END", "VEVENT", 0);
#undef LINE
	return true;
}

char *calendar_ics(const json_t *doc, const char *link_base, size_t *len)
{
	const json_t *events = json_object_get(doc, "events");
	if (!json_is_array(events))
		return NULL;
	struct out o = {0};
	calendar_line(&o.s, &o.len, &o.cap, "BEGIN", "VCALENDAR", 0);
	calendar_line(&o.s, &o.len, &o.cap, "VERSION", "2.0", 0);
	calendar_line(&o.s, &o.len, &o.cap, "PRODID", "-//suivi//suivi " PACKAGE_VERSION "//EN", 0);
	calendar_line(&o.s, &o.len, &o.cap, "CALSCALE", "GREGORIAN", 0);
	calendar_line(&o.s, &o.len, &o.cap, "X-WR-CALNAME", "suivi deadlines", 1);
	size_t i;
	const json_t *ev;
	json_array_foreach (events, i, ev) {
		if (!event_add(&o, ev, link_base)) {
			free(o.s);
			return NULL;
		}
	}
	calendar_line(&o.s, &o.len, &o.cap, "END", "VCALENDAR", 0);
	*len = o.len;
	return o.s;
}
