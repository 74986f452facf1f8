#!/usr/bin/env python3
"""make-corpus.py — write the seed corpora of tests/fuzz/corpus/<target>/ from the test data
(tests/data: minutes, CSV, JSON, the seed reports), contrib/suivid.conf and the shapes the
unit tests use. Run it from anywhere after changing what the seeds come from; the files are
committed, and libFuzzer's own finds stay in the build tree (make fuzz).

Multi-field inputs are fields separated by NUL bytes (fuzz.h, fuzz_take)."""
import base64
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(TOP, "tests", "data")
OUT = os.path.join(HERE, "corpus")


MINE = ["import-minutes", "import-csv", "import-json", "router", "validate", "cursor",
        "config", "mail", "report", "digest", "mail-reply", "table"]


def put(target, name, data):
    assert target in MINE, target
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def fields(*parts):
    return b"\0".join(p.encode() if isinstance(p, str) else p for p in parts)


def data_files(sub, suffix):
    d = os.path.join(DATA, sub)
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(suffix))


def main():
    # Only the corpora written here: other targets keep seeds of their own in corpus/.
    for target in MINE:
        shutil.rmtree(os.path.join(OUT, target), ignore_errors=True)

    for path in data_files("minutes", ".txt") + data_files("seeds", ".txt"):
        put("import-minutes", os.path.basename(path), open(path, "rb").read())
    for path in data_files("minutes", ".csv"):
        put("import-csv", os.path.basename(path), open(path, "rb").read())
    for path in data_files("minutes", ".json"):
        put("import-json", os.path.basename(path), open(path, "rb").read())

    paths = [
        ("/v1/health", ""),
        ("/v1/recommendations", "limit=5&status=open&owner=ocrtis&after=azpiYW1ha28"),
        ("/v1/recommendations/42", ""),
        ("/v1/recommendations/bamako-2019/3/history", ""),
        ("/v1/recommendations/bamako-2019%2F3/transitions", ""),
        ("/v1/recommendations/%62amako-2019/3/comments", "x=%C3%A9t%C3%A9"),
        ("/v1/owners/ocrtis", "a=1&a=2&b"),
        ("/v1/meetings/eu-ca-2023/import", "dry_run=true&owner=douanes&due_on=2026-03-31"),
        ("/v1/notifications/7/retry", ""),
        ("/v1/tokens/12", ""),
        ("/v1/reports/overdue", "format=csv&as_of=2026-11-22&lang=fr"),
        ("/v1/owners/%C3%A9t%C3%A9", "q=%ff"),
        ("/v1/owners/%00", ""),
        ("/v1//meetings/", "&&=&"),
        ("//" + "/a" * 40, ""),
        ("/v1/recommendations/%2F3", ""),
        ("/t/a/b/c/d/e", ""),
        ("relative/path", ""),
    ]
    for i, (p, q) in enumerate(paths):
        put("router", "%02d" % i, fields(p, q))

    bodies = [
        ('{"handle":"ocrtis","name":"OCRTIS","email":"o@x.org","due_on":"2026-02-28",'
         '"colour":"vert","active":true,"n":7,"notes":"l1\\nl2"}', "7", 0),
        ('{"handle":"Bad Handle","name":"much too long name","email":"x\\r\\nBcc: e@v",'
         '"due_on":"2019-02-30","colour":"bleu","active":"yes","n":1001,"extra":1}', "0", 0),
        ('{"handle":"a","name":"\\u00e9t\\u00e9","due_on":null,"n":null}', "500", 0),
        ('{"text":"Mettre en place","status":"déféré","open_status":"accepted",'
         '"priority":"high","tags":["data","ops"],"supporting":["douanes","ocrtis"]}',
         "2026-11-22", 1),
        ('{"text":"","status":"implemented","open_status":"implemented","priority":null,'
         '"tags":["a","a","b","c"],"supporting":["Bad"]}', "yes", 1),
        ('{"text":"x","tags":["abcdef"]}', "bamako-2019", 1),
        ('{"a":1,"a":2}', "-1", 0),
        ('[1,2,3]', "", 1),
    ]
    for i, (b, q, t) in enumerate(bodies):
        put("validate", "%02d" % i, fields(b, q) + b"\0" + bytes([t]))

    for i, key in enumerate(["42", "bamako-2019/3", "2026-11-22|17", "été", ""]):
        put("cursor", "key%02d" % i, key)
        cur = base64.urlsafe_b64encode(("k:" + key).encode()).decode().rstrip("=")
        put("cursor", "cursor%02d" % i, cur)
    put("cursor", "padded", "azo0Mg==")
    put("cursor", "bits", "azo0Mh")

    put("config", "contrib.conf", open(os.path.join(TOP, "contrib", "suivid.conf"), "rb").read())
    put("config", "full.conf",
        "[server]\nlisten = [::1]:8470\nunix_socket = /run/suivi/api.sock\nmax_body = 2M\n"
        "request_timeout = 30\nidle_timeout = 3600\r\nmax_connections = 65535\n"
        "[database]\nurl = host=/tmp dbname=suivi\npool = 8\nqueue = 100\n"
        "data_dir = /var/lib/suivi\n"
        "[schedule]\ntimezone = Europe/Brussels\noverdue_report = mon 08:00\n"
        "report_to = secretariat@example.org\nremind_before = 30, 7, 1\n"
        "remind_overdue_every = 7\nremind_supporting = yes\nescalate_after = 30\n"
        "escalate_to = chef@example.org\nstale_after = 90\nreminders = daily 07:00\n"
        "[mail]\nfrom = Suivi <suivi@example.org>\nreply_to = sec@example.org\n"
        "[hook]\ncommand = /usr/sbin/sendmail -t -i \"-Fsuivi notifier\" 'a b'\n"
        "format = mail\ntimeout = 60\nmax_attempts = 5\nmax_running = 4\n"
        "[log]\nlevel = debug\n")
    put("config", "errors.conf",
        "[server]\nlisten = 127.0.0.1:99999\nmax_body = 1\n[nowhere]\nkey = value\n"
        "[schedule]\ntimezone = ../../etc/passwd\nremind_before = 1, 7\n"
        "[hook]\ncommand = \"unbalanced\n")
    put("config", "empty.conf", "")

    put("mail", "plain", fields("Suivi", "suivi@example.org", "OCRTIS France", "o@example.org",
                                "Rappel : 3 recommandations", "Bonjour,\n\n- bamako-2019/3\n",
                                "reminder:ocrtis:2026-11-22"))
    put("mail", "encoded", fields("Secrétariat « EU ACT »", "sec@example.org",
                                  "Ministère de l'Intérieur, \"DCPJ\"", "dcpj@interieur.gouv.fr",
                                  "Échéances dépassées — =?UTF-8?B?x?= " + "très long " * 12,
                                  ".\r\nFrom here\r\n" + "é" * 100 + " \t\n=",
                                  "overdue-report:2026-11-22"))
    put("mail", "refused", fields("A\r\nBcc: x@y", "a@b, c@d", "", "x@y.org\nBcc: z@w",
                                  "\xff", "", ""))
    put("mail", "folding", fields("", "a@b.c", "n" * 70, "r@example.org",
                                  "word " * 40 + "x" * 80, "line\r\n" * 5, "k"))

    reports = open_report_docs()
    for i, doc in enumerate(reports):
        for which in range(3):
            put("report", "%02d-%d" % (i, which), bytes([which]) + doc.encode())
    put("digest", "digest-en", digest_input(0, "OCRTIS France", "2026-11-22", [
        ("bamako-2019/3", "Mettre en place une base", "bamako-2019", "Atelier régional",
         "2026-03-31", 0x10, 0),
        ("eu-ca-2023/1", "Partager les données", "eu-ca-2023", "Réunion EU ACT", "2026-11-30",
         0x88, 1)]))
    put("digest", "digest-fr", digest_input(1, "Douanes", "2026-11-22", [
        ("x/1", "é", "x", "y", "2026-11-21", 0x7f, 0),
        ("x/2", "\u00e9\n\x01", "x", "y\xff", "2026-11-20", 0x00, 1),
        ("x/3", "", "", "", "", 0xff, 0)]))
    # The mailed report: suivi_report_overdue_mail()'s document, capped lists and totals.
    for i, doc in enumerate([MAIL_OVERDUE]):
        wrapped = ('{"overdue":%s,"changes":%s,"escalated":[{"ref":"bamako-2019/3",'
                   '"text":"Base","owner":"ocrtis","owner_name":"OCRTIS","due_on":'
                   '"2026-01-01","days_overdue":325}]}' % (doc, CHANGES))
        put("digest", "report-%d" % i, b"\x01\x00" + wrapped.encode())
        put("digest", "report-fr-%d" % i, b"\x01\x01" + doc.encode())

    cells = ["Réf", "Texte", "Échéance", "bamako-2019/3",
             "Mettre en place une base de données régionale partagée par tous", "2026-03-31",
             "x/1", "東京で会議を開催する", "—", "e\u0301\u0301", "\x1b[31mred\x1b[0m\t\r\n",
             "\xff\xfe bad", "👍🏽 emoji", ""]
    for name, text in MAIL_REPLIES.items():
        put("mail-reply", name, text)

    put("table", "basic", bytes([3, 1, 40]) + fields(*cells))
    put("table", "narrow", bytes([2, 0, 12]) + fields("Ref", "Text", *cells[3:]))
    put("table", "wide", bytes([4, 3, 0]) + fields(*(cells * 2)))


