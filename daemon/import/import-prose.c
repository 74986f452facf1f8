/* import-prose.c — action cues and enumerations in prose paragraphs. The rules are in
 * import-prose.h; the cue tables below are the whole vocabulary. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "import/import-buf.h"
#include "import/import-item.h"
#include "import/import-prose.h"
#include "util.h"

/* What may follow a cue: any text, or in French "de"/"d'" (and, for nouns, "des"/"du"). */
enum cue_tail {
	TAIL_ANY,
	TAIL_INF, /* "d" + "e " or "'": an infinitive follows (suggéré de faire) */
	TAIL_DE,  /* "d" + "e ", "'", "es " (→ les), "u " (→ le): a noun or an infinitive */
};

/* An action cue: lower-case pattern (' matches ' and ’, a space any white space), how
 * strong it is, and whether a list of infinitives may follow (", de …, et de …"). A '*' in
 * the pattern skips words up to its second half ("principaux résultats * a été "). */
struct cue {
	const char *pat;
	int confidence;
	enum cue_tail tail;
	bool inf_list;
};

static const struct cue cues[] = {
    /* French */
    {"recommande d", 85, TAIL_INF, true},
    {"recommandent d", 85, TAIL_INF, true},
    {"recommandé d", 85, TAIL_INF, true},
    {"recommande que ", 85, TAIL_ANY, false},
    {"recommandent que ", 85, TAIL_ANY, false},
    {"recommandé que ", 85, TAIL_ANY, false},
    {"convenu d", 85, TAIL_INF, true},
    {"convenus d", 85, TAIL_INF, true},
    {"convenu que ", 85, TAIL_ANY, false},
    {"décidé d", 85, TAIL_INF, true},
    {"décidé que ", 85, TAIL_ANY, false},
    {"engagent à ", 85, TAIL_ANY, true},
    {"engage à ", 85, TAIL_ANY, true},
    {"engagé à ", 85, TAIL_ANY, true},
    {"engagés à ", 85, TAIL_ANY, true},
    {"suggéré d", 80, TAIL_INF, true},
    {"suggère d", 80, TAIL_INF, true},
    {"suggèrent d", 80, TAIL_INF, true},
    {"souligné la nécessité d", 75, TAIL_DE, true},
    {"soulignent la nécessité d", 75, TAIL_DE, true},
    {"insisté sur la nécessité d", 75, TAIL_DE, true},
    {"rappelé la nécessité d", 70, TAIL_DE, true},
    {"souligné l'importance d", 70, TAIL_DE, true},
    {"soulignent l'importance d", 70, TAIL_DE, true},
    {"insisté sur l'importance d", 70, TAIL_DE, true},
    {"propose que ", 75, TAIL_ANY, false},
    {"proposent que ", 75, TAIL_ANY, false},
    {"proposé que ", 75, TAIL_ANY, false},
    {"propose d", 75, TAIL_INF, true},
    {"proposé d", 75, TAIL_INF, true},
    {"appelé à ", 75, TAIL_ANY, true},
    {"appellent à ", 75, TAIL_ANY, true},
    {"appelle à ", 75, TAIL_ANY, true},
    {"il est essentiel d", 65, TAIL_INF, true},
    {"il est nécessaire d", 65, TAIL_INF, true},
    {"il convient d", 65, TAIL_INF, true},
    {"il est important d", 60, TAIL_INF, true},
    {"principaux résultats * a été ", 60, TAIL_ANY, false},
    /* English */
    {"agreed to ", 85, TAIL_ANY, true},
    {"agreed that ", 85, TAIL_ANY, false},
    {"agreed on ", 80, TAIL_ANY, false},
    {"decided to ", 85, TAIL_ANY, true},
    {"decided that ", 85, TAIL_ANY, false},
    {"recommended that ", 85, TAIL_ANY, false},
    {"recommends that ", 85, TAIL_ANY, false},
    {"recommend that ", 85, TAIL_ANY, false},
    {"recommended ", 75, TAIL_ANY, false},
    {"recommends ", 75, TAIL_ANY, false},
    {"called for ", 80, TAIL_ANY, false},
    {"calls for ", 80, TAIL_ANY, false},
    {"call for ", 80, TAIL_ANY, false},
    {"committed to ", 80, TAIL_ANY, true},
    {"commit to ", 80, TAIL_ANY, true},
    {"commits to ", 80, TAIL_ANY, true},
    {"undertook to ", 80, TAIL_ANY, true},
    {"stressed the need to ", 75, TAIL_ANY, true},
    {"stressed the need for ", 75, TAIL_ANY, false},
    {"underlined the need to ", 75, TAIL_ANY, true},
    {"emphasised the need to ", 75, TAIL_ANY, true},
    {"emphasized the need to ", 75, TAIL_ANY, true},
    {"stressed the importance of ", 70, TAIL_ANY, false},
    {"underlined the importance of ", 70, TAIL_ANY, false},
    {"emphasised the importance of ", 70, TAIL_ANY, false},
    {"emphasized the importance of ", 70, TAIL_ANY, false},
    {"proposed that ", 75, TAIL_ANY, false},
    {"propose that ", 75, TAIL_ANY, false},
    {"proposed to ", 75, TAIL_ANY, true},
    {"urged ", 70, TAIL_ANY, false},
    {"should ", 45, TAIL_ANY, false},
    {"will ", 40, TAIL_ANY, false},
};

