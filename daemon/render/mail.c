/* mail.c — RFC 5322 / MIME rendering of notifications, and their JSON form for webhooks.
 *
 * Every header is generated here from validated or neutralised parts, one field per line,
 * folded with LF + space; the body is quoted-printable, so no content can end the header
 * block or start a line of its own choosing. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render/mail.h"
#include "base64.h"
#include "sha256.h"
#include "util.h"
#include "utf8.h"

/* RFC 5322 recommends lines of at most 78 characters (without the line end). */
#define LINE_MAX_CHARS 78
/* "=?UTF-8?B?" + 56 base64 characters + "?=" = 68 characters, within RFC 2047's 75 and short
 * enough to follow "Subject: " on the first line. 56 base64 characters carry 42 bytes. */
#define EWORD_MAX_BYTES 42
/* ASCII display names longer than this are encoded, so they can be folded like subjects. */
#define NAME_PLAIN_MAX 60
/* Quoted-printable lines are at most 76 characters, the soft-break '=' included. */
#define QP_LINE_MAX 76
#define ADDR_MAX 254

struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n);
static void buf_adds(struct buf *b, const char *s);
static void buf_addf(struct buf *b, const char *fmt, ...) PRINTFLIKE(2, 3);
static char *neutralise(const char *s, const char *what, char **cause);
static bool needs_encoding(const char *s);
static void add_encoded_words(struct buf *b, const char *s, size_t *col);
static void add_unstructured(struct buf *b, const char *s, size_t *col);
static int add_mailbox(struct buf *b, const struct mail_address *a, size_t *col, char **cause);
static int add_address_field(struct buf *b, const char *field, const struct mail_address *list,
			     size_t count, char **cause);
static void add_date(struct buf *b, time_t t);
static void add_qp_body(struct buf *b, const char *body);
static bool is_atext(int c);

bool mail_address_valid(const char *addr)
{
	const char *at, *p;
	size_t len;

	if (addr == NULL)
		return false;
	len = strlen(addr);
	at = strchr(addr, '@');
	if (len == 0 || len > ADDR_MAX || at == NULL || at == addr || strchr(at + 1, '@') != NULL)
		return false;
	/* Local part: a dot-atom (no quoted local parts: nothing needs them and they hide commas).
	 */
	if (addr[0] == '.' || at[-1] == '.')
		return false;
	for (p = addr; p < at; p++) {
		if (*p == '.' ? p[1] == '.' : !is_atext((unsigned char)*p))
			return false;
	}
	/* Domain: dot-separated labels of letters, digits and hyphens. */
	p = at + 1;
	if (*p == '\0' || *p == '.' || addr[len - 1] == '.')
		return false;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return false;
		} else if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
			   !(*p >= '0' && *p <= '9') && *p != '-')
			return false;
	}
	return true;
}

char *mail_render(const struct mail_message *m, char **cause)
{
	struct buf b = {0};
	char *subject = NULL, hex[2 * SHA256_DIGEST_LEN + 1];
	size_t col;

	if (m->to_count == 0) {
		set_cause(cause, "a message needs at least one recipient");
		goto fail;
	}
	if (add_address_field(&b, "From", &m->from, 1, cause) != 0)
		goto fail;
	/* Same checks as From: the address plain, the name neutralised and quoted or encoded. */
	if (m->reply_to != NULL && m->reply_to->addr != NULL && m->reply_to->addr[0] != '\0' &&
	    add_address_field(&b, "Reply-To", m->reply_to, 1, cause) != 0)
		goto fail;
	if (add_address_field(&b, "To", m->to, m->to_count, cause) != 0)
		goto fail;

	subject = neutralise(m->subject != NULL ? m->subject : "", "subject", cause);
	if (subject == NULL)
		goto fail;
	buf_adds(&b, "Subject: ");
	col = strlen("Subject: ");
	add_unstructured(&b, subject, &col);
	buf_adds(&b, "\n");

	add_date(&b, m->created);
	sha256_hex(m->dedup_key, strlen(m->dedup_key), hex);
	/* 64 hex digits do not fit on one 78-character line with the field name. */
	buf_addf(&b, "Message-ID:\n <%s@suivi>\n", hex);
	buf_adds(&b, "MIME-Version: 1.0\n"
		     "Content-Type: text/plain; charset=UTF-8\n"
		     "Content-Transfer-Encoding: quoted-printable\n"
		     "Auto-Submitted: auto-generated\n"
		     "\n");
	add_qp_body(&b, m->body != NULL ? m->body : "");
	free(subject);
	return b.p;
fail:
	free(subject);
	free(b.p);
	return NULL;
}

