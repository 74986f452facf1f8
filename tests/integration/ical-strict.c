/* ical-strict.c — the second, strict reader of the calendar feed: libical (the library of
 * Evolution and of KDE's calendars), with RFC 5545's restrictions checked. Usage:
 * ical-strict FILE. Prints "ok N events" and exits 0, or prints each problem libical found
 * (its X-LIC-ERROR properties) and exits 1. test-calendar runs it on a real feed. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	fclose(f);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* Problems libical recorded anywhere in the tree, printed; returns how many. */
static int report_errors(icalcomponent *c)
{
	int n = 0;
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	     p != NULL; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
		printf("%s: %s\n", icalcomponent_kind_to_string(icalcomponent_isa(c)),
		       icalproperty_get_xlicerror(p));
		n++;
	}
	for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != NULL;
	     k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
		n += report_errors(k);
	return n;
}

static int count(icalcomponent *c, icalproperty_kind kind)
{
	return icalcomponent_count_properties(c, kind);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ical-strict FILE\n");
		return 2;
	}
	char *text = slurp(argv[1]);
	if (text == NULL) {
		perror(argv[1]);
		return 2;
	}
	/* Errors must come back as X-LIC-ERROR properties, not vanish or abort. */
	icalerror_set_errors_are_fatal(0);
	icalcomponent *cal = icalparser_parse_string(text);
	free(text);
	if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
		printf("not one VCALENDAR\n");
		return 1;
	}
	int bad = 0;
	icalrestriction_check(cal); /* RFC 5545 cardinalities, as X-LIC-ERROR */
	bad += report_errors(cal);
	if (count(cal, ICAL_PRODID_PROPERTY) != 1 || count(cal, ICAL_VERSION_PROPERTY) != 1) {
		printf("VCALENDAR: needs one PRODID and one VERSION\n");
		bad++;
	}
	int events = 0;
	for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	     e != NULL; e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		events++;
		const char *uid = icalcomponent_get_uid(e);
		static const icalproperty_kind once[] = {
		    ICAL_UID_PROPERTY,          ICAL_DTSTAMP_PROPERTY, ICAL_DTSTART_PROPERTY,
		    ICAL_DTEND_PROPERTY,        ICAL_SUMMARY_PROPERTY, ICAL_SEQUENCE_PROPERTY,
		    ICAL_LASTMODIFIED_PROPERTY,
		};
		for (size_t i = 0; i < sizeof once / sizeof once[0]; i++) {
			if (count(e, once[i]) != 1) {
				printf("VEVENT %s: %s %d times\n", uid ? uid : "?",
				       icalproperty_kind_to_string(once[i]), count(e, once[i]));
				bad++;
			}
		}
		struct icaltimetype start = icalcomponent_get_dtstart(e);
		struct icaltimetype end = icalcomponent_get_dtend(e);
		struct icaltimetype stamp = icalcomponent_get_dtstamp(e);
		if (!start.is_date || !end.is_date || icaltime_compare_date_only(start, end) >= 0) {
			printf("VEVENT %s: not an all-day event ending after it starts\n", uid);
			bad++;
		}
		if (stamp.is_date || !icaltime_is_utc(stamp)) {
			printf("VEVENT %s: DTSTAMP is not a UTC date-time\n", uid);
			bad++;
		}
	}
	icalcomponent_free(cal);
	if (bad > 0)
		return 1;
	printf("ok %d events\n", events);
	return 0;
}
