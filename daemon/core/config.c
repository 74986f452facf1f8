/* config.c — suivid.conf: a small INI reader feeding one declarative key table.
 *
 * Every key is one row of `config_keys` (core/config-keys.c: section, name, type, where it lives
 * in struct config, default, range, reloadable). Defaults go through the same setters as file
 * values, so a default can never be something the file could not say. */
#include "suivi-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/config-internal.h"
#include "core/config-value.h"
#include "core/schedule.h"
#include "utf8.h"
#include "zone.h"

#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (1024 * 1024)

static int set_value(struct config *c, const struct cf_key *k, const char *value, bool builtin,
		     char **cause) WUR;
static bool is_text_type(enum cf_type type);
static int parse_buffer(const char *name, const char *text, size_t len, struct config **out,
			char **cause) WUR;
static int parse_line(const char *name, int lineno, char *line, const char **section, int *seen,
		      struct config *c, char **cause) WUR;
static int check_config(const char *name, const struct config *c, const int *seen,
			char **cause) WUR;
static const struct cf_key *find_key(const char *section, const char *key, size_t *index);
static const char *find_section(const char *section);
static char *unquote(char *value);
static bool values_equal(const struct cf_key *k, const struct config *a, const struct config *b);
static char *names_list(const char *const *names);

#define FIELD(c, k, type) ((type *)(void *)((char *)(c) + (k)->offset))
#define CFIELD(c, k, type) ((const type *)(const void *)((const char *)(c) + (k)->offset))

static bool is_text_type(enum cf_type type)
{
	switch (type) {
	case CF_STRING:
	case CF_PATH:
	case CF_LISTEN:
	case CF_EMAIL:
	case CF_MAILBOX:
	case CF_SCHEDULE:
	case CF_TIMEZONE:
	case CF_COMMAND:
	case CF_URL:
		return true;
	default:
		return false;
	}
}

struct config *config_defaults(void)
{
	struct config *c = xcalloc(1, sizeof *c);
	for (size_t i = 0; i < config_keys_count; i++) {
		char *cause = NULL;
		if (config_keys[i].def == NULL)
			continue;
		if (set_value(c, &config_keys[i], config_keys[i].def, true, &cause) != 0)
			fatalx("event=config_default_invalid key=%s cause=%s", config_keys[i].key,
			       log_quote(cause));
	}
	return c;
}

void config_free(struct config *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < config_keys_count; i++)
		if (is_text_type(config_keys[i].type))
			free(*FIELD(c, &config_keys[i], char *));
	free(c->path);
	free(c);
}

/* Validate value for key k and store it in c. *cause gets "[section] key: why". builtin
 * values are the table's defaults: a time zone is checked later, once the file had its say,
 * so a machine without that zone can still run with another. */
