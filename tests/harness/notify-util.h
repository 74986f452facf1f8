/* notify-util.h — fixtures of test-notify.c: a suivid whose hook is a recording shell script
 * in a private temp dir, test data inserted with SQL, waits on SQL answers and files, mail
 * parsed by Python's email package, an SMTP server (aiosmtpd) on loopback. Every helper fails
 * the running Check test on an unexpected answer. */
#ifndef SUIVI_NOTIFY_UTIL_H
#define SUIVI_NOTIFY_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "harness.h"

/* Hook behaviour: the first run waits until nt_release(), later runs deliver at once. */
#define NT_WAIT_FIRST                                                                              \
	"if [ ! -e \"$d/first\" ]; then : > \"$d/first\"; : > \"$d/started\"; "                    \
	"while [ ! -e \"$d/release\" ]; do sleep 0.05; done; fi"

struct nt_opts {
	const char *schedule;     /* [schedule] lines besides timezone; NULL: report_to set */
	const char *hook_command; /* NULL: the recording script */
	const char *hook_extra;   /* more [hook] lines */
	const char *behaviour;    /* shell run by the script after recording, before delivering */
	const char *timezone;     /* [schedule] timezone; NULL: UTC */
	const char *mail;         /* [mail] lines; NULL: from = suivi@example.org */
	const char *db;           /* an existing database's conninfo; NULL: a new one on pg */
	const char *url;          /* [database] url (e.g. several hosts); NULL: db */
};

struct nt {
	struct pg_cluster *pg;
	char *dir; /* the hook's files: calls, msg.<id>, env.<id> */
	const char *db;
	char *conf;
	struct suivid_proc *p;
	char *token; /* secretariat */
};

void nt_start(struct nt *t, struct pg_cluster *pg, const struct nt_opts *o);
struct suivid_proc *nt_start_other(struct nt *t); /* a second suivid on the same database */
void nt_restart(struct nt *t);                    /* after the daemon exited or was killed */
void nt_stop(struct nt *t);
void nt_release(struct nt *t);

void nt_seed(const char *db);           /* owners en/fr/without email, two meetings, items */
void nt_seed_one(const char *db);       /* one owner, one item due in 3 days */
void nt_seed_injection(const char *db); /* header injection attempts in every field */
char *nt_today(const char *db);         /* YYYY-MM-DD in UTC (the test daemons' timezone) */

json_t *nt_run(struct nt *t, bool dry_run, const char *as_of, int status);
json_t *nt_run_on(struct nt *t, struct suivid_proc *p, bool dry_run, const char *as_of, int status);
json_t *nt_get(struct nt *t, const char *path, int status);
json_t *nt_post(struct nt *t, const char *path, const char *body, int status);

int nt_sql_int(const char *db, const char *sql);
bool nt_wait_sql(const char *db, const char *sql, const char *want, int timeout_ms);
char *nt_id_of(const char *db, const char *key_prefix, const char *as_of);

int nt_calls(struct nt *t);          /* hook invocations */
int nt_distinct_calls(struct nt *t); /* distinct notifications the hook was run for */
const char *nt_path(struct nt *t, const char *prefix, const char *name); /* static buffer */
char *nt_read_file(const char *path);                                    /* NULL when absent */
char *nt_wait_file(struct nt *t, const char *name, int timeout_ms);
void nt_keep_sample(struct nt *t, const char *id, const char *name);

json_t *nt_parse_mail(struct nt *t, const char *id); /* msg.<id> */
json_t *nt_parse_file(struct nt *t, const char *path);
const char *nt_header(const json_t *mail, const char *name); /* "" when absent */

int nt_free_port(void);
pid_t nt_smtp_start(struct nt *t, int port);
void nt_smtp_stop(pid_t pid);

#endif