/* Stems that, before a colon, make what follows an enumeration of recommendations. */
static const char *const colon_cues[] = {
    "suggér", "recommand", "propos",  "convenu",  "décid",      "engag", "préconis",  "demand",
    "agreed", "recommend", "decided", "proposed", "called for", "urged", "committed",
};

/* Where a cue's item stops: a new clause with its own verb. */
static const char *const clause_breaks[] = {
    " et ont ",   " et a ",    " et sont ", " et est ",   " et avait ",
    " and have ", " and has ", " and was ", " and were ", "; ",
};

/* What a part of an enumeration may start with for a comma before it to separate items. */
static const char *const determiners[] = {
    "la ", "le ", "les ", "l'", "un ", "une ", "des ", "du ", "d'", "the ", "a ", "an ",
};

#define COLON_ITEM_CONFIDENCE 75
#define ITEM_MIN_BYTES 8

struct span {
	const char *s;
	const char *e;
};

static void find_in_sentence(const char *s, const char *e, int line, struct import_cands *out);
static bool colon_enumeration(const char *s, const char *e, const char *src, int line,
			      struct import_cands *out);
static const char *match(const char *p, const char *e, const char *pat);
static const char *match_cue(const char *p, const char *e, const struct cue *c,
			     const char **prefix);
static const char *find_top(const char *s, const char *e, const char *pat);
static bool starts_item(const char *p, const char *e);
static bool infinitive_at(const char *p, const char *e);
static bool word_start(const char *s, const char *p);
static size_t space_len(const char *p, const char *e);
static bool sentence_end(const char *p, const char *e, const char *s, const char **next);
static bool abbreviation(const char *s, const char *p);
static void add_item(struct import_cands *out, int line, int confidence, const char *prefix,
		     const char *s, const char *e, const char *src);
static char *collapse(const char *s, const char *e);

void import_prose_find(const char *para, size_t len, int first_line, struct import_cands *out)
{
	const char *e = para + len;
	const char *s = para, *counted = para;
	int line = first_line;

	while (s < e) {
		size_t n;
		while ((n = space_len(s, e)) > 0)
			s += n;
		if (s >= e)
			break;
		for (; counted < s; counted++)
			line += *counted == '\n';
		const char *p = s, *next = e;
		while (p < e && !sentence_end(p, e, s, &next))
			p++;
		if (p < e)
			p = next;
		if (p - s <= IMPORT_PROSE_SENTENCE_MAX)
			find_in_sentence(s, p, line, out);
		s = p;
	}
}

