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
};

struct storm_gen;
struct storm_gen *storm_gen_new(unsigned long seed, const char *token, int port);
void storm_gen_free(struct storm_gen *g);
/* Fill r with the next mutated request(s). */
void storm_generate(struct storm_gen *g, struct storm_req *r);

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
/* Send one mutated write alone, the daemon quiet before and after; -1 when it was refused
 * (or not answered) and still changed a table. */
int storm_refusal_check(struct storm_gen *g, const char *conninfo, int port,
			struct storm_stats *stats);

/* Resident memory of pid in kB (-1 when unknown). */
long storm_rss_kb(pid_t pid);
/* Whether the binary at path is built with AddressSanitizer. */
bool storm_under_asan(const char *path);
void storm_print_stats(const struct storm_stats *s, double seconds);

#endif
