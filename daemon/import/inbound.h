/* inbound.h — one inbound RFC 5322 message read with GMime 3: who sent it, to which
 * addresses, and its text.
 *
 * Pure (no I/O). MIME, quoted-printable and base64, RFC 2047 headers and charsets other than
 * UTF-8 (ISO-8859-1, Windows-1252 …) are GMime's and iconv's work; an HTML-only message is
 * reduced to text with libxml2's HTML parser, leaving out <blockquote> and the quote blocks of
 * webmails (the HTML form of "> " lines). The text part preferred is text/plain, else
 * text/html. Everything is bounded: the caller caps the size; depth and number of MIME parts
 * are capped here; a text that is not valid UTF-8 after conversion, or holds a NUL, is
 * refused rather than guessed at. Call g_mime_init() once before (inbound_init). */
#ifndef SUIVI_INBOUND_H
#define SUIVI_INBOUND_H

#include <stddef.h>

#include "util.h"

#define INBOUND_MAX_DEPTH 20
#define INBOUND_MAX_PARTS 100
#define INBOUND_MAX_RECIPIENTS 100

struct inbound_message {
	char *message_id;  /* without <>; "" when the message has none */
	char *from;        /* the first From mailbox's address, lower case */
	char *subject;     /* decoded, "" when none */
	char **recipients; /* To, Cc, Delivered-To and X-Original-To addresses, lower case */
	size_t n_recipients;
	char *text; /* the chosen text part as UTF-8 */
};

/* GMime's process-wide set-up and tear-down (reference-counted by GMime). */
void inbound_init(void);
void inbound_shutdown(void);

/* Read len bytes of data; -1 with a sentence in *cause when it is not a message one can read
 * (no From, too deep or too many parts, no text part, a text that is not UTF-8). */
int inbound_parse(const char *data, size_t len, struct inbound_message *out, char **cause) WUR;
void inbound_free(struct inbound_message *m);

#endif
