#!/usr/bin/env python3
"""Prints, as JSON, what the `icalendar` package reads from one .ics file.

    ics.py EVENT.ics

Used by tests/it/events.rs as a reader of handoff's calendar files that
nobody on the project wrote. Times are printed in UTC (ISO 8601), so the
test compares instants, not spellings. Run it with the virtualenv that
scripts/test creates (target/pyenv, packages pinned in requirements.txt).
"""

import datetime
import json
import sys

import icalendar


def utc(value):
    dt = value.dt
    if not isinstance(dt, datetime.datetime) or dt.tzinfo is None:
        raise SystemExit(f"not a UTC date-time: {value.to_ical()!r}")
    return dt.astimezone(datetime.timezone.utc).isoformat()


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    events = []
    for ev in cal.walk("VEVENT"):
        events.append(
            {
                "uid": str(ev["UID"]),
                "dtstamp": utc(ev["DTSTAMP"]),
                "dtstart": utc(ev["DTSTART"]),
                "dtend": utc(ev["DTEND"]),
                "summary": str(ev["SUMMARY"]),
                "description": str(ev.get("DESCRIPTION", "")),
                "location": str(ev.get("LOCATION", "")),
                "url": str(ev.get("URL", "")),
                "organizer": str(ev.get("ORGANIZER", "")),
                "organizer_cn": str(ev["ORGANIZER"].params.get("CN", ""))
                if "ORGANIZER" in ev
                else "",
            }
        )
    out = {
        "version": str(cal["VERSION"]),
        "prodid": str(cal["PRODID"]),
        "method": str(cal["METHOD"]),
        "events": events,
    }
    json.dump(out, sys.stdout, ensure_ascii=False, sort_keys=True, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
