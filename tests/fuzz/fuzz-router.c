/* fuzz-router.c — request paths and query strings as the router reads them: split into
 * percent-decoded segments, matched against every route pattern of suivid (and a few of
 * each form), the query string parsed by evhttp and checked for UTF-8.
 *
 * Input: the path, then (after a NUL) the query string.
 * Properties: a split either fails or gives at most HTTP_MAX_SEGMENTS segments, each valid
 * UTF-8 without NUL, and re-encoding them gives a path that splits to the same segments (a
 * round trip); a match's spans lie inside the path and a {ref} span is an id (digits) or a
 * code and a number; the first matching route is found again on the re-encoded path. */
#include "suivi-config.h"

#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "fuzz.h"
#include "http/http-internal.h"
#include "utf8.h"
#include "util.h"

/* The patterns of daemon/api/ (kept in step by hand: a new form is what matters here). */
static const char *const patterns[] = {
    "/v1/health",
    "/v1/meetings/{code}/import",
    "/v1/meetings",
    "/v1/meetings/{code}",
    "/v1/reminders/run",
    "/v1/notifications",
    "/v1/notifications/{id}/retry",
    "/v1/owners",
    "/v1/owners/{handle}",
    "/v1/recommendations",
    "/v1/recommendations/{ref}",
    "/v1/recommendations/{ref}/transitions",
    "/v1/recommendations/{ref}/comments",
    "/v1/recommendations/{ref}/history",
    "/v1/reports/overdue",
    "/v1/tokens/{id}",
    "/v1/workflow",
    "/t/{a}/{b}/{c}/{d}/{e}",
    "/t/{ref}/{ref}",
    "/{ref}",
    NULL,
};

static char *encode(char *const *segs, size_t n);
static bool same(char *const *a, size_t na, char *const *b, size_t nb);
static void check_match(const char *pat, char *const *segs, size_t nsegs);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	fuzz_in_init(&in, data, size);
	const char *path = fuzz_take(&in);
	const char *query = fuzz_take(&in);

	char *segs[HTTP_MAX_SEGMENTS];
	size_t nsegs = 0;
	int rc = http_path_split(path, segs, &nsegs);
	FUZZ_CHECK(rc >= -1 && rc <= 1, "rc %d", rc);
	FUZZ_CHECK(nsegs <= HTTP_MAX_SEGMENTS, "%zu segments", nsegs);
	for (size_t i = 0; i < nsegs; i++)
		FUZZ_CHECK(utf8_valid(segs[i], strlen(segs[i])), "segment %zu not UTF-8", i);
	if (rc == 0) {
		FUZZ_CHECK(nsegs >= 1, "an absolute path has a segment");
		char *again = encode(segs, nsegs);
		char *segs2[HTTP_MAX_SEGMENTS];
		size_t n2 = 0;
		FUZZ_CHECK(http_path_split(again, segs2, &n2) == 0, "re-encoded %s", again);
		FUZZ_CHECK(same(segs, nsegs, segs2, n2), "round trip of %s through %s", path,
			   again);
		for (size_t i = 0; i < n2; i++)
			free(segs2[i]);
		free(again);
		for (const char *const *p = patterns; *p != NULL; p++)
			check_match(*p, segs, nsegs);
	}
	for (size_t i = 0; i < nsegs; i++)
		free(segs[i]);

	struct evkeyvalq q;
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == 0) {
		struct evkeyval *kv;
		TAILQ_FOREACH (kv, &q, next) {
			FUZZ_CHECK(kv->key != NULL && kv->value != NULL, "a pair without both");
			(void)utf8_valid(kv->key, strlen(kv->key));
		}
	}
	evhttp_clear_headers(&q);
	fuzz_in_free(&in);
	return 0;
}

/* Percent-encode every byte but unreserved ones, "/" included: segments stay segments. */
static char *encode(char *const *segs, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += 1 + 3 * strlen(segs[i]);
	char *out = xmalloc(len), *o = out;
	for (size_t i = 0; i < n; i++) {
		*o++ = '/';
		for (const unsigned char *p = (const unsigned char *)segs[i]; *p != '\0'; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.') {
				*o++ = (char)*p;
			} else {
				*o++ = '%';
				*o++ = hex[*p >> 4];
				*o++ = hex[*p & 15];
			}
		}
	}
	*o = '\0';
	return out;
}

static bool same(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static void check_match(const char *pat, char *const *segs, size_t nsegs)
{
	struct http_span spans[HTTP_MAX_PARAMS];
	unsigned n = 0;
	if (!http_path_match(pat, segs, nsegs, spans, &n))
		return;
	FUZZ_CHECK(n <= HTTP_MAX_PARAMS, "%u spans", n);
	/* Which pattern segments are {ref}: the k-th parameter of the pattern. */
	unsigned k = 0;
	for (const char *p = strchr(pat, '{'); p != NULL; p = strchr(p + 1, '{'), k++) {
		FUZZ_CHECK(k < n, "%s: parameter %u has no span", pat, k);
		const struct http_span *s = &spans[k];
		FUZZ_CHECK(s->count >= 1 && s->count <= 2 && s->first + s->count <= nsegs,
			   "%s: span %zu+%zu of %zu", pat, s->first, s->count, nsegs);
		FUZZ_CHECK(segs[s->first][0] != '\0', "%s: empty parameter", pat);
		if (strncmp(p, "{ref}", 5) == 0) {
			const char *seg = segs[s->first];
			if (s->count == 2) {
				FUZZ_CHECK(http_all_digits(segs[s->first + 1]) &&
					       segs[s->first + 1][0] != '\0' &&
					       strchr(seg, '/') == NULL,
					   "%s: ref %s/%s", pat, seg, segs[s->first + 1]);
			} else {
				const char *slash = strrchr(seg, '/');
				FUZZ_CHECK(slash == NULL
					       ? http_all_digits(seg)
					       : slash != seg && http_all_digits(slash + 1) &&
						     slash[1] != '\0',
					   "%s: ref %s", pat, seg);
			}
		} else {
			FUZZ_CHECK(s->count == 1, "%s: {name} over %zu segments", pat, s->count);
		}
	}
	FUZZ_CHECK(k == n, "%s: %u parameters, %u spans", pat, k, n);
}
