/* storm.c — see storm.h. Requests start from valid ones (TEMPLATES, with the admin token),
 * then each part may be mutated; every choice comes from one seeded generator so that a run
 * is repeatable. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "harness.h"
#include "storm.h"
#include "util.h"

struct storm_gen {
	unsigned long long state;
	char *token;
	int port;
	unsigned long n;
};

struct template
{
	const char *method, *path, *type, *body;
	bool write;
};

/* The reports' cost grows with what the storm's accepted writes pile up (at 5,000
 * recommendations, 2,300 meetings and owners: the summary 200 ms, the overdue report 80 ms);
 * drawn as often as the others, they came to take nearly all the database's time and the
 * storm slowed down as it went (600 requests/s, then 360/s after 160,000). They are drawn
 * HEAVY_ONE_IN times less often than the other templates. */
#define HEAVY_ONE_IN 8

/* Valid requests on the seed data (storm_seed_data). "#" in a body becomes a fresh number. */
static const struct template templates[] = {
    {"GET", "/v1/health", NULL, NULL, false},
    {"GET", "/v1/recommendations?limit=5&status=proposed", NULL, NULL, false},
    {"GET", "/v1/recommendations/1", NULL, NULL, false},
    {"GET", "/v1/recommendations/storm-2020/2/history", NULL, NULL, false},
    {"GET", "/v1/owners?limit=3", NULL, NULL, false},
    {"GET", "/v1/owners/storm-own", NULL, NULL, false},
    {"GET", "/v1/meetings/storm-2020", NULL, NULL, false},
    {"GET", "/v1/reports/overdue?format=csv", NULL, NULL, false},
    {"GET", "/v1/reports/summary?lang=fr", NULL, NULL, false},
    {"GET", "/v1/workflow", NULL, NULL, false},
    {"GET", "/v1/tokens", NULL, NULL, false},
    {"GET", "/v1/notifications", NULL, NULL, false},
    {"POST", "/v1/owners", "application/json",
     "{\"handle\":\"s-#\",\"name\":\"Owner #\",\"email\":\"o#@example.org\"}", true},
    {"PATCH", "/v1/owners/storm-own", "application/json", "{\"name\":\"Storm #\"}", true},
    {"POST", "/v1/meetings", "application/json",
     "{\"code\":\"m-#\",\"title\":\"Réunion #\",\"starts_on\":\"2024-06-01\"}", true},
    {"PATCH", "/v1/meetings/storm-2020", "application/json", "{\"title\":\"Atelier #\"}", true},
    {"POST", "/v1/recommendations", "application/json",
     "{\"meeting\":\"storm-2020\",\"text\":\"Texte #\",\"due_on\":\"2026-01-31\","
     "\"owner\":\"storm-own\",\"tags\":[\"a\",\"b\"],\"priority\":\"high\"}",
     true},
    {"PATCH", "/v1/recommendations/3", "application/json", "{\"text\":\"Révisé #\"}", true},
    {"POST", "/v1/recommendations/storm-2020/1/transitions", "application/json",
     "{\"to\":\"accepted\",\"comment\":\"#\"}", true},
    {"POST", "/v1/recommendations/2/comments", "application/json", "{\"comment\":\"Note #\"}",
     true},
    {"POST", "/v1/meetings/storm-2020/import?dry_run=true", "text/plain",
     "1. Mettre en place #.\n2. Former les agents.\n", true},
    {"POST", "/v1/meetings/storm-2020/import", "text/csv", "text,owner\n\"Import #\",storm-own\n",
     true},
    {"POST", "/v1/tokens", "application/json", "{\"name\":\"t-#\",\"role\":\"viewer\"}", true},
    {"DELETE", "/v1/tokens/999999", NULL, NULL, true},
    {"POST", "/v1/reminders/run", "application/json", "{\"dry_run\":true}", true},
};

static unsigned long long next(struct storm_gen *g)
{
	/* xorshift64* */
	g->state ^= g->state >> 12;
	g->state ^= g->state << 25;
	g->state ^= g->state >> 27;
	return g->state * 2685821657736338717ULL;
}

