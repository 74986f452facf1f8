/* fuzz-util.c — see fuzz.h. */
#include "suivi-config.h"

#include <string.h>

#include "fuzz.h"
#include "util.h"

void fuzz_in_init(struct fuzz_in *in, const uint8_t *data, size_t size)
{
	memset(in, 0, sizeof *in);
	in->p = data;
	in->end = data + size;
}

const char *fuzz_take(struct fuzz_in *in)
{
	if (in->nfields == ARRAY_LEN(in->fields))
		return "";
	const uint8_t *nul = in->p < in->end ? memchr(in->p, 0, (size_t)(in->end - in->p)) : NULL;
	const uint8_t *stop = nul != NULL ? nul : in->end;
	char *f = xstrndup((const char *)in->p, (size_t)(stop - in->p));
	in->p = nul != NULL ? nul + 1 : in->end;
	in->fields[in->nfields++] = f;
	return f;
}

unsigned fuzz_byte(struct fuzz_in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

void fuzz_in_free(struct fuzz_in *in)
{
	for (size_t i = 0; i < in->nfields; i++)
		free(in->fields[i]);
	in->nfields = 0;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_buf_add(struct fuzz_buf *b, const void *bytes, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = xrealloc(b->data, b->cap);
	}
	if (n > 0)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
}
