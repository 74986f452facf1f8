/* fuzz-mail-reply.c — the inbound mail line parser (import/mail-reply.c): what an owner
 * typed in a reply kept apart from quotes, attributions, Outlook blocks and signatures, then
 * one command per line, and the folding of status words.
 *
 * Input: the reply's text (up to a NUL).
 * Properties: the kept text is made of lines of the reply, in their order, none of them
 * quoted ("> …"), valid UTF-8 when the reply is; at most MAIL_REPLY_MAX_LINES commands and
 * as many lines not understood; each command on a line of the kept text, with a ref, and a
 * status among the words given (or a comment); folded text is lower case, without '_' or
 * double spaces, trimmed. */
#include "suivi-config.h"

#include <string.h>

#include "fuzz.h"
#include "import/mail-reply.h"
#include "utf8.h"
#include "util.h"

static const struct mail_status_word words[] = {
    {"implemented", "implemented"}, {"implemented", "mise en œuvre"},
    {"in_progress", "in_progress"}, {"in_progress", "en cours"},
    {"blocked", "bloquée"},         {"blocked", "Blocked"},
};

/* The next line of *p (without its end), advancing *p; NULL at the end. */
static char *next_line(const char **p)
{
	if (**p == '\0')
		return NULL;
	size_t n = strcspn(*p, "\n");
	char *line = xstrndup(*p, n);
	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
	*p += n + ((*p)[n] == '\n');
	return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size);
	bool valid = utf8_valid(text, strlen(text));
	char *kept = mail_reply_strip(text);
	FUZZ_CHECK(kept != NULL, "nothing kept, not even empty");
	if (valid)
		FUZZ_CHECK(utf8_valid(kept, strlen(kept)), "kept text not UTF-8");

	/* Every kept line is a reply line, in order: a subsequence. */
	const char *k = kept, *t = text;
	size_t nkept = 0;
	for (char *line; (line = next_line(&k)) != NULL; free(line)) {
		nkept++;
		FUZZ_CHECK(line[0] != '>', "a quoted line kept: %s", line);
		if (line[strspn(line, " \t")] == '\0')
			continue; /* blank lines may be normalised */
		bool found = false;
		for (char *r; !found && (r = next_line(&t)) != NULL; free(r))
			found = strstr(r, line) != NULL;
		FUZZ_CHECK(found, "kept line not in the reply, in order: %s", line);
	}

	struct mail_reply reply;
	memset(&reply, 0, sizeof reply);
	mail_reply_parse(kept, words, ARRAY_LEN(words), &reply);
	FUZZ_CHECK(reply.n <= MAIL_REPLY_MAX_LINES &&
		       reply.n_not_understood <= MAIL_REPLY_MAX_LINES,
		   "%zu commands, %zu not understood", reply.n, reply.n_not_understood);
	for (size_t i = 0; i < reply.n; i++) {
		const struct mail_command *c = &reply.commands[i];
		FUZZ_CHECK(c->line >= 1 && (size_t)c->line <= nkept, "command on line %d of %zu",
			   c->line, nkept);
		FUZZ_CHECK(c->ref != NULL && c->ref[0] != '\0', "a command without a ref");
		if (c->action == MAIL_ACTION_STATUS) {
			bool known = false;
			for (size_t w = 0; w < ARRAY_LEN(words); w++)
				known = known || (c->status != NULL &&
						  strcmp(c->status, words[w].status) == 0);
			FUZZ_CHECK(known, "status %s not among the words",
				   c->status != NULL ? c->status : "(none)");
		}
		if (valid && c->comment != NULL)
			FUZZ_CHECK(utf8_valid(c->comment, strlen(c->comment)), "comment not UTF-8");
	}
	mail_reply_free(&reply);

	if (valid) {
		/* Not idempotent: "eee " folds to "ee " (the final-"ee" rule applies once); it
		 * only matters for misspelt words, so it is not checked. */
		char *f = mail_reply_fold(text);
		size_t n = strlen(f);
		FUZZ_CHECK(strchr(f, '_') == NULL && strstr(f, "  ") == NULL &&
			       (n == 0 || (f[0] != ' ' && f[n - 1] != ' ')),
			   "folded: [%s]", f);
		for (const char *p = f; *p != '\0'; p++)
			FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z'), "upper case left: [%s]", f);
		free(f);
	}
	free(kept);
	free(text);
	return 0;
}
