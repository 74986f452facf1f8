/* convert-child.h — a converter run as a child process: pdftotext for a PDF, suivi-convert for
 * a .docx, .odt or HTML document. Like suivid's hooks: forked with signals blocked and reset
 * in the child, inherited descriptors closed, argv exec'd directly (no shell), bounded in time
 * (a deadline, then SIGKILL), CPU (RLIMIT_CPU), address space (RLIMIT_AS, CONVERT_MEMORY) and
 * output; the input written to its standard input while its output is read, its stderr kept
 * up to CONVERT_CHILD_STDERR bytes for the sentence that says what went wrong. Blocking
 * (suivi has no event loop): it returns when the child has been reaped. */
#ifndef SUIVI_CONVERT_CHILD_H
#define SUIVI_CONVERT_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#define CONVERT_CHILD_STDERR 4096

struct convert_child {
	/* In: argv[0] is run as execvp runs it (a path, or a name looked up in PATH). */
	const char *const *argv;
	const char *input; /* written to its standard input; NULL: /dev/null */
	size_t input_len;
	size_t max_out; /* more output than this: killed, too_big */
	int seconds;    /* wall clock and CPU */

	/* Out */
	char *out; /* its stdout, NUL-terminated, the caller's (also on failure) */
	size_t out_len;
	char err[CONVERT_CHILD_STDERR + 1]; /* the start of its stderr, NUL-terminated */
	int status;                         /* as waitpid gives it */
	bool timed_out, too_big;            /* killed for going over a bound */
};

/* Run the child to its end; false with errno (and nothing to free) when it could not be
 * started. Exit status 127: it could not be exec'd. */
bool convert_child_run(struct convert_child *c) __attribute__((warn_unused_result));

#endif
