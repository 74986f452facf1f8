/* storm.h — the parts of http-storm: the request generator (valid requests and their
 * mutations), the reader of answers, the refused-write check and suivid's memory. */
#ifndef SUIVI_STORM_H
#define SUIVI_STORM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define STORM_PIPELINE_MAX 4

struct storm_buf {
	char *data;
	size_t len, cap;
};
void storm_buf_add(struct storm_buf *b, const void *bytes, size_t n);

/* What one connection sends: count requests back to back (pipelined), possibly cut short
 * (truncated: the last one never ends, the client then closes its side). */
struct storm_req {
	struct storm_buf buf;
	const char *data; /* buf.data */
	size_t len;
	unsigned count;
	bool head[STORM_PIPELINE_MAX]; /* a HEAD: its answer has no body */
	bool truncated;
	char summary[320]; /* the first request line and mutations, for messages */
};

struct storm_stats {
	unsigned long sent, answered, closed_early;
	unsigned long status[600];
	unsigned long html;     /* libevent's own answers (HTML): what it could not parse */
	unsigned long problems; /* errors answered as problem+json */
	unsigned long refusal_checks, refusal_accepted;
	unsigned long slow; /* connections that took over a second (waits for a body that
			     * never comes end with idle_timeout) */
	/* How long connections lived, by STORM_LIFETIME_LIMITS (the last: longer). */
	unsigned long lifetime[8];
	/* Where the time went: connections at work, a round's last connections ending (fewer
	 * than all busy), refusal checks (quiet, digests, the write alone). */
	double busy_ms, drain_ms, check_ms;
};
#define STORM_LIFETIME_LIMITS                                                                      \
	{                                                                                          \
		10, 100, 500, 1000, 2000, 5000, 8000                                               \
	}
void storm_count_lifetime(struct storm_stats *s, double ms);

struct storm_gen;
struct storm_gen *storm_gen_new(unsigned long seed, const char *token, int port);
void storm_gen_free(struct storm_gen *g);
/* Fill r with the next mutated request(s); writes_only: from the templates that write. */
void storm_generate(struct storm_gen *g, struct storm_req *r, bool writes_only);

/* Kinds of answer body. */
enum storm_kind { STORM_OTHER, STORM_PROBLEM, STORM_HTML };
/* The length of the first whole answer in data (0: not whole yet); its status and kind. A
 * HEAD's answer has no body. */
size_t storm_parse_answer(const char *data, size_t len, bool head, int *status,
			  enum storm_kind *kind);
/* How many whole answers in is holds for r. */
unsigned storm_count_answers(const struct storm_buf *in, const struct storm_req *r);

/* Owners, a meeting and recommendations for the templates to address. */
int storm_seed_data(int port, const char *token);
/* Everything a write can change, as one text: the row count and a checksum of each table. */
char *storm_digest(const char *conninfo);
/* Wait until no statement of suivid's runs on the database; false when it never did. */
bool storm_wait_quiet(const char *conninfo, int timeout_ms);

/* Resident memory of pid in kB (-1 when unknown). */
long storm_rss_kb(pid_t pid);
/* Whether the binary at path is built with AddressSanitizer. */
bool storm_under_asan(const char *path);
void storm_print_stats(const struct storm_stats *s, double seconds);

#endif
