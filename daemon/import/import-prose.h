/* import-prose.h — recommendations found in prose, in French and English: the candidates a
 * secretariat reviews before they are recorded (POST /v1/meetings/{code}/import?mode=candidates).
 *
 * A pure function of one paragraph: no I/O, no allocation it does not hand over, bounded work
 * (sentences over IMPORT_PROSE_SENTENCE_MAX bytes are skipped), so that it can be fuzzed alone.
 * A paragraph is cut into sentences (. ! ? … followed by white space and a capital or an opening
 * quote; "M. Dupont" and "3.0., qui" do not end one). In each sentence:
 *   - an action cue before a colon ("ont suggéré entre autre :", "recommended the following:")
 *     makes the rest an enumeration, split on ';' then on ',' where the next part starts with
 *     a determiner or an infinitive (never inside parentheses or brackets);
 *   - otherwise every action cue ("recommande de", "a convenu de", "souligné la nécessité de",
 *     "s'engagent à", "il a été décidé de", "propose que", "agreed to", "called for",
 *     "stressed the need to", "committed to", "will" …) starts an item that runs to the next
 *     cue or to a new clause (" et ont …", " and have …"); after a cue ending in "de"/"à"/"to",
 *     a list of infinitives (", de …, et de …", " and to …") gives one item each.
 * Each item is rewritten minimally: the cue removed (l'importance des approches → Les
 * approches), the first letter capitalised, trailing quotes and punctuation replaced by one
 * full stop. Its confidence (percent) says how strong the cue is: a decision or a
 * recommendation 80–85, a stressed need 70–75, an enumeration after a cue 75, "il est essentiel
 * de" 65, a bare "will"/"should" 40–45.
 *
 * Layer rule: import may use only core (pure parsers, no I/O); only api uses import. */
#ifndef SUIVI_IMPORT_PROSE_H
#define SUIVI_IMPORT_PROSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

#define IMPORT_PROSE_SENTENCE_MAX 4000

/* One candidate recommendation, from a list item or from prose. */
struct import_cand {
	int line;       /* 1-based physical line where its sentence (or list item) starts */
	int confidence; /* percent, 1 to 100 */
	bool list;      /* a bullet or numbered item rather than prose */
	char *text;     /* the item, rewritten */
	char *source;   /* the sentence (or list item) it came from, white space collapsed */
};

struct import_cands {
	struct import_cand *v;
	size_t n;
};

/* Find the candidates of one paragraph of len bytes (valid UTF-8; lines joined with '\n',
 * the first being line first_line) and append them to out. */
void import_prose_find(const char *para, size_t len, int first_line, struct import_cands *out);

/* Append a candidate, taking text and source. */
void import_cands_add(struct import_cands *out, int line, int confidence, bool list, char *text,
		      char *source);
/* Merge b into a, both ordered by line, into one list ordered by line (a first on a tie);
 * b is left empty. */
void import_cands_merge(struct import_cands *a, struct import_cands *b);
void import_cands_free(struct import_cands *c);

#endif