/* Whether the sentence ends at p (a . ! ? or …); *next is where the next one starts. */
static bool sentence_end(const char *p, const char *e, const char *s, const char **next)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t plen;

	if (*p == '.' || *p == '!' || *p == '?')
		plen = 1;
	else if (e - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && u[2] == 0xa6)
		plen = 3; /* … */
	else
		return false;
	/* "M. Dupont", "J. Smith", "MM. Durand": an initial or a title before a full stop. */
	if (*p == '.' && abbreviation(s, p))
		return false;
	const char *q = p + plen;
	/* Closing quotes and brackets belong to the sentence. */
	for (;;) {
		if (q < e && (*q == '"' || *q == ')' || *q == '\''))
			q++;
		else if (e - q >= 2 && memcmp(q, "\xc2\xbb", 2) == 0)
			q += 2;
		else if (e - q >= 3 &&
			 (memcmp(q, "\xe2\x80\x9d", 3) == 0 || memcmp(q, "\xe2\x80\x99", 3) == 0))
			q += 3;
		else
			break;
	}
	if (q >= e) {
		*next = e;
		return true;
	}
	size_t n = space_len(q, e);
	if (n == 0)
		return false;
	const char *w = q;
	while ((n = space_len(w, e)) > 0)
		w += n;
	if (w >= e) {
		*next = e;
		return true;
	}
	const unsigned char *c = (const unsigned char *)w;
	bool capital = (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '"' ||
		       (c[0] == 0xc3 && w + 1 < e && c[1] >= 0x80 && c[1] <= 0x9e) ||
		       (e - w >= 2 && memcmp(w, "\xc2\xab", 2) == 0) ||
		       (e - w >= 3 && memcmp(w, "\xe2\x80\x9c", 3) == 0);
	if (!capital)
		return false;
	*next = q;
	return true;
}

/* Whether the word that ends at p (a full stop) is an initial or a title. */
static bool abbreviation(const char *s, const char *p)
{
	static const char *const titles[] = {"MM", "Mme", "Mmes", "Mlle", "Dr", "Mr", "Mrs", "Ms",
					     "Me", "Pr",  "St",   "Sr",   "Jr", "cf", "art"};
	const char *w = p;
	while (w > s && ((w[-1] >= 'a' && w[-1] <= 'z') || (w[-1] >= 'A' && w[-1] <= 'Z')))
		w--;
	size_t n = (size_t)(p - w);
	if (n == 1 && *w >= 'A' && *w <= 'Z')
		return true;
	for (size_t i = 0; i < ARRAY_LEN(titles); i++)
		if (strlen(titles[i]) == n && memcmp(titles[i], w, n) == 0)
			return true;
	return false;
}

