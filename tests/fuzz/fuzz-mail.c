/* fuzz-mail.c — notification mail as render/mail.c writes it for `sendmail -t`: addresses,
 * display names and subjects (RFC 2047 encoded words, quoting, folding), the
 * quoted-printable body, and the JSON form for webhooks.
 *
 * Input: fields separated by NUL bytes — sender name, sender address, recipient name,
 * recipient address, subject, body, dedup key.
 * Properties, read back from the rendered text the way a mail reader would: the header block
 * ends at the first empty line and every header line is at most 998 characters; every field
 * appears once (no Cc, no Bcc: sendmail -t takes recipients from them); To: holds exactly one
 * mailbox, the recipient's address, with the recipient's display name as sent (control
 * characters turned into spaces); the unfolded, decoded Subject: is the subject as sent
 * (the same neutralising); encoded words are at most 75 characters; the body decodes from
 * quoted-printable to the body as sent (CR LF as LF), in lines of at most 76 characters. A
 * refusal happens only for an address that is not one plain address or text that is not
 * UTF-8. The JSON form is valid JSON with one recipient. */
#include "suivi-config.h"

#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "render/mail.h"
#include "utf8.h"
#include "util.h"

static char *neutralised(const char *s);
static char *header_value(const char *head, const char *name, int *count);
static char *decode_words(const char *s);
static char *unquote_phrase(const char *s);
static void check_mailbox(const char *value, const struct mail_address *a);
static char *qp_decode(const char *s);
static char *crlf_to_lf(const char *s);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	fuzz_in_init(&in, data, size);
	struct mail_address from = {.name = fuzz_take(&in), .addr = fuzz_take(&in)};
	struct mail_address to = {.name = fuzz_take(&in), .addr = fuzz_take(&in)};
	struct mail_message m = {
	    .id = 1,
	    .kind = "reminder",
	    .from = from,
	    .to = &to,
	    .to_count = 1,
	};
	m.subject = fuzz_take(&in);
	m.body = fuzz_take(&in);
	m.dedup_key = fuzz_take(&in);
	m.created = 1764288000; /* 2025-11-28 */

	char *cause = NULL;
	char *text = mail_render(&m, &cause);
	bool texts_ok = utf8_valid(from.name, strlen(from.name)) &&
			utf8_valid(to.name, strlen(to.name)) &&
			utf8_valid(m.subject, strlen(m.subject));
	bool addrs_ok = mail_address_valid(from.addr) && mail_address_valid(to.addr);
	if (text == NULL) {
		FUZZ_CHECK(cause != NULL, "refused without a cause");
		FUZZ_CHECK(!(texts_ok && addrs_ok), "refused: %s", cause);
		free(cause);
	} else {
		FUZZ_CHECK(texts_ok && addrs_ok, "rendered from an invalid address or text");
		FUZZ_CHECK(strchr(text, '\r') == NULL, "a CR in the message");
		const char *sep = strstr(text, "\n\n");
		FUZZ_CHECK(sep != NULL, "no end of headers");
		char *head = xstrndup(text, (size_t)(sep - text) + 1);
		for (const char *line = head; *line != '\0';) {
			size_t len = strcspn(line, "\n");
			FUZZ_CHECK(len <= 998, "a header line of %zu characters", len);
			line += len + (line[len] == '\n');
		}
		static const char *const once[] = {
		    "From",          "To",           "Subject",      "Date",
		    "Message-ID",    "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
		    "Auto-Submitted"};
		for (size_t i = 0; i < ARRAY_LEN(once); i++) {
			int count;
			free(header_value(head, once[i], &count));
			FUZZ_CHECK(count == 1, "%s: %d times", once[i], count);
		}
		static const char *const never[] = {"Cc", "Bcc", "Resent-To", "Resent-Cc",
						    "Resent-Bcc"};
		for (size_t i = 0; i < ARRAY_LEN(never); i++) {
			int count;
			free(header_value(head, never[i], &count));
			FUZZ_CHECK(count == 0, "%s: %d times", never[i], count);
		}
		int count;
		char *v = header_value(head, "To", &count);
		check_mailbox(v, &to);
		free(v);
		v = header_value(head, "From", &count);
		check_mailbox(v, &from);
		free(v);
		v = header_value(head, "Subject", &count);
		char *subject = decode_words(v);
		char *want = neutralised(m.subject);
		FUZZ_CHECK(strcmp(subject, want) == 0, "subject [%s] read back as [%s]", want,
			   subject);
		free(want);
		free(subject);
		free(v);
		free(head);

		const char *qp = sep + 2;
		for (const char *line = qp; *line != '\0';) {
			size_t len = strcspn(line, "\n");
			FUZZ_CHECK(len <= 76, "a body line of %zu characters", len);
			line += len + (line[len] == '\n');
		}
		char *body = qp_decode(qp);
		want = crlf_to_lf(m.body);
		FUZZ_CHECK(strcmp(body, want) == 0, "body read back differs");
		free(want);
		free(body);
		free(text);
	}

	cause = NULL;
	char *json = mail_render_json(&m, &cause);
	if (json != NULL) {
		json_t *j = json_loads(json, 0, NULL);
		FUZZ_CHECK(j != NULL, "JSON form does not parse");
		json_t *tos = json_object_get(j, "to");
		FUZZ_CHECK(json_array_size(tos) == 1 &&
			       strcmp(json_string_value(json_array_get(tos, 0)), to.addr) == 0,
			   "JSON recipients");
		json_decref(j);
		free(json);
	} else {
		free(cause);
	}
	fuzz_in_free(&in);
	return 0;
}

