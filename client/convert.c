/* convert.c — what a file is, by its content; a document's minutes text from suivi-convert,
 * run as a child process; where a line of converted text was in the original. The rules are
 * in convert.h; the parsing of documents is in convert-doc.c (suivi-convert), PDF in
 * convert-pdf.c. */
#include "suivi-config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "convert-child.h"
#include "convert.h"
#include "util.h"

static char *helper_path(void);

bool convert_sniff(const char *name, const char *data, size_t len, enum convert_kind *kind,
		   char **cause)
{
	static const struct {
		const char *magic;
		size_t n;
		const char *what;
	} others[] = {
	    {"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
	    {"\xff\xd8\xff", 3, "a JPEG image"},
	    {"GIF8", 4, "a GIF image"},
	    {"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, "an old Word or Excel file (.doc, .xls)"},
	    {"{\\rtf", 5, "an RTF file"},
	    {"\x1f\x8b", 2, "a gzip archive"},
	    {"Rar!", 4, "a RAR archive"},
	    {"7z\xbc\xaf\x27\x1c", 6, "a 7-Zip archive"},
	};
	static const char odt_mime[] = "mimetypeapplication/vnd.oasis.opendocument.text";

	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
		*kind = CONVERT_PDF;
		return true;
	}
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
		if (len >= 30 + sizeof odt_mime - 1 &&
		    memcmp(data + 30, odt_mime, sizeof odt_mime - 1) == 0)
			*kind = CONVERT_ODT;
		else if (memmem(data, len, "word/document.xml", 17) != NULL)
			*kind = CONVERT_DOCX;
		else if (memmem(data, len, "opendocument.", 13) != NULL)
			goto other_odf;
		else {
			set_cause(cause,
				  "%s is a zip archive but neither a Word (.docx) nor an "
				  "OpenDocument text (.odt) document",
				  name);
			return false;
		}
		return true;
	}
	for (size_t i = 0; i < ARRAY_LEN(others); i++) {
		if (len >= others[i].n && memcmp(data, others[i].magic, others[i].n) == 0) {
			set_cause(cause,
				  "%s is %s, not a document suivi reads (Word .docx, "
				  "OpenDocument .odt, PDF, HTML or text)",
				  name, others[i].what);
			return false;
		}
	}
	/* HTML: a tag among the first bytes, after a BOM and white space. */
	size_t i = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < len && strchr(" \t\r\n", data[i]) != NULL)
		i++;
	static const char *const tags[] = {"<!doctype html", "<html", "<head", "<body", "<!--"};
	for (size_t t = 0; t < ARRAY_LEN(tags); t++) {
		size_t n = strlen(tags[t]);
		if (len - i >= n && strncasecmp(data + i, tags[t], n) == 0) {
			*kind = CONVERT_HTML;
			return true;
		}
	}
	if (memchr(data, '\0', len < 8192 ? len : 8192) != NULL) {
		set_cause(cause,
			  "%s is a binary file, not a document suivi reads (Word .docx, "
			  "OpenDocument .odt, PDF, HTML or text)",
			  name);
		return false;
	}
	*kind = CONVERT_TEXT;
	return true;
other_odf:
	set_cause(cause, "%s is an OpenDocument file but not a text document (.odt)", name);
	return false;
}

void convert_locate(enum convert_kind kind, const char *text, int line, char *buf, size_t len)
{
	int l = 1, para = 0, page = 1;
	bool in_para = false;
	for (const char *p = text; *p != '\0' && l <= line; p++) {
		if (*p == '\f')
			page++;
		if (*p == '\n') {
			l++;
			in_para = false;
		} else if (!in_para && *p != ' ' && *p != '\f') {
			in_para = true;
			para++;
		}
	}
	if (kind == CONVERT_PDF)
		snprintf(buf, len, "page %d", page);
	else if (kind == CONVERT_TEXT)
		snprintf(buf, len, "line %d", line);
	else
		snprintf(buf, len, "paragraph %d", para);
}

/* suivi-convert beside the running suivi (a build tree, the tests), else where it is
 * installed. Caller frees. */
static char *helper_path(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		char *slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			char *beside = xasprintf("%s/%s", self, CONVERT_HELPER);
			if (access(beside, X_OK) == 0)
				return beside;
			free(beside);
		}
	}
	return xasprintf("%s/%s", SUIVI_PKGLIBEXECDIR, CONVERT_HELPER);
}

char *convert_spawn(enum convert_kind kind, const char *name, const char *data, size_t len,
		    char **cause)
{
	static const char *const kinds[] = {
	    [CONVERT_DOCX] = "docx", [CONVERT_ODT] = "odt", [CONVERT_HTML] = "html"};
	if (kind != CONVERT_DOCX && kind != CONVERT_ODT && kind != CONVERT_HTML) {
		set_cause(cause, "cannot read %s: not a document suivi-convert reads", name);
		return NULL;
	}
	char *path = helper_path();
	const char *argv[] = {path, kinds[kind], name, NULL};
	struct convert_child c = {
	    .argv = argv,
	    .input = data,
	    .input_len = len,
	    .max_out = CONVERT_MAX_XML,
	    .seconds = CONVERT_SECONDS,
	};
	if (!convert_child_run(&c)) {
		set_cause(cause, "cannot run %s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	int code = WIFEXITED(c.status) ? WEXITSTATUS(c.status) : -1;
	if (!c.timed_out && !c.too_big && code == 0) {
		free(path);
		return c.out;
	}
	free(c.out);
	/* Its sentence, on one line whatever it wrote. */
	char *err = str_trim(c.err);
	for (char *p = err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	if (c.timed_out)
		set_cause(cause, "%s took more than %d seconds to read: refused", name,
			  CONVERT_SECONDS);
	else if (c.too_big)
		set_cause(cause, "%s gives more than %d MB of text: refused", name,
			  CONVERT_MAX_XML >> 20);
	else if (code == CONVERT_EXIT_REFUSED && *err != '\0')
		set_cause(cause, "%s", err);
	else if (code == 127)
		set_cause(cause, "cannot read %s: %s is missing (reinstall suivi)", name, path);
	else if (WIFSIGNALED(c.status))
		set_cause(cause, "cannot read %s: %s was killed by signal %d (out of memory?)",
			  name, CONVERT_HELPER, WTERMSIG(c.status));
	else
		set_cause(cause, "cannot read %s: %s failed (exit %d)%s%s", name, CONVERT_HELPER,
			  code, *err != '\0' ? ": " : "", err);
	free(path);
	return NULL;
}
