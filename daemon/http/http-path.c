/* http-path.c — request paths: split into decoded segments, matched against route patterns
 * ("/v1/recommendations/{ref}/history"), where {ref} takes an id or a code/n reference. */
#include "suivi-config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "http/http-internal.h"
#include "utf8.h"
#include "util.h"

static int segment_decode(const char *s, size_t len, char **out);
static bool ref_segment(const char *s);
static void spans_shift(struct http_span *spans, unsigned from, unsigned to, size_t by);

/* Split "/a/b%20c" into decoded segments; -1 on bad encoding, 1 when too deep to match. */
int http_path_split(const char *path, char **segs, size_t *nsegs)
{
	*nsegs = 0;
	if (path[0] != '/')
		return 1;
	const char *p = path + 1;
	for (;;) {
		const char *end = strchr(p, '/');
		size_t len = end == NULL ? strlen(p) : (size_t)(end - p);
		if (*nsegs == HTTP_MAX_SEGMENTS)
			return 1;
		if (segment_decode(p, len, &segs[*nsegs]) != 0)
			return -1;
		(*nsegs)++;
		if (end == NULL)
			return 0;
		p = end + 1;
	}
}

static int segment_decode(const char *s, size_t len, char **out)
{
	char *d = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			d[o++] = s[i];
			continue;
		}
		unsigned v = 0;
		for (size_t k = 1; k <= 2; k++) {
			char c = i + k < len ? s[i + k] : '\0';
			if (c >= '0' && c <= '9')
				v = v * 16 + (unsigned)(c - '0');
			else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
				v = v * 16 + (unsigned)((c | 0x20) - 'a' + 10);
			else
				goto bad;
		}
		if (v == 0)
			goto bad;
		d[o++] = (char)v;
		i += 2;
	}
	d[o] = '\0';
	if (!utf8_valid(d, o))
		goto bad;
	*out = d;
	return 0;
bad:
	free(d);
	return -1;
}

bool http_all_digits(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* One segment naming a recommendation: "42" or, with an encoded slash, "code/3". */
static bool ref_segment(const char *s)
{
	if (*s == '\0')
		return false;
	const char *slash = strrchr(s, '/');
	if (slash == NULL)
		return http_all_digits(s);
	return slash != s && slash[1] != '\0' && http_all_digits(slash + 1) &&
	       memchr(s, '/', (size_t)(slash - s)) == NULL;
}

/* Match pattern segments from pat (at a '/' or the end) against segs; {ref} backtracks. */
bool http_path_match(const char *pat, char *const *segs, size_t nsegs, struct http_span *spans,
		     unsigned *nspans)
{
	size_t i = 0;
	while (*pat == '/') {
		pat++;
		const char *end = strchr(pat, '/');
		size_t plen = end == NULL ? strlen(pat) : (size_t)(end - pat);
		const char *rest = pat + plen;
		if (i == nsegs)
			return false;
		if (plen == 5 && memcmp(pat, "{ref}", 5) == 0) {
			if (*nspans == HTTP_MAX_PARAMS)
				return false;
			unsigned k = (*nspans)++;
			spans[k].first = i;
			spans[k].count = 1;
			unsigned saved = *nspans;
			/* The rest is matched against the segments after the ref: the spans it
			 * adds count from there and are shifted back to count from segs. */
			if (ref_segment(segs[i]) &&
			    http_path_match(rest, segs + i + 1, nsegs - i - 1, spans, nspans)) {
				spans_shift(spans, saved, *nspans, i + 1);
				return true;
			}
			*nspans = saved;
			spans[k].count = 2;
			if (i + 1 < nsegs && segs[i][0] != '\0' && strchr(segs[i], '/') == NULL &&
			    segs[i + 1][0] != '\0' && http_all_digits(segs[i + 1]) &&
			    http_path_match(rest, segs + i + 2, nsegs - i - 2, spans, nspans)) {
				spans_shift(spans, saved, *nspans, i + 2);
				return true;
			}
			*nspans = k;
			return false;
		}
		if (plen > 2 && pat[0] == '{' && pat[plen - 1] == '}') {
			if (segs[i][0] == '\0' || *nspans == HTTP_MAX_PARAMS)
				return false;
			spans[*nspans].first = i;
			spans[*nspans].count = 1;
			(*nspans)++;
		} else if (strlen(segs[i]) != plen || memcmp(segs[i], pat, plen) != 0) {
			return false;
		}
		i++;
		pat = rest;
	}
	return *pat == '\0' && i == nsegs;
}

static void spans_shift(struct http_span *spans, unsigned from, unsigned to, size_t by)
{
	for (unsigned k = from; k < to; k++)
		spans[k].first += by;
}
