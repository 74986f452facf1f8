/* fuzz.h — what every fuzz target shares: the libFuzzer entry points, a property check that
 * stops the run with the failed property named (libFuzzer and the replay runner both report
 * an abort with the input that caused it), and a reader that cuts the input into fields.
 *
 * A target is one file, tests/fuzz/fuzz-<name>.c, defining LLVMFuzzerTestOneInput (and, when
 * it needs setup, LLVMFuzzerInitialize). It is linked twice: with libFuzzer's main under
 * --enable-fuzzing (clang), and always with replay.c, which runs the seed corpus and the
 * regression inputs once each so that plain `make check` replays them. */
#ifndef SUIVI_FUZZ_H
#define SUIVI_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold for every input: print it and abort (a crash for libFuzzer). */
#define FUZZ_CHECK(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, __LINE__,        \
				#cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The input read as consecutive fields: fuzz_take cuts the next field at the first NUL
 * byte (or the end) and returns it NUL-terminated in storage the reader owns. Seeds are
 * plain text with NUL separators, so a corpus file stays readable. */
struct fuzz_in {
	const uint8_t *p, *end;
	char *fields[16];
	size_t nfields;
};
void fuzz_in_init(struct fuzz_in *in, const uint8_t *data, size_t size);
const char *fuzz_take(struct fuzz_in *in);
/* One byte as a small number (0 when the input is used up). */
unsigned fuzz_byte(struct fuzz_in *in);
void fuzz_in_free(struct fuzz_in *in);

/* A growing byte buffer, NUL-terminated once something was added. */
struct fuzz_buf {
	char *data;
	size_t len, cap;
};
void fuzz_buf_add(struct fuzz_buf *b, const void *bytes, size_t n);

/* The input as a NUL-terminated copy (caller frees). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
