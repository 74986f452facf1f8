/* import-buf.c — a growable byte string, doubled as it fills. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "import/import-buf.h"
#include "util.h"

void import_buf_add(struct import_buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap == 0 ? 64 : b->cap;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = xrealloc(b->s, cap);
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void import_buf_addc(struct import_buf *b, char c)
{
	import_buf_add(b, &c, 1);
}

char *import_buf_take(struct import_buf *b)
{
	char *s = b->s != NULL ? b->s : xstrdup("");
	memset(b, 0, sizeof *b);
	return s;
}

void import_buf_free(struct import_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}
