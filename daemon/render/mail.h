/* mail.h — render a notification for the delivery hook: an RFC 5322 message for
 * `sendmail -t -oi` (format = mail) or one JSON document (format = json).
 *
 * No header can be injected through any field: addresses containing anything but a plain
 * addr-spec are refused, display names and the subject have their control characters replaced
 * by spaces and are RFC 2047 encoded when not plain ASCII, and the body is quoted-printable. */
#ifndef SUIVI_MAIL_H
#define SUIVI_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util.h"

struct mail_address {
	const char *name; /* display name (UTF-8), NULL or "" for none */
	const char *addr; /* one addr-spec, local@domain, printable ASCII */
};

struct mail_message {
	int64_t id;       /* outbox id (JSON only) */
	const char *kind; /* "reminder", "overdue-report" … (JSON only) */
	struct mail_address from;
	const struct mail_address *reply_to; /* NULL (or an empty addr): no Reply-To */
	const struct mail_address *to;       /* to_count >= 1 recipients */
	size_t to_count;
	const char *subject;   /* UTF-8 */
	const char *body;      /* text, UTF-8 expected; any byte is encoded safely */
	const char *dedup_key; /* Message-ID is derived from it: a retry keeps the same id */
	time_t created;        /* Date: header */
};

/* True when addr is exactly one addr-spec that is safe to put in a header. */
bool mail_address_valid(const char *addr);
/* The message with LF line ends, ready for `sendmail -t -oi` on a pipe; NULL with *cause
 * when an address is refused or a name or subject is not valid UTF-8. Caller frees. */
char *mail_render(const struct mail_message *m, char **cause) WUR;
/* {"id", "kind", "dedup_key", "from", "to": [...], "subject", "body", "created_at"} with
 * addresses as plain addr-specs; NULL with *cause on invalid input. Caller frees. */
char *mail_render_json(const struct mail_message *m, char **cause) WUR;

#endif