char *mail_render_json(const struct mail_message *m, char **cause)
{
	const char *kind = m->kind != NULL ? m->kind : "";
	const char *subject = m->subject != NULL ? m->subject : "";
	const char *body = m->body != NULL ? m->body : "";
	json_t *root, *to;
	struct tm tm;
	char created[32], *out;
	size_t i;

	if (!mail_address_valid(m->from.addr)) {
		set_cause(cause, "the sender address is not one plain address");
		return NULL;
	}
	if (m->to_count == 0) {
		set_cause(cause, "a message needs at least one recipient");
		return NULL;
	}
	for (i = 0; i < m->to_count; i++) {
		if (!mail_address_valid(m->to[i].addr)) {
			set_cause(cause, "recipient %zu is not one plain address", i + 1);
			return NULL;
		}
	}
	/* Checked here so that jansson can fail only on memory below. */
	if (!utf8_valid(kind, strlen(kind)) || !utf8_valid(subject, strlen(subject)) ||
	    !utf8_valid(body, strlen(body)) || !utf8_valid(m->dedup_key, strlen(m->dedup_key))) {
		set_cause(cause, "a text field of the notification is not valid UTF-8");
		return NULL;
	}
	if (gmtime_r(&m->created, &tm) == NULL) {
		set_cause(cause, "the creation time is out of range");
		return NULL;
	}
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);

	to = json_array();
	for (i = 0; i < m->to_count; i++)
		if (to == NULL || json_array_append_new(to, json_string(m->to[i].addr)) != 0)
			abort(); /* memory only: same policy as the x allocators */
	root = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "id", (json_int_t)m->id,
			 "kind", kind, "dedup_key", m->dedup_key, "from", m->from.addr, "to", to,
			 "subject", subject, "body", body, "created_at", created);
	if (root == NULL)
		abort();
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (out == NULL)
		abort();
	return out;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		if (b->cap == 0)
			b->cap = 1024;
		while (b->len + n + 1 > b->cap)
			b->cap *= 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	buf_adds(b, s);
	free(s);
}

/* A copy of UTF-8 text with every control character (C0, DEL, C1, and the Unicode line and
 * paragraph separators) replaced by spaces: header text can then never break a line. */
static char *neutralise(const char *s, const char *what, char **cause)
{
	char *out, *p;
	uint32_t cp;
	size_t n;

	if (!utf8_valid(s, strlen(s))) {
		set_cause(cause, "the %s is not valid UTF-8", what);
		return NULL;
	}
	out = xstrdup(s);
	for (p = out; *p != '\0'; p += n) {
		n = utf8_next(p, &cp);
		/* Each byte becomes a space: the text never grows. */
		if (utf8_is_control(cp) || cp == 0x2028 || cp == 0x2029)
			memset(p, ' ', n);
	}
	return out;
}

/* Non-ASCII text needs RFC 2047, and so does ASCII that looks like an encoded word. */
static bool needs_encoding(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			return true;
	return strstr(s, "=?") != NULL;
}

/* Write valid UTF-8 text as "=?UTF-8?B?…?=" words cut between whole characters, one word per
 * line after the first (white space between adjacent encoded words is not part of the text).
 * A cut falls after a space of the text when there is one in the second half of the word:
 * readers that wrongly keep the folding white space (Python's email package in a display
 * name) then show a doubled space rather than a word broken in two ("Program me"). */
static void add_encoded_words(struct buf *b, const char *s, size_t *col)
{
	const char *p = s;
	char word[BASE64_LEN(EWORD_MAX_BYTES) + 1];
	size_t n;
	bool first = true;

	while (first || *p != '\0') {
		n = utf8_cut(p, EWORD_MAX_BYTES);
		if (p[n] != '\0') {
			size_t space = n;
			while (space > EWORD_MAX_BYTES / 2 && p[space - 1] != ' ')
				space--;
			if (space > EWORD_MAX_BYTES / 2)
				n = space; /* a space is one byte: still a whole-character cut */
		}
		if (!first) {
			buf_adds(b, "\n ");
			*col = 1;
		}
		buf_adds(b, "=?UTF-8?B?");
		base64_encode(p, n, word);
		buf_adds(b, word);
		buf_adds(b, "?=");
		*col += 12 + 4 * ((n + 2) / 3);
		p += n;
		first = false;
	}
}