static unsigned pick(struct storm_gen *g, unsigned n)
{
	return (unsigned)(next(g) % n);
}

static bool chance(struct storm_gen *g, unsigned one_in)
{
	return pick(g, one_in) == 0;
}

void storm_buf_add(struct storm_buf *b, const void *bytes, size_t n)
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

static void adds(struct storm_buf *b, const char *s)
{
	storm_buf_add(b, s, strlen(s));
}

struct storm_gen *storm_gen_new(unsigned long seed, const char *token, int port)
{
	struct storm_gen *g = xcalloc(1, sizeof *g);
	g->state = seed * 0x9E3779B97F4A7C15ULL + 1;
	g->token = xstrdup(token);
	g->port = port;
	return g;
}

void storm_gen_free(struct storm_gen *g)
{
	free(g->token);
	free(g);
}

/* Something that breaks JSON, text or paths in an interesting way. */
static const char *const nasties[] = {
    "\xff",
    "\xc3",
    "\xed\xa0\x80",
    "\\u0000",
    "\\ud800",
    "%00",
    "%ff",
    "%2F",
    "%zz",
    "%C3%A9",
    "..",
    "1e999",
    "-0",
    "\"",
    "\\",
    "\r\n",
    "\n",
    "\t",
    "{",
    "]",
    ",",
    "null",
    "[]",
    "{}",
    "true",
    "\"x\":1",
    "é",
    "東",
    "\xf0\x9f\x91\x8d",
    "99999999999999999999999",
    "-9223372036854775809",
    "\xe2\x80\xa8",
    "=?UTF-8?B?QmNjOiB4QHk=?=",
    "\nBcc: x@example.org",
};

/* Mutate text in place: insert, replace, cut, or repeat. */
static void mutate_text(struct storm_gen *g, struct storm_buf *b, const char *src)
{
	size_t len = strlen(src);
	switch (pick(g, 6)) {
	case 0: { /* insert a nasty */
		size_t at = len == 0 ? 0 : pick(g, (unsigned)len + 1);
		storm_buf_add(b, src, at);
		adds(b, nasties[pick(g, ARRAY_LEN(nasties))]);
		adds(b, src + at);
		break;
	}
	case 1: { /* flip a byte */
		storm_buf_add(b, src, len);
		if (b->len > 0)
			b->data[b->len - 1 - pick(g, (unsigned)(len > 0 ? len : 1))] ^=
			    (char)(1 + pick(g, 255));
		break;
	}
	case 2: /* cut */
		storm_buf_add(b, src, len == 0 ? 0 : pick(g, (unsigned)len));
		break;
	case 3: { /* deep nesting or a long run */
		unsigned n = 1 + pick(g, 20000);
		const char *unit = chance(g, 2) ? "[" : "a";
		size_t at = len == 0 ? 0 : pick(g, (unsigned)len + 1);
		storm_buf_add(b, src, at);
		for (unsigned i = 0; i < n; i++)
			adds(b, unit);
		adds(b, src + at);
		break;
	}
	case 4: /* a raw NUL */
		storm_buf_add(b, src, len / 2);
		storm_buf_add(b, "\0", 1);
		adds(b, src + len / 2);
		break;
	default: /* as it is */
		storm_buf_add(b, src, len);
		break;
	}
}

/* The body of a template with "#" made unique. */
static void fill_body(struct storm_gen *g, struct storm_buf *b, const char *tpl)
{
	char num[32];
	snprintf(num, sizeof num, "%lu-%llu", g->n, next(g) % 100000);
	for (const char *p = tpl; *p != '\0'; p++) {
		if (*p == '#')
			adds(b, num);
		else
			storm_buf_add(b, p, 1);
	}
}

