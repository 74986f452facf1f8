#!/usr/bin/python3
"""openapi-embed.py DOC.yaml > openapi-doc.c — the OpenAPI document as compact JSON in a C
array, for suivid to serve at GET /v1/openapi.json without reading a file at run time.

Refuses what JSON cannot say (YAML dates, non-string keys) rather than guessing: quote such
values in doc/openapi.yaml."""
import json
import sys

import yaml


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    data = text.encode("utf-8")
    out = sys.stdout
    out.write("/* Generated from doc/openapi.yaml by doc/openapi-embed.py: do not edit. */\n")
    out.write("#include <stddef.h>\n\n")
    out.write('#include "api/api-openapi.h"\n\n')
    out.write("const char api_openapi_doc[] =\n")
    line = ""
    for b in data:
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C, 0x3F):
            piece = chr(b)
        else:
            piece = "\\%03o" % b  # octal: never swallows a following digit
        if len(line) + len(piece) > 90:
            out.write('    "%s"\n' % line)
            line = ""
        line += piece
    out.write('    "%s";\n' % line)
    out.write("const size_t api_openapi_doc_len = %d;\n" % len(data))


if __name__ == "__main__":
    main()
