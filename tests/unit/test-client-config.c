/* test-client-config.c — where suivi finds its URL and token: flag over environment over
 * $XDG_CONFIG_HOME/suivi/client.conf, the warning for a file others can read, and the
 * file's errors. Each test runs in its own forked child, so changing the environment is
 * safe. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/config.h"
#include "suites.h"

static char tmpdir[64];
static char *warnings;
static size_t warnings_len;
static FILE *warn;

static void setup(void);
static void teardown(void);
static void write_conf(const char *text, mode_t mode);
static const char *warned(void);

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/suivi-client-conf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	unsetenv("SUIVI_URL");
	unsetenv("SUIVI_TOKEN");
	warnings = NULL;
	warnings_len = 0;
	warn = open_memstream(&warnings, &warnings_len);
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	fclose(warn);
	free(warnings);
}

static void write_conf(const char *text, mode_t mode)
{
	char *dir = xasprintf("%s/suivi", tmpdir);
	char *path = xasprintf("%s/client.conf", dir);
	mkdir(dir, 0700);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
	free(dir);
	free(path);
}

static const char *warned(void)
{
	fflush(warn);
	return warnings != NULL ? warnings : "";
}

START_TEST(test_defaults_without_anything)
{
	struct client_config cfg;
	char *cause = NULL;
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, CLIENT_DEFAULT_URL);
	ck_assert_ptr_null(cfg.token);
	ck_assert_ptr_null(cfg.file);
	ck_assert_str_eq(warned(), "");
	client_config_free(&cfg);
}
END_TEST

START_TEST(test_file)
{
	struct client_config cfg;
	char *cause = NULL;
	write_conf("# suivi client\n\n  url = http://10.0.0.5:8470/suivi  \n"
		   "token=\"suivi_file\"\n",
		   0600);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "http://10.0.0.5:8470/suivi");
	ck_assert_str_eq(cfg.token, "suivi_file");
	ck_assert_ptr_nonnull(strstr(cfg.file, tmpdir));
	ck_assert_str_eq(warned(), "");
	client_config_free(&cfg);
}
END_TEST

START_TEST(test_precedence)
{
	struct client_config cfg;
	char *cause = NULL;
	write_conf("url = http://file:1\ntoken = file-token\n", 0600);

	/* Environment over file, one key at a time. */
	setenv("SUIVI_URL", "http://env:2", 1);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "http://env:2");
	ck_assert_str_eq(cfg.token, "file-token");
	client_config_free(&cfg);

	setenv("SUIVI_TOKEN", "env-token", 1);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "http://env:2");
	ck_assert_str_eq(cfg.token, "env-token");
	/* Both from the environment: the file is not even read. */
	ck_assert_ptr_null(cfg.file);
	client_config_free(&cfg);

	/* Flags over environment. */
	ck_assert_int_eq(client_config_load("unix:/run/suivi.sock", NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "unix:/run/suivi.sock");
	ck_assert_str_eq(cfg.token, "env-token");
	client_config_free(&cfg);
	ck_assert_int_eq(client_config_load("http://flag:3", "flag-token", warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "http://flag:3");
	ck_assert_str_eq(cfg.token, "flag-token");
	client_config_free(&cfg);

	/* An empty variable counts as unset. */
	setenv("SUIVI_URL", "", 1);
	unsetenv("SUIVI_TOKEN");
	ck_assert_int_eq(client_config_load(NULL, "flag-token", warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.url, "http://file:1");
	ck_assert_str_eq(cfg.token, "flag-token");
	client_config_free(&cfg);
}
END_TEST

START_TEST(test_permission_warning)
{
	struct client_config cfg;
	char *cause = NULL;

	write_conf("token = secret\n", 0644);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(cfg.token, "secret");
	const char *w = warned();
	ck_assert_ptr_nonnull(strstr(w, "client.conf is readable by others"));
	ck_assert_ptr_nonnull(strstr(w, "chmod 600"));
	/* Once: one line. */
	ck_assert_ptr_eq(strchr(w, '\n'), w + strlen(w) - 1);
	client_config_free(&cfg);
}
END_TEST

START_TEST(test_group_warning_and_private_file)
{
	struct client_config cfg;
	char *cause = NULL;

	write_conf("token = secret\n", 0640);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_ptr_nonnull(strstr(warned(), "readable by its group"));
	client_config_free(&cfg);

	write_conf("token = secret\n", 0600);
	fclose(warn);
	free(warnings);
	warnings = NULL;
	warn = open_memstream(&warnings, &warnings_len);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_str_eq(warned(), "");
	client_config_free(&cfg);
}
END_TEST

START_TEST(test_file_errors)
{
	struct client_config cfg;
	char *cause = NULL;

	write_conf("url = http://x:1\nthis line has no equals sign\n", 0600);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "client.conf:2:"));
	free(cause);
	cause = NULL;

	write_conf("colour = yes\nurl = http://x:1\n", 0600);
	ck_assert_int_eq(client_config_load(NULL, NULL, warn, &cfg, &cause), 0);
	ck_assert_ptr_nonnull(strstr(warned(), "client.conf:1: unknown key \"colour\""));
	client_config_free(&cfg);

	/* A token that would break the Authorization header. */
	ck_assert_int_eq(client_config_load(NULL, "abc\r\nX-Evil: 1", warn, &cfg, &cause), -1);
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

START_TEST(test_path)
{
	char *p = client_config_path();
	char *want = xasprintf("%s/suivi/client.conf", tmpdir);
	ck_assert_str_eq(p, want);
	free(p);
	free(want);
	/* Without XDG_CONFIG_HOME (or with a relative one, which the spec says to ignore). */
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);
	setenv("HOME", "/home/secretariat", 1);
	p = client_config_path();
	ck_assert_str_eq(p, "/home/secretariat/.config/suivi/client.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = client_config_path();
	ck_assert_str_eq(p, "/home/secretariat/.config/suivi/client.conf");
	free(p);
	unsetenv("HOME");
	ck_assert_ptr_null(client_config_path());
}
END_TEST

Suite *make_client_config_suite(void)
{
	Suite *s = suite_create("client_config");
	TCase *tc = tcase_create("client_config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults_without_anything);
	tcase_add_test(tc, test_file);
	tcase_add_test(tc, test_precedence);
	tcase_add_test(tc, test_permission_warning);
	tcase_add_test(tc, test_group_warning_and_private_file);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_path);
	suite_add_tcase(s, tc);
	return s;
}