/* What mail.c promises to do to header text: controls and U+2028/2029 become spaces. */
static char *neutralised(const char *s)
{
	char *out = xstrdup(s);
	uint32_t cp;
	for (char *p = out; *p != '\0';) {
		size_t n = utf8_next(p, &cp);
		if (utf8_is_control(cp) || cp == 0x2028 || cp == 0x2029)
			memset(p, ' ', n);
		p += n;
	}
	return out;
}

/* The unfolded value of header name (line ends before white space removed), the first
 * one, and how many there are; caller frees ("" when absent). */
static char *header_value(const char *head, const char *name, int *count)
{
	size_t nlen = strlen(name);
	char *found = NULL;
	*count = 0;
	for (const char *line = head; *line != '\0';) {
		const char *end = line;
		/* A field runs until a line that does not start with white space. */
		for (;;) {
			end += strcspn(end, "\n");
			if (*end == '\n' && (end[1] == ' ' || end[1] == '\t')) {
				end++;
				continue;
			}
			break;
		}
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			(*count)++;
			if (found == NULL) {
				struct fuzz_buf b = {0};
				fuzz_buf_add(&b, "", 0);
				for (const char *p = line + nlen + 1; p < end; p++)
					if (*p != '\n')
						fuzz_buf_add(&b, p, 1);
				found = b.data;
			}
		}
		line = *end == '\n' ? end + 1 : end;
	}
	return found != NULL ? found : xstrdup("");
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* An unstructured value as a reader shows it: a leading space dropped; encoded words
 * decoded, the white space between two of them dropped (RFC 2047 6.2). */
static char *decode_words(const char *s)
{
	struct fuzz_buf b = {0};
	fuzz_buf_add(&b, "", 0);
	if (*s == ' ')
		s++;
	bool after_word = false;
	while (*s != '\0') {
		const char *ws_end = s + strspn(s, " \t");
		if (after_word && strncmp(ws_end, "=?UTF-8?B?", 10) == 0)
			s = ws_end;
		if (strncmp(s, "=?UTF-8?B?", 10) == 0) {
			const char *start = s + 10, *stop = strstr(start, "?=");
			FUZZ_CHECK(stop != NULL, "an unterminated encoded word");
			FUZZ_CHECK(stop + 2 - s <= 75, "an encoded word of %ld characters",
				   (long)(stop + 2 - s));
			unsigned acc = 0;
			int bits = 0;
			for (const char *p = start; p < stop && *p != '='; p++) {
				int v = b64_value((unsigned char)*p);
				FUZZ_CHECK(v >= 0, "not base64 in an encoded word");
				acc = (acc << 6) | (unsigned)v;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					char c = (char)((acc >> bits) & 0xff);
					fuzz_buf_add(&b, &c, 1);
				}
			}
			s = stop + 2;
			after_word = true;
			continue;
		}
		fuzz_buf_add(&b, s, 1);
		s++;
		after_word = false;
	}
	return b.data;
}

