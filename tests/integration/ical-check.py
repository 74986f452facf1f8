#!/usr/bin/python3
"""ical-check.py FILE — read a calendar feed with python3-icalendar (Debian's package) and
print what it understood as JSON, for test-calendar to compare with the database.

python3-icalendar 4.0.3 checks little by itself (PITFALLS.md): it takes LF-only lines and
long lines, and puts bad values into component.errors instead of raising. So the framing is
checked here first — CRLF everywhere, at most 75 octets a line, every line valid UTF-8 on
its own (no fold inside a character) — then the parser's errors and the properties RFC 5545
requires. Exits 1 with the problems on stderr."""
import json
import sys

import icalendar


def fail(msg):
    print("ical-check: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    data = open(sys.argv[1], "rb").read()
    if not data.endswith(b"\r\n"):
        fail("the feed does not end with CRLF")
    for n, line in enumerate(data[:-2].split(b"\r\n"), 1):
        if b"\r" in line or b"\n" in line:
            fail("line %d: a bare CR or LF" % n)
        if len(line) > 75:
            fail("line %d: %d octets (at most 75)" % (n, len(line)))
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail("line %d: not UTF-8 on its own (a fold split a character)" % n)

    cal = icalendar.Calendar.from_ical(data)
    for prop in ("PRODID", "VERSION"):
        if prop not in cal:
            fail("VCALENDAR without " + prop)
    events = []
    for comp in cal.walk():
        if comp.errors:
            fail("%s: %s" % (comp.name, comp.errors))
        if comp.name != "VEVENT":
            continue
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE",
                     "LAST-MODIFIED"):
            if prop not in comp:
                fail("VEVENT without " + prop)
        start = comp.decoded("DTSTART")
        end = comp.decoded("DTEND")
        events.append({
            "uid": str(comp["UID"]),
            "sequence": int(comp.decoded("SEQUENCE")),
            "summary": str(comp["SUMMARY"]),
            "description": str(comp.get("DESCRIPTION", "")),
            "dtstart": start.isoformat(),
            "dtend": end.isoformat(),
            "all_day": type(start).__name__ == "date" and type(end).__name__ == "date",
            "dtstamp": comp.decoded("DTSTAMP").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "last_modified": comp.decoded("LAST-MODIFIED").strftime("%Y-%m-%dT%H:%M:%SZ"),
            "url": str(comp.get("URL", "")),
        })
    json.dump({"events": events}, sys.stdout, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