/* One request, maybe mutated, appended to out; returns whether it is a HEAD. */
static bool one_request(struct storm_gen *g, struct storm_buf *out, bool writes_only, char *summary,
			size_t ssize, bool *truncate_me)
{
	static const char *const methods[] = {"GET",  "POST",    "PUT",   "PATCH",   "DELETE",
					      "HEAD", "OPTIONS", "TRACE", "CONNECT", "BREW",
					      "get",  "",        "G ET",  "POST\x01"};
	const struct template *t;
	do
		t = &templates[pick(g, ARRAY_LEN(templates))];
	while ((writes_only && !t->write) ||
	       (strncmp(t->path, "/v1/reports/", 12) == 0 && !chance(g, HEAVY_ONE_IN)));
	g->n++;
	bool mutate = !chance(g, 8);
	const char *method =
	    mutate && chance(g, 10) ? methods[pick(g, ARRAY_LEN(methods))] : t->method;
	struct storm_buf path = {0}, body = {0};
	if (mutate && chance(g, 3))
		mutate_text(g, &path, t->path);
	else
		adds(&path, t->path);
	if (t->body != NULL) {
		struct storm_buf clean = {0};
		fill_body(g, &clean, t->body);
		if (mutate && chance(g, 2))
			mutate_text(g, &body, clean.data);
		else
			storm_buf_add(&body, clean.data, clean.len);
		free(clean.data);
	} else if (mutate && chance(g, 10)) {
		adds(&body, "{\"unexpected\":true}");
	}
	snprintf(summary, ssize, "%s %.200s", method, path.data);

	/* The request line and headers. */
	storm_buf_add(out, method, strlen(method));
	adds(out, " ");
	storm_buf_add(out, path.data, path.len);
	adds(out, mutate && chance(g, 40) ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n");
	if (!(mutate && chance(g, 30)))
		adds(out, "Host: 127.0.0.1\r\n");
	if (!(mutate && chance(g, 25))) {
		adds(out, "Authorization: Bearer ");
		adds(out, mutate && chance(g, 30) ? "suivi_not-a-token" : g->token);
		adds(out, "\r\n");
	}
	if (t->type != NULL && !(mutate && chance(g, 15))) {
		adds(out, "Content-Type: ");
		adds(out, mutate && chance(g, 15) ? "application/json; charset=latin1" : t->type);
		adds(out, "\r\n");
	}
	if (mutate && chance(g, 15)) {
		static const char *const extra[] = {
		    "Content-Type: text/csv\r\n",
		    "Authorization: Basic eDp5\r\n",
		    "X-Foo: a\r\n\tcontinued\r\n",
		    "Bad Header Name: x\r\n",
		    "NoColon\r\n",
		    "Accept: image/png\r\n",
		    "If-Match: \"banana\"\r\n",
		    "If-Match: \"1\"\r\n",
		    "Expect: 100-continue\r\n",
		    "Expect: coffee\r\n",
		    "Connection: close\r\n",
		    "X-\xff: \xfe\r\n",
		    "Transfer-Encoding: gzip\r\n",
		    "Content-Length: 5\r\nContent-Length: 6\r\n",
		    "X-Nul: a\0b\r\n",
		};
		const char *e = extra[pick(g, ARRAY_LEN(extra))];
		storm_buf_add(out, e, strcmp(e, "X-Nul: a") == 0 ? 13 : strlen(e));
	}
	if (mutate && chance(g, 200)) { /* a header block over libevent's 16 KiB */
		adds(out, "X-Big: ");
		for (int i = 0; i < 17000; i++)
			adds(out, "x");
		adds(out, "\r\n");
	}
	bool chunked = body.len > 0 && mutate && chance(g, 8);
	if (chunked) {
		adds(out, "Transfer-Encoding: chunked\r\n\r\n");
		size_t off = 0;
		while (off < body.len) {
			size_t n = 1 + pick(g, (unsigned)(body.len - off));
			char size[32];
			snprintf(size, sizeof size, chance(g, 30) ? "%zX;ext=1\r\n" : "%zx\r\n", n);
			adds(out, chance(g, 100) ? "zz\r\n" : size);
			storm_buf_add(out, body.data + off, n);
			adds(out, "\r\n");
			off += n;
		}
		if (chance(g, 20))
			*truncate_me = true; /* no last chunk */
		else
			adds(out, "0\r\n\r\n");
	} else if (body.len > 0 || strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0) {
		char cl[64];
		size_t claim = body.len;
		if (mutate && chance(g, 20)) {
			switch (pick(g, 4)) {
			case 0:
				claim = body.len / 2; /* the rest reads as the next request */
				break;
			case 1:
				claim = body.len + 10; /* never comes: the client closes */
				*truncate_me = true;
				break;
			case 2:
				claim = 70000 + pick(g, 200000); /* over max_body, under the cap */
				*truncate_me = true;
				break;
			default:
				break;
			}
		}
		if (mutate && chance(g, 60))
			snprintf(cl, sizeof cl, "Content-Length: %s\r\n\r\n",
				 chance(g, 2) ? "12abc" : "-1");
		else
			snprintf(cl, sizeof cl, "Content-Length: %zu\r\n\r\n", claim);
		adds(out, cl);
		storm_buf_add(out, body.data, body.len);
	} else {
		adds(out, "\r\n");
	}
	free(path.data);
	free(body.data);
	return strcmp(method, "HEAD") == 0;
}

static void generate(struct storm_gen *g, struct storm_req *r, bool writes_only)
{
	r->buf.len = 0;
	r->count = 0;
	r->truncated = false;
	unsigned n = chance(g, 8) ? 2 + pick(g, STORM_PIPELINE_MAX - 1) : 1;
	for (unsigned i = 0; i < n && !r->truncated; i++) {
		bool cut = false;
		r->head[i] =
		    one_request(g, &r->buf, writes_only, i == 0 ? r->summary : (char[64]){0},
				i == 0 ? sizeof r->summary : 64, &cut);
		r->count++;
		r->truncated = cut;
	}
	if (!r->truncated && chance(g, 25)) { /* cut anywhere */
		r->buf.len = pick(g, (unsigned)r->buf.len);
		r->truncated = true;
	}
	r->data = r->buf.data;
	r->len = r->buf.len;
}

void storm_generate(struct storm_gen *g, struct storm_req *r, bool writes_only)
{
	generate(g, r, writes_only);
}

size_t storm_parse_answer(const char *data, size_t len, bool head, int *status,
			  enum storm_kind *kind)
{
	if (data == NULL || len == 0)
		return 0; /* nothing came (memmem must not see NULL) */
	const char *end = memmem(data, len, "\r\n\r\n", 4);
	if (end == NULL || sscanf(data, "HTTP/1.%*d %d", status) != 1)
		return 0;
	size_t hlen = (size_t)(end - data) + 4, body = 0;
	*kind = STORM_OTHER;
	for (const char *line = strstr(data, "\r\n") + 2; line < end;
	     line = strstr(line, "\r\n") + 2) {
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			body = strtoul(line + 15, NULL, 10);
		else if (strncasecmp(line, "Content-Type: application/problem+json", 38) == 0)
			*kind = STORM_PROBLEM;
		else if (strncasecmp(line, "Content-Type: text/html", 23) == 0)
			*kind = STORM_HTML;
	}
	if (head || *status == 204 || *status == 304)
		body = 0;
	return hlen + body <= len ? hlen + body : 0;
}

unsigned storm_count_answers(const struct storm_buf *in, const struct storm_req *r)
{
	size_t off = 0;
	unsigned n = 0;
	int status;
	enum storm_kind kind;
	while (n < r->count) {
		size_t used =
		    storm_parse_answer(in->data + off, in->len - off, r->head[n], &status, &kind);
		if (used == 0)
			break;
		off += used;
		n++;
	}
	return n;
}

int storm_seed_data(int port, const char *token)
{
	static const char *const steps[][3] = {
	    {"POST", "/v1/owners", "{\"handle\":\"storm-own\",\"name\":\"Storm\"}"},
	    {"POST", "/v1/meetings",
	     "{\"code\":\"storm-2020\",\"title\":\"Storm\",\"starts_on\":\"2020-01-01\"}"},
	    {"POST", "/v1/recommendations", "{\"meeting\":\"storm-2020\",\"text\":\"One\"}"},
	    {"POST", "/v1/recommendations", "{\"meeting\":\"storm-2020\",\"text\":\"Two\"}"},
	    {"POST", "/v1/recommendations", "{\"meeting\":\"storm-2020\",\"text\":\"Three\"}"},
	};
	for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
		struct http_response *r =
		    http_do(port, steps[i][0], steps[i][1], token, NULL, steps[i][2], NULL, 10000);
		int status = r->status;
		http_response_free(r);
		if (status != 201)
			return -1;
	}
	return 0;
}

