/* convert-pdf.c — a PDF's text through Poppler's pdftotext -layout, as a bounded child
 * process (convert-child.h: CONVERT_SECONDS, then SIGKILL; CONVERT_MEMORY; CONVERT_MAX_FILE
 * bytes of output), exec'd directly with its own argv (no shell). Its exit status and stderr
 * say what is wrong with a PDF it cannot read. */
#include "suivi-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "convert-child.h"
#include "convert.h"
#include "util.h"

static bool blank(const char *s);

char *convert_pdf(const char *name, const char *path, char **cause)
{
	/* -q would silence the sentence that says the PDF is encrypted. */
	const char *argv[] = {"pdftotext", "-layout", "-enc", "UTF-8", path, "-", NULL};
	struct convert_child c = {
	    .argv = argv,
	    .max_out = CONVERT_MAX_FILE,
	    .seconds = CONVERT_SECONDS,
	};
	if (!convert_child_run(&c)) {
		set_cause(cause, "cannot run pdftotext: %s", strerror(errno));
		return NULL;
	}
	const char *errbuf = c.err;
	int status = c.status;
	if (c.timed_out)
		set_cause(cause, "%s took pdftotext more than %d seconds: refused", name,
			  CONVERT_SECONDS);
	else if (c.too_big)
		set_cause(cause, "%s gives more than %d MB of text: refused", name,
			  CONVERT_MAX_FILE >> 20);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		set_cause(cause,
			  "cannot read %s: pdftotext (Debian package poppler-utils) is not "
			  "installed",
			  name);
	else if (strstr(errbuf, "password") != NULL || strstr(errbuf, "ncrypt") != NULL)
		set_cause(cause,
			  "%s is encrypted (password-protected): save it without a password "
			  "first",
			  name);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		set_cause(cause, "%s is a damaged PDF: pdftotext cannot read it", name);
	else if (blank(c.out))
		set_cause(cause, "%s has no text layer (a scan?): run OCR on it first", name);
	else
		return c.out;
	free(c.out);
	return NULL;
}

/* Whether s holds nothing but white space and form feeds. */
static bool blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n\f\v", *s) == NULL)
			return false;
	return true;
}
