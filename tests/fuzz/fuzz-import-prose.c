/* fuzz-import-prose.c — the candidates of minutes (import_candidates, text/plain): list items
 * and what import-prose.c finds in prose. Input: the body as it is.
 *
 * Properties: a success has at least one candidate, in non-decreasing line order, each line
 * inside the body, each confidence 1 to 100, each text and source non-empty valid UTF-8, a
 * prose candidate's text ends with a full stop and is at most text_max code points; a
 * failure has a message. */
#include "suivi-config.h"

#include <string.h>

#include "fuzz.h"
#include "import/import.h"
#include "utf8.h"

static const char *const open_statuses[] = {"proposed", NULL};
static const struct import_options opts = {
    .open_statuses = open_statuses,
    .text_max = 4000,
    .details_max = 20000,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import_cands c;
	struct import_error err;
	int lines = 1;
	for (size_t i = 0; i < size; i++)
		lines +=
		    data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));

	if (import_candidates("text/plain", (const char *)data, size, &opts, &c, &err) == -1) {
		FUZZ_CHECK(err.message != NULL && c.n == 0, "a refusal without a message");
		import_error_clear(&err);
		return 0;
	}
	FUZZ_CHECK(c.n > 0, "success without a candidate");
	for (size_t i = 0; i < c.n; i++) {
		const struct import_cand *k = &c.v[i];
		FUZZ_CHECK(k->line >= 1 && k->line <= lines, "line %d of %d", k->line, lines);
		FUZZ_CHECK(i == 0 || c.v[i - 1].line <= k->line, "lines out of order");
		FUZZ_CHECK(k->confidence >= 1 && k->confidence <= 100, "confidence %d",
			   k->confidence);
		FUZZ_CHECK(k->text[0] != '\0' && utf8_valid(k->text, strlen(k->text)), "text");
		FUZZ_CHECK(k->source[0] != '\0' && utf8_valid(k->source, strlen(k->source)),
			   "source");
		if (!k->list) {
			FUZZ_CHECK(k->text[strlen(k->text) - 1] == '.', "no full stop: %s",
				   k->text);
			FUZZ_CHECK(utf8_count(k->text) <= opts.text_max, "too long");
		}
	}
	import_cands_free(&c);
	return 0;
}
