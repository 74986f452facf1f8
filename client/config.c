/* config.c — the client's URL and token by precedence: flag, environment, file. */
#include "suivi-config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

static int read_file(const char *path, FILE *warn, char **url, char **token, char **cause);
static const char *nonempty(const char *s);

static const char *nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

char *client_config_path(void)
{
	const char *xdg = nonempty(getenv("XDG_CONFIG_HOME"));
	const char *home = nonempty(getenv("HOME"));

	/* The XDG base directory spec says relative values are to be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/suivi/client.conf", xdg);
	if (home != NULL)
		return xasprintf("%s/.config/suivi/client.conf", home);
	return NULL;
}

/* Read "key = value" lines. A missing file is not an error (url and token stay NULL). */
static int read_file(const char *path, FILE *warn, char **url, char **token, char **cause)
{
	FILE *f = fopen(path, "re");
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	int rc = -1;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		set_cause(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH)) != 0 && warn != NULL)
		fprintf(warn,
			"suivi: warning: %s is readable by %s but holds a token; "
			"run chmod 600 %s\n",
			path, (st.st_mode & S_IROTH) != 0 ? "others" : "its group", path);
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = str_trim(line);
		if (s[0] == '#' || s[0] == '\0')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			set_cause(cause, "%s:%d: expected \"key = value\"", path, lineno);
			goto out;
		}
		*eq = '\0';
		char *key = str_trim(s);
		char *value = str_trim(eq + 1);
		/* Allow the value in double quotes, as people often write it. */
		size_t vlen = strlen(value);
		if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"') {
			value[vlen - 1] = '\0';
			value++;
		}
		if (strcmp(key, "url") == 0) {
			free(*url);
			*url = xstrdup(value);
		} else if (strcmp(key, "token") == 0) {
			free(*token);
			*token = xstrdup(value);
		} else if (warn != NULL) {
			fprintf(warn, "suivi: warning: %s:%d: unknown key \"%s\" ignored\n", path,
				lineno, key);
		}
	}
	if (ferror(f)) {
		set_cause(cause, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}

int client_config_load(const char *flag_url, const char *flag_token, FILE *warn,
		       struct client_config *out, char **cause)
{
	const char *url = nonempty(flag_url) != NULL ? flag_url : nonempty(getenv("SUIVI_URL"));
	const char *token =
	    nonempty(flag_token) != NULL ? flag_token : nonempty(getenv("SUIVI_TOKEN"));
	char *file_url = NULL, *file_token = NULL;

	memset(out, 0, sizeof *out);
	if (url == NULL || token == NULL) {
		char *path = client_config_path();
		if (path != NULL) {
			if (read_file(path, warn, &file_url, &file_token, cause) < 0) {
				free(path);
				free(file_url);
				free(file_token);
				return -1;
			}
			if (file_url != NULL || file_token != NULL)
				out->file = path;
			else
				free(path);
		}
	}
	if (url == NULL)
		url = nonempty(file_url) != NULL ? file_url : CLIENT_DEFAULT_URL;
	if (token == NULL)
		token = nonempty(file_token);
	out->url = xstrdup(url);
	out->token = token != NULL ? xstrdup(token) : NULL;
	free(file_url);
	free(file_token);
	if (out->token != NULL && strpbrk(out->token, "\r\n\t ") != NULL) {
		set_cause(cause, "the token holds white space or line breaks");
		client_config_free(out);
		return -1;
	}
	return 0;
}

void client_config_free(struct client_config *cfg)
{
	free(cfg->url);
	free(cfg->token);
	free(cfg->file);
	memset(cfg, 0, sizeof *cfg);
}
