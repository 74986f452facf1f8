#!/usr/bin/python3
"""openapi-check.py DOC.yaml COMMAND FILE — hold doc/openapi.yaml to the running code, for
test-openapi.c. Uses Debian's python3-yaml and python3-jsonschema (OpenAPI 3.1 schemas are
JSON Schema draft 2020-12). Prints one summary line; exits 1 with every problem on stderr.

  served FILE     FILE (GET /v1/openapi.json) is the document, as JSON
  routes FILE     FILE (suivid routes) and the document's operations are the same set, with
                  the same least role (x-suivi-role), feed flag (x-suivi-feed and the feedKey
                  scheme), owner scope (x-suivi-owner-scoped), metrics flag (x-suivi-metrics) and no security when public
  responses FILE  every answer of FILE (JSON lines: method, template, status, type, body)
                  matches its operation's response for that status and media type, and every
                  operation has at least one successful answer among them"""
import json
import sys

import jsonschema
import yaml

METHODS = ("get", "put", "post", "delete", "patch")
problems = []


def fail(msg):
    problems.append(msg)


def operations(doc):
    for path, item in doc["paths"].items():
        for m in METHODS:
            if m in item:
                yield path, m.upper(), item[m]


def resolve(doc, obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = doc
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def check_served(doc, path):
    with open(path, encoding="utf-8") as f:
        served = json.load(f)
    if served != json.loads(json.dumps(doc)):
        fail("GET /v1/openapi.json is not doc/openapi.yaml: rebuild suivid")
    return "served: GET /v1/openapi.json is doc/openapi.yaml"


def check_routes(doc, path):
    routes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if words:
                routes[(words[0], words[1])] = (words[2], set(words[3:]))
    documented = {}
    for p, m, op in operations(doc):
        documented[(m, p)] = op
    for key in sorted(set(routes) - set(documented)):
        fail("route %s %s is not in doc/openapi.yaml" % key)
    for key in sorted(set(documented) - set(routes)):
        fail("doc/openapi.yaml has %s %s, which no route serves" % key)
    for key in sorted(set(routes) & set(documented)):
        role, flags = routes[key]
        op = documented[key]
        what = "%s %s" % key
        if op.get("x-suivi-role") != role:
            fail("%s: x-suivi-role %s, the route needs %s" % (what, op.get("x-suivi-role"), role))
        if bool(op.get("x-suivi-feed")) != ("feed" in flags):
            fail("%s: x-suivi-feed does not say whether feed tokens may use it" % what)
        if bool(op.get("x-suivi-owner-scoped")) != ("owner-scoped" in flags):
            fail("%s: x-suivi-owner-scoped does not match the route" % what)
        if bool(op.get("x-suivi-metrics")) != ("metrics" in flags):
            fail("%s: x-suivi-metrics (open from this machine, metrics tokens) does not "
                 "match the route" % what)
        security = op.get("security", doc.get("security", []))
        schemes = {name for req in security for name in req}
        if (role == "public") != (security == []):
            fail("%s: a public route has security [], and only it" % what)
        if ("feed" in flags) != ("feedKey" in schemes):
            fail("%s: the feedKey scheme is for the routes feed tokens may use" % what)
    return "routes: %d in the router, %d operations in doc/openapi.yaml, the same, with " \
        "their roles" % (len(routes), len(documented))


def check_responses(doc, path):
    resolver = jsonschema.RefResolver.from_schema(doc)
    answered = set()
    count = 0
    with open(path, encoding="utf-8") as f:
        samples = [json.loads(line) for line in f if line.strip()]
    for s in samples:
        count += 1
        what = "%s %s (%s) %d" % (s["method"], s["path"], s["template"], s["status"])
        op = doc["paths"].get(s["template"], {}).get(s["method"].lower())
        if op is None:
            fail("%s: no such operation in doc/openapi.yaml" % what)
            continue
        status = str(s["status"])
        responses = op.get("responses", {})
        if status not in responses and (s["status"] < 400 or "default" not in responses):
            fail("%s: status not documented" % what)
            continue
        resp = resolve(doc, responses.get(status, responses.get("default")))
        content = resp.get("content")
        mtype = s["type"].split(";")[0].strip()
        if not content:
            if s["body"] not in ("", None):
                fail("%s: documented without a body, answered one" % what)
        elif mtype not in content:
            fail("%s: %s is not among %s" % (what, mtype or "(no type)", sorted(content)))
        else:
            schema = content[mtype].get("schema", {})
            validator = jsonschema.Draft202012Validator(schema, resolver=resolver)
            for err in sorted(validator.iter_errors(s["body"]), key=str):
                loc = "/".join(str(p) for p in err.absolute_path)
                fail("%s: at /%s: %s" % (what, loc, err.message))
        # A redirect is the success of a route that only redirects (GET /signin).
        if 200 <= s["status"] < 300 or s["status"] == 303:
            answered.add((s["method"], s["template"]))
    for p, m, op in operations(doc):
        if (m, p) not in answered:
            fail("%s %s: no successful answer was checked (add one to test-openapi.c)" % (m, p))
    return "responses: %d answers valid against doc/openapi.yaml, every one of its %d " \
        "operations answered successfully at least once" % (count, len(answered))


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    command, path = sys.argv[2], sys.argv[3]
    summary = {"served": check_served, "routes": check_routes,
               "responses": check_responses}[command](doc, path)
    if problems:
        for p in problems:
            print("openapi-check: " + p, file=sys.stderr)
        sys.exit(1)
    print(summary)


if __name__ == "__main__":
    main()