char *storm_digest(const char *conninfo)
{
	return pg_query_value(
	    conninfo,
	    "SELECT concat_ws(' ',"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))"
	    "  FROM owners t),"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))"
	    "  FROM meetings t),"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))"
	    "  FROM recommendations t),"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY rec_id, owner_id),"
	    "  '')) FROM recommendation_supporters t),"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))"
	    "  FROM history t),"
	    " (SELECT count(*) || md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))"
	    "  FROM tokens t))");
}

static const char *quiet_db;

/* No statement of suivid's running on the database (its LISTEN connection is idle). */
static bool quiet(void *arg)
{
	(void)arg;
	char *n = pg_query_value(quiet_db, "SELECT count(*) FROM pg_stat_activity"
					   " WHERE datname = current_database() AND state <> 'idle'"
					   " AND pid <> pg_backend_pid()");
	bool ok = n != NULL && strcmp(n, "0") == 0;
	free(n);
	return ok;
}

bool storm_wait_quiet(const char *conninfo, int timeout_ms)
{
	quiet_db = conninfo;
	return wait_until(quiet, NULL, timeout_ms);
}

long storm_rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

bool storm_under_asan(const char *path)
{
	FILE *f = path != NULL ? fopen(path, "rb") : NULL;
	if (f == NULL)
		return false;
	static char buf[1 << 16];
	bool found = false;
	size_t n, keep = 0;
	/* The symbol every instrumented binary names: gcc links libasan dynamically, so the
	 * string "AddressSanitizer" is only in the library, not in suivid (the RSS check then ran
	 * under ASan, whose quarantine keeps freed memory, and failed). Chunks overlap by 15
	 * bytes: the name may straddle two reads. */
	while (!found && (n = fread(buf + keep, 1, sizeof buf - keep, f)) > 0) {
		size_t total = keep + n;
		found = memmem(buf, total, "__asan_init", 11) != NULL;
		keep = total < 15 ? total : 15;
		memmove(buf, buf + total - keep, keep);
	}
	fclose(f);
	return found;
}

