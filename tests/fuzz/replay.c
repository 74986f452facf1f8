/* replay.c — a fuzz target without libFuzzer: runs each input once, so that `make check`
 * with any compiler replays the seed corpus and the regression inputs (crashes found, kept).
 * With file arguments it runs those; without, every file of
 * $SUIVI_SRCDIR/tests/fuzz/corpus/<target>/ and .../regressions/<target>/. Prints TAP, one
 * line per input; an input that breaks a property aborts the run (automake: ERROR). */
#include "suivi-config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET (the target's name) must be defined"
#endif

/* LLVMFuzzerInitialize is optional: a weak reference is NULL when the target has none. */
#pragma weak LLVMFuzzerInitialize

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, sorted, appended to *list. */
static void list_dir(const char *dir, char ***list, size_t *n)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return; /* no regressions yet */
	struct dirent *e;
	size_t first = *n;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		*list = xrealloc(*list, (*n + 1) * sizeof **list);
		(*list)[(*n)++] = xasprintf("%s/%s", dir, e->d_name);
	}
	closedir(d);
	qsort(*list + first, *n - first, sizeof **list, compare);
}

static unsigned char *read_all(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0;
	unsigned char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
		len += got;
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	fclose(f);
	*size = len;
	return buf;
}

int main(int argc, char **argv)
{
	char **files = NULL;
	size_t n = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			files = xrealloc(files, (n + 1) * sizeof *files);
			files[n++] = xstrdup(argv[i]);
		}
	} else {
		const char *src = getenv("SUIVI_SRCDIR");
		if (src == NULL) {
			fprintf(stderr, "replay: set SUIVI_SRCDIR or name input files\n");
			return 1;
		}
		char *dir = xasprintf("%s/tests/fuzz/corpus/%s", src, FUZZ_TARGET);
		list_dir(dir, &files, &n);
		free(dir);
		size_t seeds = n;
		dir = xasprintf("%s/tests/fuzz/regressions/%s", src, FUZZ_TARGET);
		list_dir(dir, &files, &n);
		free(dir);
		if (seeds == 0) {
			printf("1..0 # SKIP\nBail out! no seed corpus for %s\n", FUZZ_TARGET);
			return 1;
		}
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	printf("1..%zu\n", n);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		size_t size;
		unsigned char *data = read_all(files[i], &size);
		if (data == NULL) {
			printf("not ok %zu - %s: cannot read\n", i + 1, files[i]);
			rc = 1;
		} else {
			fflush(stdout);
			LLVMFuzzerTestOneInput(data, size);
			printf("ok %zu - %s\n", i + 1, files[i]);
		}
		free(data);
		free(files[i]);
	}
	free(files);
	return rc;
}
