/* import-buf.h — a growable byte string for the import readers and item checks. The lowest
 * piece of the import layer: it includes nothing of it. */
#ifndef SUIVI_IMPORT_BUF_H
#define SUIVI_IMPORT_BUF_H

#include <stddef.h>

/* Always NUL-terminated once something was appended; zero-initialise to start. */
struct import_buf {
	char *s;
	size_t len;
	size_t cap;
};

void import_buf_add(struct import_buf *b, const char *p, size_t n);
void import_buf_addc(struct import_buf *b, char c);
/* Hand the string over (never NULL) and reset the buffer. */
char *import_buf_take(struct import_buf *b);
void import_buf_free(struct import_buf *b);

#endif