/* A display name as written: a quoted string unquoted, encoded words decoded. */
static char *unquote_phrase(const char *s)
{
	if (*s != '"')
		return decode_words(s);
	struct fuzz_buf b = {0};
	fuzz_buf_add(&b, "", 0);
	const char *p = s + 1;
	for (; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		fuzz_buf_add(&b, p, 1);
	}
	FUZZ_CHECK(*p == '"' && p[1] == '\0', "a quoted name with something after it: %s", s);
	return b.data;
}

/* value must be exactly one mailbox: a's address, and a's name when it has one. */
static void check_mailbox(const char *value, const struct mail_address *a)
{
	/* Commas and angle brackets outside quoted strings delimit mailboxes. */
	bool quoted = false;
	int commas = 0, opens = 0;
	const char *lt = NULL;
	for (const char *p = value; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == ',')
			commas++;
		else if (!quoted && *p == '<') {
			opens++;
			lt = p;
		}
	}
	FUZZ_CHECK(!quoted && commas == 0 && opens <= 1, "not one mailbox: %s", value);
	const char *v = value + strspn(value, " ");
	if (lt == NULL) {
		FUZZ_CHECK(a->name == NULL || a->name[0] == '\0', "the name is lost: %s", value);
		FUZZ_CHECK(strcmp(v, a->addr) == 0, "address %s written %s", a->addr, v);
		return;
	}
	const char *gt = strchr(lt, '>');
	FUZZ_CHECK(gt != NULL && gt[1] == '\0', "text after the address: %s", value);
	FUZZ_CHECK((size_t)(gt - lt - 1) == strlen(a->addr) &&
		       memcmp(lt + 1, a->addr, strlen(a->addr)) == 0,
		   "address %s written %s", a->addr, value);
	char *phrase = xstrndup(v, (size_t)(lt - v));
	size_t n = strlen(phrase);
	while (n > 0 && phrase[n - 1] == ' ')
		phrase[--n] = '\0';
	char *name = unquote_phrase(phrase);
	char *want = neutralised(a->name);
	FUZZ_CHECK(strcmp(name, want) == 0, "name [%s] read back as [%s]", want, name);
	free(want);
	free(name);
	free(phrase);
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Quoted-printable with LF line ends (RFC 2045 6.7). */
static char *qp_decode(const char *s)
{
	struct fuzz_buf b = {0};
	fuzz_buf_add(&b, "", 0);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '=' && p[1] == '\n') {
			p++;
			continue;
		}
		if (*p == '=') {
			int hi = hex_value((unsigned char)p[1]);
			int lo = hi < 0 ? -1 : hex_value((unsigned char)p[2]);
			FUZZ_CHECK(hi >= 0 && lo >= 0, "a bad =XX escape");
			char c = (char)(hi * 16 + lo);
			fuzz_buf_add(&b, &c, 1);
			p += 2;
			continue;
		}
		FUZZ_CHECK(*p == '\n' || *p == ' ' || *p == '\t' || (*p >= 33 && *p <= 126),
			   "a raw byte 0x%02x in the body", (unsigned char)*p);
		fuzz_buf_add(&b, p, 1);
	}
	return b.data;
}

static char *crlf_to_lf(const char *s)
{
	struct fuzz_buf b = {0};
	fuzz_buf_add(&b, "", 0);
	for (const char *p = s; *p != '\0'; p++)
		if (!(*p == '\r' && p[1] == '\n'))
			fuzz_buf_add(&b, p, 1);
	return b.data;
}
