/* mail-reply.c — the owner's own words of a reply, and its one-line commands. */
#include "suivi-config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import-buf.h"
#include "import/mail-reply.h"
#include "utf8.h"
#include "util.h"

static bool starts_with_fold(const char *line, const char *prefix);
static bool ends_with(const char *s, size_t len, const char *suffix);
static bool is_attribution(const char *line, size_t len);
static bool is_header_block(const char *line, size_t len, const char *next, size_t next_len);
static bool is_rule(const char *line, size_t len);
static const char *fold_cp(uint32_t cp);
static bool ref_at(const char *s, size_t *len);

/* Latin letters with diacritics as their base letters: French and the common rest. */
static const char *fold_cp(uint32_t cp)
{
	static const struct {
		uint32_t cp;
		const char *to;
	} map[] = {
	    {0xC0, "a"},  {0xC1, "a"},   {0xC2, "a"},   {0xC3, "a"},  {0xC4, "a"}, {0xC5, "a"},
	    {0xC6, "ae"}, {0xC7, "c"},   {0xC8, "e"},   {0xC9, "e"},  {0xCA, "e"}, {0xCB, "e"},
	    {0xCC, "i"},  {0xCD, "i"},   {0xCE, "i"},   {0xCF, "i"},  {0xD1, "n"}, {0xD2, "o"},
	    {0xD3, "o"},  {0xD4, "o"},   {0xD5, "o"},   {0xD6, "o"},  {0xD9, "u"}, {0xDA, "u"},
	    {0xDB, "u"},  {0xDC, "u"},   {0xDD, "y"},   {0xE0, "a"},  {0xE1, "a"}, {0xE2, "a"},
	    {0xE3, "a"},  {0xE4, "a"},   {0xE5, "a"},   {0xE6, "ae"}, {0xE7, "c"}, {0xE8, "e"},
	    {0xE9, "e"},  {0xEA, "e"},   {0xEB, "e"},   {0xEC, "i"},  {0xED, "i"}, {0xEE, "i"},
	    {0xEF, "i"},  {0xF1, "n"},   {0xF2, "o"},   {0xF3, "o"},  {0xF4, "o"}, {0xF5, "o"},
	    {0xF6, "o"},  {0xF9, "u"},   {0xFA, "u"},   {0xFB, "u"},  {0xFC, "u"}, {0xFD, "y"},
	    {0xFF, "y"},  {0x152, "oe"}, {0x153, "oe"}, {0x178, "y"},
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (map[i].cp == cp)
			return map[i].to;
	return NULL;
}

char *mail_reply_fold(const char *s)
{
	struct import_buf b = {0};
	bool space = false;

	while (*s != '\0') {
		uint32_t cp;
		size_t n = utf8_next(s, &cp);
		const char *to = fold_cp(cp);
		if (cp == '_' || cp == ' ' || cp == '\t' || cp == 0xA0 || cp == 0x202F) {
			space = b.len > 0;
		} else {
			if (space)
				import_buf_add(&b, " ", 1);
			space = false;
			if (to != NULL) {
				import_buf_add(&b, to, strlen(to));
			} else if (cp < 0x80) {
				char c = (char)tolower((unsigned char)cp);
				import_buf_add(&b, &c, 1);
			} else {
				import_buf_add(&b, s, n);
			}
		}
		s += n;
	}
	/* French labels are feminine (une recommandation … acceptée, bloquée); owners write
	 * either: a word ending in "ee" reads as "e". */
	char *f = import_buf_take(&b);
	if (f == NULL)
		return xstrdup("");
	char *w = f;
	for (char *p = f; *p != '\0'; p++) {
		if (p[0] == 'e' && p[1] == 'e' && (p[2] == ' ' || p[2] == ':' || p[2] == '\0') &&
		    p > f && p[-1] != ' ') {
			*w++ = 'e';
			p++;
			continue;
		}
		*w++ = *p;
	}
	*w = '\0';
	return f;
}

static bool starts_with_fold(const char *line, const char *prefix)
{
	return strncasecmp(line, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

/* "On Mon, 3 Mar 2025, OCRTIS <…> wrote:" and "Le lun. 3 mars 2025 à 10:00, … a écrit :". */
static bool is_attribution(const char *line, size_t len)
{
	return (starts_with_fold(line, "On ") && ends_with(line, len, "wrote:")) ||
	       (starts_with_fold(line, "Le ") &&
		(ends_with(line, len, "a écrit :") || ends_with(line, len, "a écrit:") ||
		 ends_with(line, len, "a \xc3\xa9\x63rit\xc2\xa0:")));
}

/* Outlook quotes without '>': its header block ("De : …" then "Envoyé : …", or "From: …"
 * then "Sent: …") starts the quoted message. */
static bool is_header_block(const char *line, size_t len, const char *next, size_t next_len)
{
	(void)len;
	bool from = starts_with_fold(line, "From:") || starts_with_fold(line, "De :") ||
		    starts_with_fold(line, "De\xc2\xa0:") || starts_with_fold(line, "De:");
	bool sent = next != NULL && next_len > 0 &&
		    (starts_with_fold(next, "Sent:") || starts_with_fold(next, "Envoyé :") ||
		     starts_with_fold(next, "Envoyé\xc2\xa0:") ||
		     starts_with_fold(next, "Envoyé:") || starts_with_fold(next, "Date:"));
	return from && sent;
}

/* "-----Original Message-----", "----- Message d'origine -----", or a line of underscores. */
static bool is_rule(const char *line, size_t len)
{
	size_t under = 0;
	for (size_t i = 0; i < len; i++)
		under += line[i] == '_';
	if (under >= 10 && under + 2 >= len)
		return true;
	return starts_with_fold(line, "-----Original Message") ||
	       starts_with_fold(line, "----- Original Message") ||
	       starts_with_fold(line, "-----Message d") ||
	       starts_with_fold(line, "----- Message d");
}

char *mail_reply_strip(const char *text)
{
	struct import_buf b = {0};
	const char *p = text;

	while (*p != '\0') {
		const char *end = strchr(p, '\n');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		const char *next = end != NULL ? end + 1 : NULL;
		size_t next_len = next != NULL ? strcspn(next, "\n") : 0;
		const char *q = p;
		while (q < p + len && (*q == ' ' || *q == '\t'))
			q++;
		size_t qlen = len - (size_t)(q - p);
		char *line = xstrndup(p, len);
		bool separator = strstr(line, "Reply above this line") != NULL ||
				 strstr(line, "Répondez au-dessus de cette ligne") != NULL;
		bool signature = strcmp(line, "-- ") == 0 || strcmp(line, "--") == 0 ||
				 strcmp(line, "-- \r") == 0 || strcmp(line, "--\r") == 0;
		free(line);
		/* Quoted lines never cut: the digest's separator comes back quoted too, above
		 * the answers an owner types between quoted lines. */
		if (*q != '>' && (separator || signature || is_rule(q, qlen) ||
				  is_header_block(q, qlen, next, next_len)))
			break;
		if (*q != '>' && !is_attribution(q, qlen)) {
			import_buf_add(&b, p, len);
			import_buf_add(&b, "\n", 1);
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	char *out = import_buf_take(&b);
	return out != NULL ? out : xstrdup("");
}

/* A ref at s: a meeting code ([a-z0-9][a-z0-9-]*), '/', a number; *len its length. */
static bool ref_at(const char *s, size_t *len)
{
	size_t i = 0;
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return false;
	while (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-')
		i++;
	if (i > 63 || s[i] != '/' || !isdigit((unsigned char)s[i + 1]))
		return false;
	i++;
	size_t digits = 0;
	while (isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (digits > 9 ||
	    (s[i] != '\0' && s[i] != ' ' && s[i] != '\t' && s[i] != ':' && s[i] != '\r'))
		return false;
	*len = i;
	return true;
}

/* One line: ref, then the longest status word or comment/commentaire, then ':' and the rest. */
static bool parse_line(const char *line, int lineno, const struct mail_status_word *words,
		       size_t n_words, struct mail_command *out)
{
	size_t rl;
	const char *s = line;
	while (*s == ' ' || *s == '\t' || *s == '*' || *s == '-')
		s++;
	if (!ref_at(s, &rl))
		return false;
	char *rest_fold = mail_reply_fold(s + rl);
	const char *status = NULL;
	size_t best = 0;
	bool comment = false;
	static const char *const comment_words[] = {"comment", "commentaire", "comments",
						    "commentaires"};
	for (size_t i = 0; i <= n_words + ARRAY_LEN(comment_words); i++) {
		char *w = i < n_words ? mail_reply_fold(words[i].word)
			  : i < n_words + ARRAY_LEN(comment_words)
			      ? xstrdup(comment_words[i - n_words])
			      : NULL;
		if (w == NULL)
			break;
		size_t wl = strlen(w);
		if (wl > best && strncmp(rest_fold, w, wl) == 0 &&
		    (rest_fold[wl] == '\0' || rest_fold[wl] == ' ' || rest_fold[wl] == ':')) {
			best = wl;
			comment = i >= n_words;
			status = i < n_words ? words[i].status : NULL;
		}
		free(w);
	}
	if (best == 0) {
		free(rest_fold);
		return false;
	}
	/* The comment is the rest of the line as written: skip as many folded characters of the
	 * original as the word took, by re-folding prefixes of the original. */
	const char *orig = s + rl;
	while (*orig == ' ' || *orig == '\t')
		orig++;
	const char *after = orig;
	while (*after != '\0') {
		char *pre = xstrndup(orig, (size_t)(after - orig));
		char *f = mail_reply_fold(pre);
		bool done = strlen(f) >= best;
		free(f);
		free(pre);
		if (done)
			break;
		uint32_t cp;
		after += utf8_next(after, &cp);
	}
	free(rest_fold);
	/* The word matched ends where the owner's word ends ("bloquée" folds as "bloqué"). */
	while (*after != '\0' && *after != ' ' && *after != '\t' && *after != ':' &&
	       !((unsigned char)after[0] == 0xC2 && (unsigned char)after[1] == 0xA0))
		after++;
	while (*after == ' ' || *after == '\t' || (unsigned char)*after == 0xC2)
		after += (unsigned char)*after == 0xC2 && (unsigned char)after[1] == 0xA0 ? 2 : 1;
	if (*after == ':')
		after++;
	while (*after == ' ' || *after == '\t')
		after++;
	size_t cl = strlen(after);
	while (cl > 0 && (after[cl - 1] == ' ' || after[cl - 1] == '\r' || after[cl - 1] == '\t'))
		cl--;
	out->line = lineno;
	out->ref = xstrndup(s, rl);
	out->action = comment ? MAIL_ACTION_COMMENT : MAIL_ACTION_STATUS;
	out->status = status;
	out->comment = cl > 0 ? xstrndup(after, cl) : NULL;
	return true;
}

void mail_reply_parse(const char *kept, const struct mail_status_word *words, size_t n_words,
		      struct mail_reply *out)
{
	const char *p = kept;
	int lineno = 0;

	memset(out, 0, sizeof *out);
	out->commands = xcalloc(MAIL_REPLY_MAX_LINES, sizeof *out->commands);
	out->not_understood = xcalloc(MAIL_REPLY_MAX_LINES, sizeof *out->not_understood);
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		lineno++;
		/* Mail text ends its lines with CR LF. */
		size_t l = strlen(line);
		while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
			line[--l] = '\0';
		size_t blank = strspn(line, " \t\r");
		if (line[blank] != '\0') {
			struct mail_command c;
			if (parse_line(line, lineno, words, n_words, &c)) {
				if (out->n < MAIL_REPLY_MAX_LINES)
					out->commands[out->n++] = c;
				else {
					free(c.ref);
					free(c.comment);
				}
			} else if (out->n_not_understood < MAIL_REPLY_MAX_LINES) {
				out->not_understood[out->n_not_understood++] = line;
				line = NULL;
			}
		}
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
}

void mail_reply_free(struct mail_reply *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->commands[i].ref);
		free(r->commands[i].comment);
	}
	for (size_t i = 0; i < r->n_not_understood; i++)
		free(r->not_understood[i]);
	free(r->commands);
	free(r->not_understood);
	memset(r, 0, sizeof *r);
}
