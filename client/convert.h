/* convert.h — the files secretariats receive turned into minutes text before suivi import
 * sends them: Word (.docx), OpenDocument (.odt), HTML and PDF, recognised by their content
 * (magic bytes, zip members), never by their name.
 *
 * Conversion runs on the client's side, not in suivid: the file is the user's own, read by a
 * short-lived process that has no event loop to block and no other user's data to expose,
 * and the daemon keeps its small set of libraries (no XML, zip or PDF parser next to the
 * database's credentials). What reaches the server is UTF-8 text, read like any minutes.
 *
 * Nor does it run in suivi itself: .docx, .odt and HTML are parsed by suivi-convert
 * (convert-doc.c, installed in $(pkglibexecdir)), a child process that suivi import starts
 * the way it starts pdftotext (convert-child.h), the document on its standard input. So the
 * parsing of a file that came from outside is isolated in a process of its own, bounded in
 * time, memory and output, and only suivi-convert links libxml2 and libarchive (with ICU,
 * libstdc++ and the compressors behind them): every other suivi command starts without
 * loading and relocating them (a third of its start-up time).
 *
 * Structure kept: a list paragraph (Word numbering or a List style, ODF text:list-item, HTML
 * <li>) becomes a "- " item, a heading a "# " line, every other paragraph one line; a blank
 * line separates paragraphs, so line 2n-1 is paragraph n. PDF goes through Poppler's
 * pdftotext -layout in a child process (convert-pdf.c), whose lines starting with a bullet
 * or a number are the minutes reader's items; a form feed separates its pages.
 *
 * Bounds: CONVERT_MAX_FILE bytes of input; a zip of at most CONVERT_MAX_ENTRIES members whose
 * document member expands to at most CONVERT_MAX_XML bytes (a zip bomb stops there); XML
 * nesting at most CONVERT_MAX_DEPTH; no network, no external entities, no DTD loading; a
 * converter runs at most CONVERT_SECONDS in CONVERT_MEMORY bytes of address space. A refused
 * file gets one sentence saying what is wrong with it. */
#ifndef SUIVI_CONVERT_H
#define SUIVI_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#define CONVERT_MAX_FILE (16 * 1024 * 1024)
#define CONVERT_MAX_ENTRIES 2000
#define CONVERT_MAX_XML (32 * 1024 * 1024)
#define CONVERT_MAX_DEPTH 256
#define CONVERT_SECONDS 30
#define CONVERT_MEMORY (1024UL * 1024 * 1024)

/* The document converter's program, and its exit status for a document it refuses (EX_DATAERR
 * of sysexits.h): its one sentence is then on its stderr. */
#define CONVERT_HELPER "suivi-convert"
#define CONVERT_EXIT_REFUSED 65

enum convert_kind {
	CONVERT_TEXT, /* plain text, CSV or JSON: sent as it is */
	CONVERT_DOCX,
	CONVERT_ODT,
	CONVERT_HTML,
	CONVERT_PDF,
};

/* What the content is; false with *cause (caller frees) for what suivi cannot read (an
 * image, another archive, a binary), naming the file. */
bool convert_sniff(const char *name, const char *data, size_t len, enum convert_kind *kind,
		   char **cause);

/* Minutes text of a .docx, .odt or HTML document (NUL-terminated, caller frees); NULL with
 * *cause naming the file. In suivi-convert and the fuzzer (convert-doc.c); suivi calls
 * convert_spawn. */
char *convert_document(enum convert_kind kind, const char *name, const char *data, size_t len,
		       char **cause);

/* convert_document run in suivi-convert: found beside the running executable (a build tree),
 * else in $(pkglibexecdir); data written to its standard input. Same result and same
 * sentences as convert_document, plus the converter's own failures (missing, killed, over
 * its time or output bound). */
char *convert_spawn(enum convert_kind kind, const char *name, const char *data, size_t len,
		    char **cause);

/* Minutes text of a PDF, by pdftotext -layout run on path (bounded in time, memory and
 * output); NULL with *cause for an encrypted, damaged or text-less PDF. */
char *convert_pdf(const char *name, const char *path, char **cause);

/* Where line (1-based) of converted text is in the original: "paragraph 12" (documents),
 * "page 2" (PDF), "line 6" (text). Writes into buf. */
void convert_locate(enum convert_kind kind, const char *text, int line, char *buf, size_t len);

#endif