/* One sentence: an enumeration after a cue and a colon, or the items of its cues. */
static void find_in_sentence(const char *s, const char *e, int line, struct import_cands *out)
{
	char *src = collapse(s, e);

	if (colon_enumeration(s, e, src, line, out)) {
		free(src);
		return;
	}
	/* Every cue, left to right, the longest at each place. */
	struct {
		const struct cue *cue;
		const char *start, *end, *prefix;
	} found[16];
	size_t nfound = 0;
	for (const char *p = s; p < e && nfound < ARRAY_LEN(found); p++) {
		if (!word_start(s, p))
			continue;
		const struct cue *best = NULL;
		const char *best_end = NULL, *best_prefix = NULL;
		for (size_t i = 0; i < ARRAY_LEN(cues); i++) {
			const char *prefix = NULL;
			const char *m = match_cue(p, e, &cues[i], &prefix);
			if (m != NULL && (best == NULL || m > best_end)) {
				best = &cues[i];
				best_end = m;
				best_prefix = prefix;
			}
		}
		if (best == NULL)
			continue;
		found[nfound].cue = best;
		found[nfound].start = p;
		found[nfound].end = best_end;
		found[nfound].prefix = best_prefix;
		nfound++;
		p = best_end - 1;
	}
	for (size_t k = 0; k < nfound; k++) {
		const char *is = found[k].end;
		const char *ie = k + 1 < nfound ? found[k + 1].start : e;
		for (size_t i = 0; i < ARRAY_LEN(clause_breaks); i++) {
			const char *b = find_top(is, ie, clause_breaks[i]);
			if (b != NULL)
				ie = b;
		}
		int conf = found[k].cue->confidence;
		const char *prefix = found[k].prefix;
		/* "de savoir …, de mettre en place …, et de continuer …": one item each. */
		while (found[k].cue->inf_list) {
			const char *cut = NULL, *resume = NULL;
			static const char *const seps[] = {", et de ",  ", et d'",  " et de ",
							   " et d'",    ", de ",    ", d'",
							   ", and to ", " and to ", ", to "};
			for (size_t i = 0; i < ARRAY_LEN(seps); i++) {
				const char *b = find_top(is, ie, seps[i]);
				if (b == NULL || (cut != NULL && b >= cut))
					continue;
				const char *r = match(b, ie, seps[i]);
				bool english = seps[i][strlen(seps[i]) - 2] == 'o';
				if (english || infinitive_at(r, ie)) {
					cut = b;
					resume = r;
				}
			}
			if (cut == NULL)
				break;
			add_item(out, line, conf, prefix, is, cut, src);
			prefix = NULL;
			is = resume;
		}
		add_item(out, line, conf, prefix, is, ie, src);
	}
	free(src);
}

/* "… ont suggéré entre autre : la mise en place …, l'élaboration … ; la vulgarisation …":
 * true when the sentence is such an enumeration (its items added). */
static bool colon_enumeration(const char *s, const char *e, const char *src, int line,
			      struct import_cands *out)
{
	const char *colon = find_top(s, e, ":");
	if (colon == NULL || colon + 1 >= e || colon[1] == '/')
		return false;
	bool cue = false;
	for (const char *p = s; p < colon && !cue; p++) {
		if (!word_start(s, p))
			continue;
		for (size_t i = 0; i < ARRAY_LEN(colon_cues) && !cue; i++)
			cue = match(p, colon, colon_cues[i]) != NULL;
	}
	if (!cue)
		return false;
	size_t before = out->n;
	const char *p = colon + 1;
	while (p < e) {
		const char *semi = find_top(p, e, ";");
		const char *pe = semi != NULL ? semi : e;
		/* Commas separate items only where the next part starts like one. */
		const char *is = p;
		int depth = 0;
		for (const char *c = p; c < pe; c++) {
			if (*c == '(' || *c == '[')
				depth++;
			else if ((*c == ')' || *c == ']') && depth > 0)
				depth--;
			if (*c != ',' || depth > 0)
				continue;
			const char *w = c + 1;
			size_t n;
			while ((n = space_len(w, pe)) > 0)
				w += n;
			/* ", et …", ", and …" close an enumeration whatever follows. */
			const char *after_and = match(w, pe, "et ");
			if (after_and == NULL)
				after_and = match(w, pe, "and ");
			if (after_and != NULL || starts_item(w, pe)) {
				add_item(out, line, COLON_ITEM_CONFIDENCE, NULL, is, c, src);
				is = after_and != NULL ? after_and : w;
			}
		}
		const char *after_and = match(is, pe, "et ");
		add_item(out, line, COLON_ITEM_CONFIDENCE, NULL, after_and ? after_and : is, pe,
			 src);
		p = semi != NULL ? semi + 1 : e;
		while (p < e && space_len(p, e) > 0)
			p += space_len(p, e);
	}
	return out->n > before;
}

/* Match the lower-case pattern at p: ASCII case is ignored, ' matches ’, a space matches a
 * run of white space. The end of the match, or NULL. */