/* Write unstructured header text: ASCII folded at spaces, anything else encoded. */
static void add_unstructured(struct buf *b, const char *s, size_t *col)
{
	const char *p, *word;
	size_t len;

	if (needs_encoding(s)) {
		add_encoded_words(b, s, col);
		return;
	}
	/* A word too long for a line of its own cannot be folded: encode instead. */
	for (p = s; *p != '\0'; p += len) {
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len + 1 > LINE_MAX_CHARS - strlen("Subject: ")) {
			add_encoded_words(b, s, col);
			return;
		}
	}
	/* Fold before a space: the space stays as the first character of the next line. */
	for (p = s; *p != '\0'; p = word + len) {
		word = *p == ' ' ? p + 1 : p;
		len = strcspn(word, " ");
		if (*p == ' ' && len > 0 && *col + 1 + len > LINE_MAX_CHARS) {
			buf_adds(b, "\n");
			*col = 0;
		}
		buf_add(b, p, (size_t)(word - p) + len);
		*col += (size_t)(word - p) + len;
	}
}

/* "Name <addr>" or "addr": the address checked, the name neutralised, then quoted or encoded. */
static int add_mailbox(struct buf *b, const struct mail_address *a, size_t *col, char **cause)
{
	char *name;
	const char *p;
	bool special = false;

	if (!mail_address_valid(a->addr)) {
		set_cause(cause, "is not one plain address (local@domain)");
		return -1;
	}
	if (a->name == NULL || *a->name == '\0') {
		buf_adds(b, a->addr);
		*col += strlen(a->addr);
		return 0;
	}
	name = neutralise(a->name, "display name", cause);
	if (name == NULL)
		return -1;
	if (needs_encoding(name) || strlen(name) > NAME_PLAIN_MAX)
		add_encoded_words(b, name, col);
	else {
		for (p = name; *p != '\0'; p++)
			if (!is_atext((unsigned char)*p) && *p != ' ')
				special = true;
		if (special || name[0] == ' ' || name[strlen(name) - 1] == ' ') {
			buf_adds(b, "\"");
			for (p = name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					buf_adds(b, "\\");
				buf_add(b, p, 1);
			}
			buf_adds(b, "\"");
		} else
			buf_adds(b, name);
		*col += strlen(name) + 4;
	}
	free(name);
	if (*col + 3 + strlen(a->addr) > LINE_MAX_CHARS) {
		buf_adds(b, "\n");
		*col = 0;
	}
	buf_addf(b, " <%s>", a->addr);
	*col += 3 + strlen(a->addr);
	return 0;
}

/* One address header, one mailbox per line after the first. */
static int add_address_field(struct buf *b, const char *field, const struct mail_address *list,
			     size_t count, char **cause)
{
	size_t i, col;
	char *why = NULL;

	buf_addf(b, "%s: ", field);
	col = strlen(field) + 2;
	for (i = 0; i < count; i++) {
		if (i > 0) {
			buf_adds(b, ",\n ");
			col = 1;
		}
		if (add_mailbox(b, &list[i], &col, &why) != 0) {
			if (count > 1)
				set_cause(cause, "%s address %zu %s", field, i + 1, why);
			else
				set_cause(cause, "%s address %s", field, why);
			free(why);
			return -1;
		}
	}
	buf_adds(b, "\n");
	return 0;
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static void add_date(struct buf *b, time_t t)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	buf_addf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Quoted-printable (RFC 2045 6.7) with LF line ends; CRLF in the text becomes LF. A body
 * without a final newline ends with a soft break so that decoding gives back exactly the
 * original. Lines starting with "." or "From " are encoded too, for the SMTP and mbox paths
 * that would mangle them. */
static void add_qp_body(struct buf *b, const char *body)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t col = 0, n;
	char repr[4];
	bool trailing_ws, literal;

	for (; *p != '\0'; p++) {
		if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
			if (*p == '\r')
				p++;
			buf_adds(b, "\n");
			col = 0;
			continue;
		}
		for (int pass = 0; pass < 2; pass++) {
			trailing_ws = (*p == ' ' || *p == '\t') &&
				      (p[1] == '\0' || p[1] == '\n' || p[1] == '\r');
			literal = ((*p >= 33 && *p <= 126 && *p != '=') ||
				   ((*p == ' ' || *p == '\t') && !trailing_ws)) &&
				  !(col == 0 && *p == '.') &&
				  !(col == 0 && strncmp((const char *)p, "From ", 5) == 0);
			if (literal) {
				repr[0] = (char)*p;
				n = 1;
			} else {
				snprintf(repr, sizeof repr, "=%02X", *p);
				n = 3;
			}
			/* Keep room for the soft break's '='. */
			if (pass == 0 && col + n + 1 > QP_LINE_MAX) {
				buf_adds(b, "=\n");
				col = 0;
				continue; /* the representation may differ at the start of a line */
			}
			buf_add(b, repr, n);
			col += n;
			break;
		}
	}
	if (col > 0)
		buf_adds(b, "=\n");
	if (b->p == NULL)
		buf_add(b, "", 0);
}

static bool is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}