def digest_input(lang, owner, as_of, items):
    """Selector 0, the language, owner and as_of, the item count, then each item's fields
    and its days (biased by 128) and supporting bytes (fuzz-digest.c)."""
    out = bytes([0, lang]) + fields(owner, as_of) + b"\0" + bytes([len(items) - 1])
    for ref, text, code, title, due, days, supporting in items:
        out += fields(ref, text, code, title, due) + b"\0" + bytes([days, supporting])
    return out


MAIL_REPLIES = {
    "english": "bamako-2019/1 implemented: the regional database went live on 3 March\n"
               "bamako-2019/3 comment: waiting for the ministry's answer\n\n"
               "On Mon, 2 Mar 2026 at 07:00, Suivi <suivi@example.org> wrote:\n"
               "> Reply above this line\n> bamako-2019/1 ...\n",
    "french": "bamako-2019/3 en cours : le guide est en relecture\r\n"
              "bamako-2019/5 commentaire : réponse attendue\r\neu-ca-2023/1 Bloquée\r\n\r\n"
              "Le lun. 2 mars 2026 à 07:00, Suivi <suivi@example.org> a écrit :\r\n"
              "> Répondez au-dessus de cette ligne\r\n",
    "outlook": "x/1 mise en oeuvre: fait\n\n-----Original Message-----\nFrom: Suivi\n"
               "Sent: Monday\nx/2 implemented\n",
    "inline": "> bamako-2019/1 overdue\nbamako-2019/1 in_progress: almost\n> bamako-2019/2\n"
              "not a command at all\n-- \nJean Dupont\nx/9 implemented\n",
    "fold": "  ÉN_COURS  Bloquée  ŒUVRE\tmise  en œuvre \u2003 ",
}