static const char *match(const char *p, const char *e, const char *pat)
{
	while (*pat != '\0') {
		if (*pat == ' ') {
			size_t n = space_len(p, e);
			if (n == 0)
				return NULL;
			while ((n = space_len(p, e)) > 0)
				p += n;
		} else if (*pat == '\'') {
			if (p < e && *p == '\'')
				p++;
			else if (e - p >= 3 && memcmp(p, "\xe2\x80\x99", 3) == 0)
				p += 3;
			else
				return NULL;
		} else {
			if (p >= e)
				return NULL;
			char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
			if (c != *pat)
				return NULL;
			p++;
		}
		pat++;
	}
	return p;
}

/* A cue at p: its end, and the words to put before the item (l'importance des → "les "). */
static const char *match_cue(const char *p, const char *e, const struct cue *c, const char **prefix)
{
	*prefix = NULL;
	const char *star = strchr(c->pat, '*');
	if (star != NULL) {
		char head[64];
		size_t hl = (size_t)(star - c->pat);
		if (hl >= sizeof head)
			return NULL;
		memcpy(head, c->pat, hl);
		head[hl] = '\0';
		const char *m = match(p, e, head);
		if (m == NULL)
			return NULL;
		for (const char *q = m; q < e; q++) {
			const char *m2 = match(q, e, star + 1);
			if (m2 != NULL)
				return m2;
		}
		return NULL;
	}
	const char *m = match(p, e, c->pat);
	if (m == NULL || c->tail == TAIL_ANY)
		return m;
	const char *t;
	if ((t = match(m, e, "e ")) != NULL || (t = match(m, e, "'")) != NULL)
		return t;
	if (c->tail == TAIL_DE && (t = match(m, e, "es ")) != NULL) {
		*prefix = "les ";
		return t;
	}
	if (c->tail == TAIL_DE && (t = match(m, e, "u ")) != NULL) {
		*prefix = "le ";
		return t;
	}
	return NULL;
}

/* The first occurrence of pat in [s, e) outside parentheses and brackets, or NULL. */
static const char *find_top(const char *s, const char *e, const char *pat)
{
	int depth = 0;
	for (const char *p = s; p < e; p++) {
		if (*p == '(' || *p == '[')
			depth++;
		else if ((*p == ')' || *p == ']') && depth > 0)
			depth--;
		else if (depth == 0 && match(p, e, pat) != NULL)
			return p;
	}
	return NULL;
}

/* Whether an item of an enumeration starts at p: a determiner or an infinitive. */
static bool starts_item(const char *p, const char *e)
{
	for (size_t i = 0; i < ARRAY_LEN(determiners); i++)
		if (match(p, e, determiners[i]) != NULL)
			return true;
	return infinitive_at(p, e);
}

/* A French infinitive: a lower-case word of four letters or more ending in -er, -ir, -re. */
static bool infinitive_at(const char *p, const char *e)
{
	const char *w = p;
	while (w < e && ((*w >= 'a' && *w <= 'z') || (unsigned char)*w >= 0x80))
		w++;
	if (w - p < 4 || !(*p >= 'a' && *p <= 'z'))
		return false;
	return (w[-1] == 'r' && (w[-2] == 'e' || w[-2] == 'i')) || (w[-1] == 'e' && w[-2] == 'r');
}

/* Whether p starts a word (not "goodwill", not "réalisera"). */
static bool word_start(const char *s, const char *p)
{
	if (p == s)
		return true;
	unsigned char c = (unsigned char)p[-1];
	if (c >= 0x80)
		return (p - s >= 3 && (memcmp(p - 3, "\xe2\x80\x99", 3) == 0 ||
				       memcmp(p - 3, "\xe2\x80\x9c", 3) == 0)) ||
		       (p - s >= 2 &&
			(memcmp(p - 2, "\xc2\xa0", 2) == 0 || memcmp(p - 2, "\xc2\xab", 2) == 0));
	return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		 c == '-' || c == '_');
}

