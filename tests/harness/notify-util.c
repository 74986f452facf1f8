/* notify-util.c — fixtures of test-notify.c (see notify-util.h). */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "notify-util.h"
#include "util.h"

#define SAMPLES_DIR "/tmp/suivi-notify-samples"

/* Records each run (calls, msg.<id>, env.<id>), then runs the behaviour. */
static const char hook_script[] =
    "#!/bin/sh\n"
    "d='%s'\n"
    "echo \"$SUIVI_NOTIFICATION_ID $SUIVI_KIND $SUIVI_DEDUP_KEY\" >> \"$d/calls\"\n"
    "cat > \"$d/tmp.$$\"\n"
    "env | grep '^SUIVI_' | sort > \"$d/env.$SUIVI_NOTIFICATION_ID\"\n"
    "%s\n"
    "mv \"$d/tmp.$$\" \"$d/msg.$SUIVI_NOTIFICATION_ID\"\n"
    "exit 0\n";

/* Python's email package reads the message as a mail client would. */
static const char parse_py[] =
    "import sys, json, email\n"
    "from email import policy\n"
    "m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)\n"
    "print(json.dumps({'headers': [[k, str(v)] for k, v in m.items()],\n"
    "                  'body': m.get_content(), 'defects': len(m.defects)}))\n";

static const char smtp_py[] =
    "import sys, os, json, time\n"
    "from aiosmtpd.controller import Controller\n"
    "d, port = sys.argv[1], int(sys.argv[2])\n"
    "class H:\n"
    "    async def handle_DATA(self, server, session, envelope):\n"
    "        n = len([f for f in os.listdir(d) if f.startswith('smtp-') and f.endswith('.json')])\n"
    "        base = os.path.join(d, 'smtp-%d' % n)\n"
    "        with open(base + '.eml', 'wb') as f:\n"
    "            f.write(envelope.original_content or envelope.content)\n"
    "        with open(base + '.tmp', 'w') as f:\n"
    "            json.dump({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos}, f)\n"
    "        os.rename(base + '.tmp', base + '.json')\n"
    "        return '250 Message accepted'\n"
    "c = Controller(H(), hostname='127.0.0.1', port=port)\n"
    "c.start()\n"
    "open(os.path.join(d, 'smtp-ready'), 'w').close()\n"
    "while True:\n"
    "    time.sleep(3600)\n";

static void write_file(const char *path, const char *text, mode_t mode);
static bool sql_matches(void *arg);
static bool file_exists(void *arg);

struct sql_wait {
	const char *db, *sql, *want;
	char *last;
};

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

char *nt_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0, n;
	char *buf = xmalloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	fclose(f);
	return buf;
}

void nt_start(struct nt *t, struct pg_cluster *pg, const struct nt_opts *o)
{
	char tmpl[] = "/tmp/suivi-notify-XXXXXX";

	memset(t, 0, sizeof *t);
	t->pg = pg;
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	chmod(tmpl, 0755);
	t->dir = xstrdup(tmpl);
	t->db = o->db != NULL ? o->db : pg_cluster_new_database(pg);
	char *script = xasprintf(hook_script, t->dir, o->behaviour != NULL ? o->behaviour : "");
	write_file(nt_path(t, "", "hook.sh"), script, 0755);
	free(script);
	write_file(nt_path(t, "", "parse.py"), parse_py, 0644);
	write_file(nt_path(t, "", "smtp.py"), smtp_py, 0644);
	char *command =
	    o->hook_command != NULL ? xstrdup(o->hook_command) : xasprintf("%s/hook.sh", t->dir);
	t->conf =
	    xasprintf("[server]\nlisten = 127.0.0.1:%%PORT%%\n"
		      "[database]\nurl = %s\ndata_dir = %%DIR%%/d\n"
		      "[schedule]\ntimezone = %s\n%s"
		      "[mail]\n%s"
		      "[hook]\ncommand = %s\n%s"
		      "[log]\nlevel = info\n",
		      o->url != NULL ? o->url : t->db, o->timezone != NULL ? o->timezone : "UTC",
		      o->schedule != NULL ? o->schedule : "report_to = secretariat@example.org\n",
		      o->mail != NULL ? o->mail : "from = suivi@example.org\n", command,
		      o->hook_extra != NULL ? o->hook_extra : "");
	free(command);
	t->p = suivid_start(t->conf, NULL, true);
	t->token = suivid_make_token(t->p, "secretariat", "secretariat", NULL);
	/* Deliveries start once the claim lock is held. */
	ck_assert(suivid_wait_log(t->p, "event=scheduler_leader", 20000));
}