static int set_value(struct config *c, const struct cf_key *k, const char *value, bool builtin,
		     char **cause)
{
	char *sub = NULL;
	long long n;
	int rc = -1;

	/* Values end up in argv, mail headers and log lines: no control character but tab. */
	for (const char *p = value; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
			set_cause(cause, "[%s] %s: control character in value", k->section, k->key);
			return -1;
		}
	}
	if (*value == '\0') {
		switch (k->empty) {
		case EMPTY_REFUSE:
			set_cause(cause, "[%s] %s: value must not be empty", k->section, k->key);
			return -1;
		case EMPTY_UNSET:
			free(*FIELD(c, k, char *));
			*FIELD(c, k, char *) = NULL;
			return 0;
		case EMPTY_KEEP:
			if (k->type == CF_DAYS) {
				*(int *)(void *)((char *)c + k->count_offset) = 0;
				return 0;
			}
			free(*FIELD(c, k, char *));
			*FIELD(c, k, char *) = xstrdup("");
			return 0;
		}
	}

	char *text = NULL; /* what a text type stores */
	switch (k->type) {
	case CF_STRING:
		text = xstrdup(value);
		break;
	case CF_PATH:
		if (value[0] != '/') {
			set_cause(cause, "[%s] %s: '%s' is not an absolute path", k->section,
				  k->key, value);
			goto out;
		}
		if (k->max > 0 && strlen(value) > (size_t)k->max) {
			set_cause(cause, "[%s] %s: path longer than %lld bytes", k->section, k->key,
				  k->max);
			goto out;
		}
		text = xstrdup(value);
		break;
	case CF_INT:
	case CF_SIZE:
		if ((k->type == CF_INT ? config_value_number(value, &n, &sub)
				       : config_value_size(value, &n, &sub)) != 0) {
			set_cause(cause, "[%s] %s: %s", k->section, k->key, sub);
			goto out;
		}
		if (n < k->min || n > k->max) {
			set_cause(cause, "[%s] %s: %s is out of range %lld..%lld%s", k->section,
				  k->key, value, k->min, k->max,
				  k->type == CF_SIZE ? " bytes" : "");
			goto out;
		}
		if (k->type == CF_INT)
			*FIELD(c, k, int) = (int)n;
		else
			*FIELD(c, k, size_t) = (size_t)n;
		break;
	case CF_BOOL: {
		static const char *const yes[] = {"yes", "true", "on", "1"};
		static const char *const no[] = {"no", "false", "off", "0"};
		for (size_t i = 0; i < ARRAY_LEN(yes); i++) {
			if (strcmp(value, yes[i]) == 0 || strcmp(value, no[i]) == 0) {
				*FIELD(c, k, bool) = strcmp(value, yes[i]) == 0;
				rc = 0;
				goto out;
			}
		}
		set_cause(cause, "[%s] %s: '%s' is not one of yes, no, true, false, on, off, 1, 0",
			  k->section, k->key, value);
		goto out;
	}
	case CF_ENUM:
		for (int i = 0; k->names[i] != NULL; i++) {
			if (strcmp(value, k->names[i]) == 0) {
				*FIELD(c, k, int) = i;
				rc = 0;
				goto out;
			}
		}
		sub = names_list(k->names);
		set_cause(cause, "[%s] %s: '%s' is not one of %s", k->section, k->key, value, sub);
		goto out;
	case CF_LISTEN:
		if (config_value_listen(value, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad address '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		text = xstrdup(value);
		break;
	case CF_EMAIL:
		if (config_value_email(value, (size_t)k->max, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad address '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		text = xstrdup(value);
		break;
	case CF_MAILBOX: {
		char *name = NULL, *addr = NULL;
		if (config_value_mailbox(value, (size_t)k->max, &name, &addr, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad address '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		free(name);
		free(addr);
		text = xstrdup(value);
		break;
	}
	case CF_SCHEDULE: {
		struct schedule s;
		char canonical[32];
		if (schedule_parse(value, &s, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad schedule '%s': %s", k->section, k->key,
				  value, sub);
			goto out;
		}
		schedule_format(&s, canonical, sizeof canonical);
		text = xstrdup(canonical);
		break;
	}
	case CF_TIMEZONE:
		if (!builtin && !zone_valid(value)) {
			set_cause(cause, "[%s] %s: unknown time zone '%s'", k->section, k->key,
				  value);
			goto out;
		}
		text = xstrdup(value);
		break;
	case CF_DAYS: {
		int days[CONFIG_MAX_REMIND_BEFORE], count;
		if (config_value_days(value, (int)k->max, days, &count, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad list '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		memcpy(FIELD(c, k, int), days, sizeof days);
		*(int *)(void *)((char *)c + k->count_offset) = count;
		break;
	}
	case CF_COMMAND:
		if (config_value_command(value, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad command '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		text = xstrdup(value);
		break;
	case CF_URL:
		if (config_value_url(value, (size_t)k->max, &sub) != 0) {
			set_cause(cause, "[%s] %s: bad URL '%s': %s", k->section, k->key, value,
				  sub);
			goto out;
		}
		text = xstrndup(value, strlen(value) - (value[strlen(value) - 1] == '/'));
		break;
	}
	if (text != NULL) {
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = text;
	}
	rc = 0;
out:
	free(sub);
	return rc;
}

int config_load(const char *path, struct config **out, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_cause(cause, "%s: cannot read file: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells "exactly the limit" from "too big". */
	char *buf = xmalloc(CONFIG_FILE_MAX + 1);
	size_t len = 0;
	int rc = -1;
	while (len < CONFIG_FILE_MAX + 1) {
		ssize_t n = read(fd, buf + len, CONFIG_FILE_MAX + 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			set_cause(cause, "%s: cannot read file: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > CONFIG_FILE_MAX) {
		set_cause(cause, "%s: file larger than %d bytes", path, CONFIG_FILE_MAX);
		goto out;
	}
	rc = parse_buffer(path, buf, len, out, cause);
out:
	free(buf);
	close(fd);
	return rc;
}

int config_parse(const char *name, const char *text, struct config **out, char **cause)
{
	return parse_buffer(name, text, strlen(text), out, cause);
}

/* Parse len bytes (which may hold NUL bytes when read from a file) into a fresh config. */
static int parse_buffer(const char *name, const char *text, size_t len, struct config **out,
			char **cause)
{
	struct config *c = config_defaults();
	int seen[CONFIG_KEYS_MAX] = {0}; /* line where each key was set, 0: default */
	const char *section = NULL;
	char line[CONFIG_LINE_MAX + 2];
	size_t pos = 0;
	int lineno = 0;

	*out = NULL;
	/* Editors on some systems start a UTF-8 file with a byte order mark. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		const char *start = text + pos;
		const char *eol = memchr(start, '\n', len - pos);
		size_t llen = eol != NULL ? (size_t)(eol - start) : len - pos;
		pos += llen + (eol != NULL ? 1 : 0);
		lineno++;
		if (llen > 0 && start[llen - 1] == '\r')
			llen--;
		if (llen > CONFIG_LINE_MAX) {
			set_cause(cause, "%s:%d: line longer than %d bytes", name, lineno,
				  CONFIG_LINE_MAX);
			goto fail;
		}
		if (memchr(start, '\0', llen) != NULL) {
			set_cause(cause, "%s:%d: NUL byte in line", name, lineno);
			goto fail;
		}
		if (!utf8_valid(start, llen)) {
			set_cause(cause, "%s:%d: invalid UTF-8", name, lineno);
			goto fail;
		}
		memcpy(line, start, llen);
		line[llen] = '\0';
		if (parse_line(name, lineno, line, &section, seen, c, cause) != 0)
			goto fail;
	}
	if (check_config(name, c, seen, cause) != 0)
		goto fail;
	c->path = xstrdup(name);
	*out = c;
	return 0;
fail:
	config_free(c);
	return -1;
}

/* Handle one line: blank, comment, [section] or key = value. */
static int parse_line(const char *name, int lineno, char *line, const char **section, int *seen,
		      struct config *c, char **cause)
{
	char *sub = NULL;

	str_trim(line);
	if (line[0] == '\0' || line[0] == '#' || line[0] == ';')
		return 0;

	if (line[0] == '[') {
		size_t len = strlen(line);
		if (line[len - 1] != ']') {
			set_cause(cause, "%s:%d: a section header is written [name]", name, lineno);
			return -1;
		}
		line[len - 1] = '\0';
		char *s = str_trim(line + 1);
		*section = find_section(s);
		if (*section == NULL) {
			set_cause(
			    cause,
			    "%s:%d: unknown section [%s] (expected server, database, schedule, "
			    "mail, hook or log)",
			    name, lineno, s);
			return -1;
		}
		return 0;
	}

	char *eq = strchr(line, '=');
	if (eq == NULL) {
		set_cause(cause, "%s:%d: missing '=' (expected key = value)", name, lineno);
		return -1;
	}
	*eq = '\0';
	char *key = str_trim(line);
	char *value = unquote(str_trim(eq + 1));
	if (*key == '\0') {
		set_cause(cause, "%s:%d: missing key before '='", name, lineno);
		return -1;
	}
	if (*section == NULL) {
		set_cause(cause, "%s:%d: key '%s' outside a section", name, lineno, key);
		return -1;
	}
	size_t index;
	const struct cf_key *k = find_key(*section, key, &index);
	if (k == NULL) {
		set_cause(cause, "%s:%d: unknown key '%s' in [%s]", name, lineno, key, *section);
		return -1;
	}
	if (seen[index] != 0) {
		set_cause(cause, "%s:%d: duplicate key '%s' in [%s] (first set on line %d)", name,
			  lineno, key, *section, seen[index]);
		return -1;
	}
	seen[index] = lineno;
	if (set_value(c, k, value, false, &sub) != 0) {
		set_cause(cause, "%s:%d: %s", name, lineno, sub);
		free(sub);
		return -1;
	}
	return 0;
}

/* Checks that involve more than one key, or a default the machine may not support. */
static int check_config(const char *name, const struct config *c, const int *seen, char **cause)
{
	size_t i_listen, i_report_to, i_timezone;
	find_key("server", "listen", &i_listen);
	find_key("schedule", "report_to", &i_report_to);
	find_key("schedule", "timezone", &i_timezone);

	if (c->listen[0] == '\0' && c->unix_socket == NULL) {
		set_cause(
		    cause,
		    "%s:%d: [server] listen is empty and unix_socket is not set, so suivid would "
		    "accept no connection",
		    name, seen[i_listen]);
		return -1;
	}
	if (c->report_to[0] != '\0' && c->overdue_report[0] == '\0') {
		set_cause(
		    cause,
		    "%s:%d: [schedule] report_to is set but overdue_report is empty, so no report "
		    "would be sent",
		    name, seen[i_report_to]);
		return -1;
	}
	if (seen[i_timezone] == 0 && !zone_valid(c->timezone)) {
		set_cause(
		    cause,
		    "%s: [schedule] timezone: the default '%s' is not a time zone known on this "
		    "machine; set timezone",
		    name, c->timezone);
		return -1;
	}
	return 0;
}

static const char *find_section(const char *section)
{
	for (size_t i = 0; i < config_keys_count; i++)
		if (strcmp(config_keys[i].section, section) == 0)
			return config_keys[i].section;
	return NULL;
}

static const struct cf_key *find_key(const char *section, const char *key, size_t *index)
{
	for (size_t i = 0; i < config_keys_count; i++) {
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].key, key) == 0) {
			*index = i;
			return &config_keys[i];
		}
	}
	return NULL;
}

/* Strip one pair of double quotes wrapping the whole value, so a value can keep blanks at its
 * ends or be explicitly empty. A value with other quotes inside (a hook command such as
 * "/opt/my hook" -v "a b") is left alone for the command splitter. */
static char *unquote(char *value)
{
	size_t len = strlen(value);
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"' &&
	    memchr(value + 1, '"', len - 2) == NULL) {
		value[len - 1] = '\0';
		return value + 1;
	}
	return value;
}

/* "mail, json" for error messages. */
static char *names_list(const char *const *names)
{
	size_t len = 1;
	for (int i = 0; names[i] != NULL; i++)
		len += strlen(names[i]) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (int i = 0; names[i] != NULL; i++) {
		if (i > 0)
			strcat(s, ", ");
		strcat(s, names[i]);
	}
	return s;
}

static bool values_equal(const struct cf_key *k, const struct config *a, const struct config *b)
{
	if (is_text_type(k->type)) {
		const char *x = *CFIELD(a, k, char *), *y = *CFIELD(b, k, char *);
		if (x == NULL || y == NULL)
			return x == y;
		return strcmp(x, y) == 0;
	}
	switch (k->type) {
	case CF_INT:
	case CF_ENUM:
		return *CFIELD(a, k, int) == *CFIELD(b, k, int);
	case CF_SIZE:
		return *CFIELD(a, k, size_t) == *CFIELD(b, k, size_t);
	case CF_BOOL:
		return *CFIELD(a, k, bool) == *CFIELD(b, k, bool);
	case CF_DAYS: {
		int na = *(const int *)(const void *)((const char *)a + k->count_offset);
		int nb = *(const int *)(const void *)((const char *)b + k->count_offset);
		return na == nb &&
		       memcmp(CFIELD(a, k, int), CFIELD(b, k, int), (size_t)na * sizeof(int)) == 0;
	}
	default:
		return false;
	}
}

char *config_restart_keys(const struct config *a, const struct config *b)
{
	char *list = NULL;
	for (size_t i = 0; i < config_keys_count; i++) {
		if (config_keys[i].reloadable || values_equal(&config_keys[i], a, b))
			continue;
		char *next = list == NULL ? xstrdup(config_keys[i].key)
					  : xasprintf("%s,%s", list, config_keys[i].key);
		free(list);
		list = next;
	}
	return list;
}
