/* suivi-convert — a .docx, .odt or HTML document into minutes text, for suivi import, which
 * runs it as a child process (convert.h): suivi-convert docx|odt|html NAME, the document on
 * standard input, its text on standard output. NAME is the file's name as suivi import's
 * sentences say it.
 *
 * A program of its own so that the parsing of a file that came from outside (libarchive,
 * libxml2) runs isolated in a short-lived process, bounded by suivi in time, memory and
 * output, and so that suivi itself does not link those libraries. Exit status (sysexits):
 * 0 done; 65 (EX_DATAERR) the document is refused, one sentence on stderr; 64 usage; 74 the
 * input or the output failed. Not meant to be run by hand; installed in $(pkglibexecdir). */
#include "suivi-config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "convert.h"
#include "util.h"

#define EXIT_USAGE 64
#define EXIT_IO 74

static char *read_input(size_t *len);

/* Standard input whole, at most CONVERT_MAX_FILE + 1 bytes (convert_document refuses a
 * larger file with its sentence); NULL with errno on a read error. */
static char *read_input(size_t *len)
{
	size_t n = 0, cap = 65536;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap > CONVERT_MAX_FILE)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t got = read(0, buf + n, cap - n);
		if (got == 0)
			break;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		n += (size_t)got;
	}
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum convert_kind kind;
	} kinds[] = {{"docx", CONVERT_DOCX}, {"odt", CONVERT_ODT}, {"html", CONVERT_HTML}};
	size_t k = ARRAY_LEN(kinds);
	if (argc == 3)
		for (k = 0; k < ARRAY_LEN(kinds) && strcmp(argv[1], kinds[k].name) != 0; k++)
			;
	if (k == ARRAY_LEN(kinds)) {
		fprintf(stderr, "usage: suivi-convert docx|odt|html NAME < document > text\n");
		return EXIT_USAGE;
	}
	size_t len = 0;
	char *data = read_input(&len);
	if (data == NULL) {
		fprintf(stderr, "suivi-convert: cannot read the document: %s\n", strerror(errno));
		return EXIT_IO;
	}
	char *cause = NULL;
	char *text = convert_document(kinds[k].kind, argv[2], data, len, &cause);
	free(data);
	if (text == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return CONVERT_EXIT_REFUSED;
	}
	size_t n = strlen(text);
	bool ok = fwrite(text, 1, n, stdout) == n && fflush(stdout) == 0;
	free(text);
	if (!ok) {
		fprintf(stderr, "suivi-convert: cannot write the text: %s\n", strerror(errno));
		return EXIT_IO;
	}
	return 0;
}