struct suivid_proc *nt_start_other(struct nt *t)
{
	return suivid_start(t->conf, NULL, true);
}

void nt_restart(struct nt *t)
{
	suivid_stop(t->p);
	t->p = suivid_start(t->conf, NULL, true);
}

void nt_release(struct nt *t)
{
	write_file(nt_path(t, "", "release"), "", 0644);
}

/* rm -rf the test's directory; false while something still writes into it. */
static bool remove_dir(void *arg)
{
	char *cmd = xasprintf("rm -rf '%s' 2>/dev/null", (const char *)arg);
	int rc = system(cmd);

	free(cmd);
	return rc == 0;
}

void nt_stop(struct nt *t)
{
	nt_release(t); /* a hook left waiting by a killed daemon ends */
	suivid_stop(t->p);
	/* That orphaned hook may still be writing its record as it exits: removal succeeds
	 * once it is gone. */
	ck_assert_msg(wait_until(remove_dir, t->dir, 30000), "cannot remove %s", t->dir);
	free(t->dir);
	free(t->conf);
	free(t->token);
}

static const char seed_common[] =
    "INSERT INTO meetings (code, title, starts_on, ends_on) VALUES"
    " ('bamako-2019', 'Atelier régional de Bamako', '2019-05-06', '2019-05-08'),"
    " ('eu-ca-2023', 'EU–Central Asia dialogue', '2023-06-01', '2023-06-02');";

void nt_seed(const char *db)
{
	pg_exec(db, seed_common, false);
	pg_exec(
	    db,
	    "INSERT INTO owners (handle, name, email, locale) VALUES"
	    " ('ocrtis', 'Office central de répression (OCRTIS)', 'ocrtis@example.org', 'fr'),"
	    " ('undp', 'UNDP Regional Hub', 'undp@example.org', 'en'),"
	    " ('douanes', 'Douanes nationales', '', 'fr');"
	    "INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on, status)"
	    " SELECT m.id, v.n, v.text, o.id, (now() AT TIME ZONE 'UTC')::date + v.days, v.status"
	    " FROM (VALUES"
	    "  ('bamako-2019', 1, 'Mettre en place une base de données régionale partagée',"
	    "   'ocrtis', -8, 'accepted'),"
	    "  ('bamako-2019', 2, 'Tenir un séminaire national annuel', 'ocrtis', -1, "
	    "'in_progress'),"
	    "  ('bamako-2019', 3, 'Instituer un cadre de concertation périodique', 'ocrtis', 3,"
	    "   'accepted'),"
	    "  ('bamako-2019', 4, 'Hors horizon', 'ocrtis', 20, 'accepted'),"
	    "  ('eu-ca-2023', 1, 'Renforcer les échanges d’information', 'ocrtis', 14, 'proposed'),"
	    "  ('eu-ca-2023', 2, 'Map the laboratories', 'undp', 3, 'accepted'),"
	    "  ('eu-ca-2023', 3, 'Share statistics every quarter', 'undp', -3, 'accepted'),"
	    "  ('bamako-2019', 5, 'Former les agents des douanes', 'douanes', -1, 'accepted'),"
	    "  ('bamako-2019', 6, 'Close the loop', 'undp', -4, 'implemented'))"
	    "  AS v (code, n, text, owner, days, status)"
	    " JOIN meetings m ON m.code = v.code JOIN owners o ON o.handle = v.owner",
	    false);
}