CHANGES = ('{"previous":"2026-11-15","since":"2026-11-15","became_overdue":[{"ref":'
           '"bamako-2019/3","text":"Base","owner":"ocrtis","owner_name":"OCRTIS","due_on":'
           '"2026-11-18","days_overdue":4}],"closed":[{"ref":"bamako-2019/5","text":"Fermer",'
           '"owner":null,"owner_name":null,"status":"implemented","due_on":"2026-11-01",'
           '"closed_on":"2026-11-20"}],"owners_without_email":[{"handle":"douanes","name":'
           '"Douanes","items":2}],"owners_paused":[{"handle":"dcpj","name":"DCPJ"}],'
           '"stale":[{"ref":"x/1","text":"t","days_idle":100}]}')

MAIL_OVERDUE = ('{"status_labels":{"in_progress":{"en":"in progress","fr":"en cours"}},'
                '"as_of":"2026-11-22","timezone":"Europe/Brussels","total":40,'
                '"owners_total":25,"owners":[{"handle":"ocrtis","name":"OCRTIS\\nFrance",'
                '"total":9,"items":[{"ref":"bamako-2019/3","text":"Base\\n\\u0001x",'
                '"status":"in_progress","due_on":"2026-03-31","days_overdue":236}]}],'
                '"meetings_total":30,"meetings":[{"code":"bamako-2019","title":"Atelier",'
                '"total":12}],"unowned_total":4,"unowned":[{"ref":"eu-ca-2023/1",'
                '"text":"=cmd()","status":"proposed","due_on":"2026-11-21",'
                '"days_overdue":1}]}')

LABELS = ('"status_labels":{"in_progress":{"en":"in progress","fr":"en cours"},'
          '"blocked":{"en":"blocked","fr":"bloquée"}},')


def open_report_docs():
    overdue = ('{' + LABELS + '"as_of":"2026-11-22","timezone":"Europe/Brussels","total":2,'
               '"owners":[{"owner":{"handle":"ocrtis","name":"OCRTIS France","email":"o@x"},'
               '"total":1,"meetings":[{"code":"bamako-2019","title":"Atelier régional",'
               '"items":[{"ref":"bamako-2019/3","id":3,"text":"Mettre en place une base de '
               'données régionale, \\"partagée\\"\\npar tous","status":"in_progress",'
               '"due_on":"2026-03-31","days_overdue":236}]}]}],'
               '"unowned":[{"ref":"eu-ca-2023/1","id":9,"text":"=cmd()","status":"proposed",'
               '"due_on":"2026-11-21","days_overdue":1}]}')
    summary = ('{' + LABELS + '"as_of":"2026-11-22","open":12,"overdue":3,'
               '"by_status":{"proposed":4,"in_progress":6,"blocked":2},'
               '"meetings":[{"code":"bamako-2019","title":"Atelier, \\"régional\\"","open":5,'
               '"overdue":1}],"owners":[{"handle":"ocrtis","name":"@OCRTIS","open":7,'
               '"overdue":2}]}')
    brief = ('{' + LABELS + '"meeting":{"code":"eu-ca-2024","title":"Dialogue UE–Asie '
             'centrale","place":"Bruxelles","starts_on":"2024-06-01"},"series":"eu-ca",'
             '"previous":{"code":"eu-ca-2023","title":"Réunion EU ACT","starts_on":'
             '"2023-12-11"},"open":[{"ref":"eu-ca-2023/1","status":"blocked","due_on":'
             '"2024-01-31","overdue":true,"text":"Partager les données"}],"changes":[{"ref":'
             '"eu-ca-2023/1","text":"Partager les données","events":[{"at":'
             '"2024-02-01T10:00:00Z","kind":"transition","actor":"sec","after":{"status":'
             '"blocked"},"comment":"Budget gelé"}]}]}')
    return [overdue, summary, brief]


if __name__ == "__main__":
    main()