void storm_count_lifetime(struct storm_stats *s, double ms)
{
	static const int limits[] = STORM_LIFETIME_LIMITS;
	size_t i = 0;
	while (i < ARRAY_LEN(limits) && ms >= limits[i])
		i++;
	s->lifetime[i]++;
}

void storm_print_stats(const struct storm_stats *s, double seconds)
{
	printf("# %lu requests in %.1f s (%.0f/s): %lu answered, %lu closed before an answer "
	       "(truncated or refused mid-request)\n",
	       s->sent, seconds, seconds > 0 ? (double)s->sent / seconds : 0.0, s->answered,
	       s->closed_early);
	printf("# statuses:");
	for (int i = 100; i < 600; i++)
		if (s->status[i] > 0)
			printf(" %d×%lu", i, s->status[i]);
	printf("\n# errors as problem+json: %lu; libevent's own HTML answers: %lu\n", s->problems,
	       s->html);
	printf("# connections slower than 1 s: %lu\n", s->slow);
	static const int limits[] = STORM_LIFETIME_LIMITS;
	printf("# connections by lifetime:");
	for (size_t i = 0; i < ARRAY_LEN(limits); i++)
		printf(" <%d ms %lu,", limits[i], s->lifetime[i]);
	printf(" longer %lu\n", s->lifetime[ARRAY_LEN(limits)]);
	double all = s->busy_ms + s->drain_ms + s->check_ms;
	if (all > 0)
		printf("# time: storm %.1f s (%.0f%%), rounds ending %.1f s (%.0f%%), refusal "
		       "checks %.1f s (%.0f%%)\n",
		       s->busy_ms / 1000, 100 * s->busy_ms / all, s->drain_ms / 1000,
		       100 * s->drain_ms / all, s->check_ms / 1000, 100 * s->check_ms / all);
	printf("# refused writes checked against the tables: %lu (and %lu accepted alone)\n",
	       s->refusal_checks, s->refusal_accepted);
}