void nt_seed_one(const char *db)
{
	pg_exec(db, seed_common, false);
	pg_exec(db,
		"INSERT INTO owners (handle, name, email, locale) VALUES"
		" ('ocrtis', 'Office central', 'ocrtis@example.org', 'fr');"
		"INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on)"
		" SELECT m.id, 1, 'Tenir un séminaire', o.id, (now() AT TIME ZONE 'UTC')::date + 3"
		" FROM meetings m, owners o WHERE m.code = 'bamako-2019' AND o.handle = 'ocrtis'",
		false);
}

void nt_seed_injection(const char *db)
{
	pg_exec(
	    db,
	    "INSERT INTO owners (handle, name, email, locale) VALUES"
	    " ('evil', E'Evil\\r\\nBcc: victim@attacker.example', 'evil@example.org', 'en');"
	    "INSERT INTO meetings (code, title, starts_on, ends_on) VALUES"
	    " ('m', E'Title\\nBcc: title@attacker.example', '2024-01-01', '2024-01-01');"
	    "INSERT INTO recommendations (meeting_id, n, text, owner_id, due_on)"
	    " SELECT m.id, 1, E'Do it\\r\\nBcc: text@attacker.example\\r\\n\\r\\nfake body', o.id,"
	    " (now() AT TIME ZONE 'UTC')::date + 3"
	    " FROM meetings m, owners o WHERE m.code = 'm' AND o.handle = 'evil'",
	    false);
}

char *nt_today(const char *db)
{
	return pg_query_value(db, "SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')");
}

static json_t *request(int port, const char *token, const char *method, const char *path,
		       const char *body, int status)
{
	struct http_response *r = http_do(port, method, path, token, NULL, body, NULL, 30000);
	ck_assert_msg(r->status == status, "%s %s: %d (want %d): %s", method, path, r->status,
		      status, r->body != NULL ? r->body : "");
	json_t *j = http_json(r);
	http_response_free(r);
	ck_assert_ptr_nonnull(j);
	return j;
}

json_t *nt_run_on(struct nt *t, struct suivid_proc *p, bool dry_run, const char *as_of, int status)
{
	char *body =
	    xasprintf("{\"dry_run\":%s,\"as_of\":\"%s\"}", dry_run ? "true" : "false", as_of);
	json_t *j = request(suivid_port(p), t->token, "POST", "/v1/reminders/run", body, status);
	free(body);
	return j;
}

json_t *nt_run(struct nt *t, bool dry_run, const char *as_of, int status)
{
	return nt_run_on(t, t->p, dry_run, as_of, status);
}

json_t *nt_get(struct nt *t, const char *path, int status)
{
	return request(suivid_port(t->p), t->token, "GET", path, NULL, status);
}

json_t *nt_post(struct nt *t, const char *path, const char *body, int status)
{
	return request(suivid_port(t->p), t->token, "POST", path, body, status);
}

int nt_sql_int(const char *db, const char *sql)
{
	char *v = pg_query_value(db, sql);
	ck_assert_ptr_nonnull(v);
	int n = atoi(v);
	free(v);
	return n;
}

static bool sql_matches(void *arg)
{
	struct sql_wait *w = arg;
	free(w->last);
	w->last = pg_query_value(w->db, w->sql);
	return w->last != NULL && strcmp(w->last, w->want) == 0;
}

bool nt_wait_sql(const char *db, const char *sql, const char *want, int timeout_ms)
{
	struct sql_wait w = {db, sql, want, NULL};
	bool ok = wait_until(sql_matches, &w, timeout_ms);
	if (!ok)
		fprintf(stderr, "nt_wait_sql: %s → %s (want %s)\n", sql,
			w.last != NULL ? w.last : "NULL", want);
	free(w.last);
	return ok;
}

