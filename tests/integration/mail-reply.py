#!/usr/bin/env python3
"""mail-reply.py — build the reply an owner's mail program would send to a digest.

Usage: mail-reply.py SHAPE DIGEST.eml FROM MESSAGE-ID < the owner's lines

Writes the reply on standard output, built with Python's email package in the shapes real
clients produce:
  plain     top-posted, the digest quoted below "On … wrote:" with "> "
  outlook   the digest below an "-----Original Message-----" block, unquoted
  inline    the answers typed between the quoted lines of the digest
  alt       multipart/alternative (text and HTML), as webmails send
  html      HTML only, the digest in a <blockquote>
  latin1    ISO-8859-1, quoted-printable
  base64    UTF-8, base64
The reply goes to the digest's Reply-To (its signed address), answers its Message-ID, and
takes the subject "Re: …".
"""
import email
import email.policy
import html
import sys
from email.message import EmailMessage


def main():
    shape, digest_path, sender, message_id = sys.argv[1:5]
    lines = sys.stdin.read()
    with open(digest_path, "rb") as f:
        digest = email.message_from_binary_file(f, policy=email.policy.default)
    quoted_body = digest.get_body(preferencelist=("plain",)).get_content()
    reply_to = str(digest["Reply-To"])
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = reply_to
    msg["Subject"] = "Re: " + str(digest["Subject"])
    msg["Message-ID"] = message_id
    msg["In-Reply-To"] = str(digest["Message-ID"])
    quoted = "".join("> " + l + "\n" for l in quoted_body.splitlines())
    attribution = "On Mon, 3 Mar 2025 at 10:00, suivi <suivi@example.org> wrote:\n"
    if shape == "plain":
        msg.set_content(lines + "\n" + attribution + quoted)
    elif shape == "outlook":
        msg.set_content(lines + "\n-----Original Message-----\nFrom: suivi <suivi@example.org>\n"
                        "Sent: Monday, 3 March 2025 10:00\nTo: owner\nSubject: "
                        + str(digest["Subject"]) + "\n\n" + quoted_body)
    elif shape == "inline":
        # Each answer just below the quoted line of its item; the rest quoted.
        answers = {l.split()[0]: l for l in lines.splitlines() if l.strip()}
        out = []
        for l in quoted_body.splitlines():
            out.append("> " + l)
            for ref, answer in answers.items():
                if l.strip().startswith(ref + " "):
                    out.append(answer)
        msg.set_content(attribution + "\n".join(out) + "\n")
    elif shape == "alt":
        msg.set_content(lines + "\n" + attribution + quoted)
        body = "".join("<div>" + html.escape(l) + "</div>" for l in lines.splitlines())
        msg.add_alternative("<html><body>" + body + "<div class=\"gmail_quote\">"
                            + html.escape(quoted_body) + "</div></body></html>",
                            subtype="html")
    elif shape == "html":
        body = "".join("<p>" + html.escape(l) + "</p>" for l in lines.splitlines())
        msg.set_content("<html><body>" + body + "<blockquote>"
                        + html.escape(quoted_body).replace("\n", "<br>")
                        + "</blockquote></body></html>", subtype="html")
    elif shape == "latin1":
        # What Latin-1 cannot write of the quoted digest (dashes, no-break spaces) is lost,
        # as a Latin-1 mail program would lose it.
        text = (lines + "\n" + attribution + quoted).encode("latin-1", "replace")
        msg.set_content(text.decode("latin-1"), charset="iso-8859-1", cte="quoted-printable")
    elif shape == "base64":
        msg.set_content(lines + "\n" + attribution + quoted, charset="utf-8", cte="base64")
    else:
        sys.exit("unknown shape " + shape)
    sys.stdout.buffer.write(msg.as_bytes(policy=email.policy.SMTP))


if __name__ == "__main__":
    main()
