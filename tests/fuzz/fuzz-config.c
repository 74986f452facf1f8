/* fuzz-config.c — suivid.conf as config_parse reads it (sections, keys, values of every
 * type: sizes, durations, lists, schedules, addresses, time zones, the hook command).
 *
 * Input: the file's text (up to a NUL).
 * Properties: a refusal names the file and a line ("fuzz.conf:N: …"); an accepted file has
 * every value in its documented range (suivid.conf(5)), remind_before descending, a hook
 * command that splits into an argv, and parses the same way a second time, a reload of it
 * needing no restart (config_restart_keys of two equal parses is NULL). */
#include "suivi-config.h"

#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "fuzz.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level(LOG_LEVEL_ERROR); /* warnings about values are not the point here */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	struct config *c = NULL;
	char *cause = NULL;
	if (config_parse("fuzz.conf", text, &c, &cause) != 0) {
		FUZZ_CHECK(cause != NULL && strncmp(cause, "fuzz.conf", 9) == 0,
			   "refusal without the file: %s", cause != NULL ? cause : "(none)");
		free(cause);
		free(text);
		return 0;
	}
	FUZZ_CHECK(c->max_body >= 1024 && c->max_body <= 64 * 1024 * 1024, "max_body %zu",
		   c->max_body);
	FUZZ_CHECK(c->request_timeout >= 1 && c->request_timeout <= 300, "request_timeout");
	FUZZ_CHECK(c->idle_timeout >= 1 && c->idle_timeout <= 3600, "idle_timeout");
	FUZZ_CHECK(c->max_connections >= 1 && c->max_connections <= 65535, "max_connections");
	FUZZ_CHECK(c->pool >= 1 && c->pool <= 64 && c->queue >= 1 && c->queue <= 100000, "pool");
	FUZZ_CHECK(c->n_remind_before >= 0 && c->n_remind_before <= CONFIG_MAX_REMIND_BEFORE,
		   "%d remind_before", c->n_remind_before);
	for (int i = 0; i < c->n_remind_before; i++) {
		FUZZ_CHECK(c->remind_before[i] >= 1 && c->remind_before[i] <= 365, "remind_before");
		FUZZ_CHECK(i == 0 || c->remind_before[i] < c->remind_before[i - 1],
			   "remind_before not descending");
	}
	FUZZ_CHECK(c->remind_overdue_every >= 0 && c->remind_overdue_every <= 365, "overdue");
	FUZZ_CHECK(c->listen != NULL && c->timezone != NULL && c->hook_command != NULL,
		   "a string without its default");
	char **argv = NULL;
	if (config_split_command(c->hook_command, &argv, &cause) == 0) {
		FUZZ_CHECK(argv != NULL, "argv");
		config_free_argv(argv);
	} else {
		FUZZ_CHECK(false, "hook command accepted but not split: %s", cause);
	}
	struct config *again = NULL;
	FUZZ_CHECK(config_parse("fuzz.conf", text, &again, &cause) == 0, "second parse: %s", cause);
	char *keys = config_restart_keys(c, again);
	FUZZ_CHECK(keys == NULL, "a reload of the same file needs a restart for %s", keys);
	config_free(again);
	config_free(c);
	free(text);
	return 0;
}
