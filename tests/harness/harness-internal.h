/* harness-internal.h — what harness.c and harness-http.c share, not for tests. */
#ifndef SUIVI_HARNESS_INTERNAL_H
#define SUIVI_HARNESS_INTERNAL_H

#include <stddef.h>

#include "util.h"

/* A growing byte buffer, always NUL-terminated once something was added. */
struct harness_buf {
	char *data;
	size_t len, cap;
};
void harness_buf_add(struct harness_buf *b, const void *bytes, size_t n);

/* Print "harness: …" on stderr and exit(1): Check reports the test as failed, atexit
 * handlers stop what this process started. */
NORETURN void harness_die(const char *fmt, ...) PRINTFLIKE(1, 2);
/* Milliseconds left until deadline (a now_ms() value), 0 when past. */
int harness_remaining(double deadline);
/* Read whatever the live suivid children of this process wrote on stderr. */
void harness_drain_all(void);

#endif
