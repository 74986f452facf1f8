/* client-run.h — run the real suivi binary ($SUIVI) for the integration tests: environment
 * set, stdin fed, stdout and stderr captured, bounded in time. */
#ifndef SUIVI_CLIENT_RUN_H
#define SUIVI_CLIENT_RUN_H

#include <jansson.h>

#define MAX_ARGS 64

struct run {
	int code;
	char *out;
	char *err;
};

/* The URL used by suivi_run and the XDG_CONFIG_HOME given to every run. */
void client_run_init(const char *url, const char *conf_home);
/* suivi ARG… with SUIVI_TOKEN=token (NULL: none) and input on stdin (NULL: nothing). */
struct run suivi_run(const char *token, const char *input, const char *arg, ...)
    __attribute__((sentinel));
/* The same with an explicit URL (NULL: no SUIVI_URL) and a NULL-terminated argv. */
struct run suivi_runv(const char *token, const char *url, const char *input,
		      const char *const *argv);
void run_free(struct run *r);
/* stdout parsed as JSON (fails the test when it is not). */
json_t *parse_json(const struct run *r);
/* Fail the test unless suivi exited with code; a failure must say one sentence. */
void expect(const struct run *r, int code);
int count_lines(const char *s);

#endif
