#!/usr/bin/env python3
"""make-documents.py OUTDIR SEED.txt... — the fixtures of test-import-files, made from the seed
reports: each seed as NAME.docx and NAME.odt (zipfile and minimal valid XML), NAME.html, and
NAME.pdf (groff -Tpdf); then the bad files: a truncated .docx, a zip bomb, a zip that is no
document, a .docx that is a PNG, an encrypted PDF (qpdf), a PDF without a text layer and a
50 MB text file. A seed line starting with "- " is a list item, every other line a paragraph."""
import os
import subprocess
import sys
import zipfile
from xml.sax.saxutils import escape

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraphs(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if s:
                yield ("item", s[2:]) if s.startswith("- ") else ("para", s)


def docx(paras, out, body_xml=None):
    ps = []
    for kind, text in paras:
        ppr = '<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/>' \
              '<w:numId w:val="1"/></w:numPr></w:pPr>' if kind == "item" else ""
        ps.append('<w:p>%s<w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % (ppr, escape(text)))
    body = body_xml if body_xml is not None else "".join(ps)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                   '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                   '</Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>'
                   '</Relationships>')
        z.writestr("word/numbering.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><w:numbering %s><w:abstractNum w:abstractNumId="0">'
                   '<w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>'
                   '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>' % W)
        if isinstance(body, str):
            z.writestr("word/document.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document %s><w:body>%s</w:body></w:document>' % (W, body))
        else:
            with z.open("word/document.xml", "w") as f:
                body(f)


def odt(paras, out):
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    body, in_list = [], False
    for kind, text in paras:
        if kind == "item" and not in_list:
            body.append("<text:list>")
        if kind != "item" and in_list:
            body.append("</text:list>")
        in_list = kind == "item"
        p = "<text:p>%s</text:p>" % escape(text)
        body.append("<text:list-item>%s</text:list-item>" % p if in_list else p)
    if in_list:
        body.append("</text:list>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
        z.writestr("content.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><office:document-content %s office:version="1.2">'
                   '<office:body><office:text>%s</office:text></office:body></office:document-content>'
                   % (ns, "".join(body)))


def html(paras, out):
    body, in_list = [], False
    for kind, text in paras:
        if kind == "item" and not in_list:
            body.append("<ul>")
        if kind != "item" and in_list:
            body.append("</ul>")
        in_list = kind == "item"
        body.append(("<li>%s</li>" if in_list else "<p>%s</p>") % escape(text))
    if in_list:
        body.append("</ul>")
    with open(out, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Compte rendu</title>'
                '<script>var x = "Il a été décidé de ne rien faire.";</script></head><body>'
                '<nav><ul><li>Accueil</li><li>Actualités</li></ul></nav>\n%s\n</body></html>\n'
                % "\n".join(body))


def groff_pdf(source, out):
    # No ligatures, hyphenation or justification: pdftotext then gives back the words.
    with open(out, "wb") as f:
        subprocess.run(["groff", "-Tpdf", "-k"], input=source.encode("utf-8"), stdout=f,
                       stderr=subprocess.DEVNULL, check=True)


def pdf(paras, out):
    src = [".lg 0", ".nh", ".na"]
    for kind, text in paras:
        # groff prints ' as a closing quote; \[aq] is the apostrophe typed.
        text = text.replace("\\", "\\e").replace("'", "\\[aq]")
        src.append(("\\&\\[bu] %s" if kind == "item" else "\\&%s") % text)
        src.append(".sp")
    groff_pdf("\n".join(src) + "\n", out)


def main():
    out = sys.argv[1]
    seeds = sys.argv[2:]
    for seed in seeds:
        name = os.path.join(out, os.path.basename(seed)[:3])
        paras = list(paragraphs(seed))
        with open(seed, encoding="utf-8") as f, open(name + ".txt", "w", encoding="utf-8") as t:
            t.write(f.read())
        docx(paras, name + ".docx")
        odt(paras, name + ".odt")
        html(paras, name + ".html")
        pdf(paras, name + ".pdf")
    first = os.path.join(out, os.path.basename(seeds[0])[:3])
    with open(first + ".docx", "rb") as f:
        whole = f.read()
    with open(os.path.join(out, "truncated.docx"), "wb") as f:
        f.write(whole[: len(whole) // 2])

    def bomb(f):
        f.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document ' + W.encode() +
                b'><w:body><w:p><w:r><w:t>')
        chunk = b" " * (1 << 20)
        for _ in range(48):
            f.write(chunk)
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    docx([], os.path.join(out, "bomb.docx"), body_xml=bomb)
    with zipfile.ZipFile(os.path.join(out, "photos.docx"), "w") as z:
        z.writestr("photo1.txt", "not a document")
    with open(os.path.join(out, "png.docx"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    subprocess.run(["qpdf", "--encrypt", "lecture", "proprio", "256", "--", first + ".pdf",
                    os.path.join(out, "encrypted.pdf")], check=True)
    groff_pdf(".sp 2i\n\\D'l 2i 0'\n", os.path.join(out, "scan.pdf"))
    with open(os.path.join(out, "big.txt"), "w", encoding="utf-8") as f:
        line = "- Le comité recommande de publier les chiffres chaque trimestre.\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))


if __name__ == "__main__":
    main()
