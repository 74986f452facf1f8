/* mail-reply.h — what an owner typed in a reply to its reminder, and the commands in it.
 *
 * Pure: text in, lines out; no MIME (inbound.h does that), no database. Two steps:
 *
 * mail_reply_strip keeps only the owner's own words: everything from the digest's separator
 * line ("Reply above this line" / "Répondez au-dessus de cette ligne") down, from an Outlook
 * header block ("-----Original Message-----", a line of underscores, or a "De :"/"From:"
 * line followed by "Envoyé :"/"Sent:") down, and from a signature separator ("-- ") down is
 * dropped; so are quoted lines ("> …") and attribution lines ("On … wrote:", "Le … a
 * écrit :"). Lines typed between quoted lines (an inline answer) are kept.
 *
 * mail_reply_parse reads one command per line, in English or French:
 *     bamako-2019/1 implemented: the regional database went live on 3 March
 *     bamako-2019/3 en cours : le guide est en relecture
 *     bamako-2019/5 comment: waiting for the ministry's answer
 * a ref, a status word (every status name and label the caller gives, compared without case
 * or accents, '_' read as a space) or comment/commentaire, an optional ':', and the rest of
 * the line as the comment. Any other non-blank line is "not understood". */
#ifndef SUIVI_MAIL_REPLY_H
#define SUIVI_MAIL_REPLY_H

#include <stddef.h>

/* At most this many commands (and this many lines not understood) are read. */
#define MAIL_REPLY_MAX_LINES 200

/* A word that means a status: a name ("in_progress") or a label ("en cours"). */
struct mail_status_word {
	const char *status;
	const char *word;
};

enum mail_action {
	MAIL_ACTION_STATUS,
	MAIL_ACTION_COMMENT,
};

struct mail_command {
	int line; /* 1-based, in the kept text */
	char *ref;
	enum mail_action action;
	const char *status; /* MAIL_ACTION_STATUS: the status name (borrowed from the words) */
	char *comment;      /* NULL when none */
};

struct mail_reply {
	struct mail_command *commands;
	size_t n;
	char **not_understood; /* the lines as written */
	size_t n_not_understood;
};

/* The owner's own words of text (UTF-8); caller frees. */
char *mail_reply_strip(const char *text);
/* The commands of kept (mail_reply_strip's result). */
void mail_reply_parse(const char *kept, const struct mail_status_word *words, size_t n_words,
		      struct mail_reply *out);
void mail_reply_free(struct mail_reply *r);

/* s folded for comparison: lower case, accents off (é → e, œ → oe), '_' and runs of white
 * space as one space, trimmed, a word's final "ee" as "e" (bloquée, bloqué); caller
 * frees. */
char *mail_reply_fold(const char *s);

#endif
