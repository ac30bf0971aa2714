#!/usr/bin/env python3
"""Prints, as JSON, the structured data that extruct finds in one HTML file.

    extract.py PAGE.html BASE_URL

Used by tests/it/structured.rs as a reader of handoff's output that nobody
on the project wrote: extruct parses the HTML with lxml and the JSON-LD with
its own JSON reader. Run it with the virtualenv that scripts/test creates
(target/pyenv, packages pinned in requirements.txt beside this file).
"""

import json
import sys

import extruct


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, base_url = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        html = f.read()
    data = extruct.extract(
        html,
        base_url=base_url,
        syntaxes=["json-ld", "opengraph"],
        uniform=True,
        errors="strict",
    )
    json.dump(data, sys.stdout, ensure_ascii=False, sort_keys=True, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