char *nt_id_of(const char *db, const char *key_prefix, const char *as_of)
{
	char *sql =
	    xasprintf("SELECT id FROM notifications WHERE dedup_key = '%s%s'", key_prefix, as_of);
	char *id = pg_query_value(db, sql);
	ck_assert_msg(id != NULL, "no notification %s%s", key_prefix, as_of);
	free(sql);
	return id;
}

static int count_lines(struct nt *t)
{
	char *text = nt_read_file(nt_path(t, "", "calls"));
	int n = 0;
	if (text == NULL)
		return 0;
	for (const char *c = text; *c != '\0'; c++)
		n += *c == '\n';
	free(text);
	return n;
}

int nt_calls(struct nt *t)
{
	return count_lines(t);
}

int nt_distinct_calls(struct nt *t)
{
	char *text = nt_read_file(nt_path(t, "", "calls"));
	char *lines[256];
	int n = 0, distinct = 0;
	if (text == NULL)
		return 0;
	for (char *line = strtok(text, "\n"); line != NULL && n < 256; line = strtok(NULL, "\n")) {
		bool seen = false;
		for (int i = 0; i < n; i++)
			seen = seen || strcmp(lines[i], line) == 0;
		lines[n++] = line;
		distinct += !seen;
	}
	free(text);
	return distinct;
}

const char *nt_path(struct nt *t, const char *prefix, const char *name)
{
	static char buf[4][512];
	static int which;
	char *b = buf[which++ % 4];
	snprintf(b, sizeof buf[0], "%s/%s%s", t->dir, prefix, name);
	return b;
}

static bool file_exists(void *arg)
{
	return access(arg, F_OK) == 0;
}

char *nt_wait_file(struct nt *t, const char *name, int timeout_ms)
{
	char *path = xstrdup(nt_path(t, "", name));
	ck_assert_msg(wait_until(file_exists, path, timeout_ms), "%s did not appear", path);
	char *text = nt_read_file(path);
	free(path);
	ck_assert_ptr_nonnull(text);
	return text;
}

void nt_keep_sample(struct nt *t, const char *id, const char *name)
{
	char *text = nt_read_file(nt_path(t, "msg.", id));
	mkdir(SAMPLES_DIR, 0755);
	char *path = xasprintf("%s/%s", SAMPLES_DIR, name);
	if (text != NULL)
		write_file(path, text, 0644);
	free(path);
	free(text);
}

json_t *nt_parse_file(struct nt *t, const char *path)
{
	char *cmd = xasprintf("/usr/bin/python3 '%s/parse.py' '%s'", t->dir, path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	json_error_t e;
	json_t *j = json_loadf(p, 0, &e);
	int status = pclose(p);
	ck_assert_msg(j != NULL && status == 0, "cannot parse %s: %s", path, e.text);
	free(cmd);
	return j;
}

json_t *nt_parse_mail(struct nt *t, const char *id)
{
	char *path = xstrdup(nt_path(t, "msg.", id));
	ck_assert_msg(access(path, F_OK) == 0, "the hook received no message %s", id);
	json_t *j = nt_parse_file(t, path);
	free(path);
	return j;
}

const char *nt_header(const json_t *mail, const char *name)
{
	size_t i;
	json_t *h;
	json_array_foreach (json_object_get(mail, "headers"), i, h) {
		if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0)
			return json_string_value(json_array_get(h, 1));
	}
	return "";
}

int nt_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sin;
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

pid_t nt_smtp_start(struct nt *t, int port)
{
	char port_text[16];
	snprintf(port_text, sizeof port_text, "%d", port);
	char *script = xstrdup(nt_path(t, "", "smtp.py"));
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		execl("/usr/bin/python3", "python3", script, t->dir, port_text, (char *)NULL);
		_exit(127);
	}
	free(script);
	free(nt_wait_file(t, "smtp-ready", 20000));
	return pid;
}

void nt_smtp_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