/* White space inside a paragraph: the line ends joining its lines count. */
static size_t space_len(const char *p, const char *e)
{
	if (p < e && (*p == '\n' || *p == '\r'))
		return 1;
	return import_item_space_len(p, e);
}

/* Rewrite [s, e) into an item: trimmed, quotes and punctuation at its end replaced by one full
 * stop, the first letter capitalised, prefix put before. Too short a part is no item. */
static void add_item(struct import_cands *out, int line, int confidence, const char *prefix,
		     const char *s, const char *e, const char *src)
{
	size_t n;
	for (;;) {
		while ((n = space_len(s, e)) > 0)
			s += n;
		while (e > s && (n = space_len(e - 1, e)) > 0)
			e--;
		while (e > s && (n = import_item_space_before(s, e)) > 0)
			e -= n;
		if (e > s && strchr(".,;:!?\"'", e[-1]) != NULL)
			e--;
		else if (e - s >= 3 && (memcmp(e - 3, "\xe2\x80\x9d", 3) == 0 ||
					memcmp(e - 3, "\xe2\x80\x99", 3) == 0 ||
					memcmp(e - 3, "\xe2\x80\xa6", 3) == 0))
			e -= 3;
		else if (e - s >= 2 && memcmp(e - 2, "\xc2\xbb", 2) == 0)
			e -= 2;
		else if (e - s >= 3 && memcmp(e - 3, " et", 3) == 0)
			e -= 3;
		else if (e - s >= 4 && memcmp(e - 4, " and", 4) == 0)
			e -= 4;
		else
			break;
	}
	if (e - s < ITEM_MIN_BYTES || out->n >= IMPORT_MAX_ITEMS)
		return;
	struct import_buf b = {0};
	if (prefix != NULL)
		import_buf_add(&b, prefix, strlen(prefix));
	char *body = collapse(s, e);
	import_buf_add(&b, body, strlen(body));
	free(body);
	import_buf_addc(&b, '.');
	unsigned char *u = (unsigned char *)b.s;
	if (u[0] >= 'a' && u[0] <= 'z')
		u[0] = (unsigned char)(u[0] - 'a' + 'A');
	else if (u[0] == 0xc3 && u[1] >= 0xa0 && u[1] <= 0xbe && u[1] != 0xb7)
		u[1] = (unsigned char)(u[1] - 0x20); /* é → É */
	import_cands_add(out, line, confidence, false, import_buf_take(&b), xstrdup(src));
}

/* [s, e) with every run of white space (line ends included) made one space. */
static char *collapse(const char *s, const char *e)
{
	struct import_buf b = {0};
	bool space = false;
	while (s < e) {
		size_t n = space_len(s, e);
		if (n > 0) {
			space = true;
			s += n;
			continue;
		}
		if (space && b.len > 0)
			import_buf_addc(&b, ' ');
		space = false;
		import_buf_addc(&b, *s++);
	}
	return import_buf_take(&b);
}

void import_cands_add(struct import_cands *out, int line, int confidence, bool list, char *text,
		      char *source)
{
	if (out->n % 32 == 0)
		out->v = xrealloc(out->v, (out->n + 32) * sizeof *out->v);
	out->v[out->n++] = (struct import_cand){line, confidence, list, text, source};
}

void import_cands_merge(struct import_cands *a, struct import_cands *b)
{
	struct import_cands m = {0};
	size_t i = 0, j = 0;
	while (i < a->n || j < b->n) {
		bool take_a = j >= b->n || (i < a->n && a->v[i].line <= b->v[j].line);
		struct import_cand *c = take_a ? &a->v[i++] : &b->v[j++];
		import_cands_add(&m, c->line, c->confidence, c->list, c->text, c->source);
	}
	free(a->v);
	free(b->v);
	*a = m;
	memset(b, 0, sizeof *b);
}

void import_cands_free(struct import_cands *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].text);
		free(c->v[i].source);
	}
	free(c->v);
	c->v = NULL;
	c->n = 0;
}
