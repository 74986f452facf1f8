/* test-mail.c — rendered messages parsed back: headers unfolded, RFC 2047 words and the
 * quoted-printable body decoded, compared with the input; injection attempts refused or inert. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "render/mail.h"
#include "sha256.h"
#include "suites.h"
#include "util.h"
#include "utf8.h"

#define MAX_FIELDS 32

static const char *const expected_fields[] = {
    "From",           "To",           "Subject",      "Date",
    "Message-ID",     "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
    "Auto-Submitted",
};

struct parsed {
	char *names[MAX_FIELDS];
	char *values[MAX_FIELDS]; /* unfolded, raw */
	int count;
	char *body; /* decoded */
};

static int b64val(int c);
static char *b64_decode(const char *s, size_t len);
static char *decode_words(const char *v);
static void parse_message(const char *msg, struct parsed *out);
static void parsed_free(struct parsed *p);
static const char *field(const struct parsed *p, const char *name);
static char *mailbox_display(const char *mb, char **addr);
static void check_fields(const struct parsed *p);
static char *render_ok(const struct mail_message *m);
static struct mail_message sample(void);
static char *strip_cr(const char *s);

static const struct mail_address one_to[] = {{"Zoé Lefèvre", "zoe@example.org"}};

static int b64val(int c)
{
	const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(tab, c) : NULL;

	return p != NULL ? (int)(p - tab) : -1;
}

static char *b64_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t n = 0, i;
	unsigned acc = 0;
	int bits = 0, v;

	ck_assert_int_eq(len % 4, 0);
	for (i = 0; i < len && s[i] != '='; i++) {
		v = b64val((unsigned char)s[i]);
		ck_assert_int_ge(v, 0);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	return out;
}

/* Decode RFC 2047 B words (dropping white space between adjacent words); every word must be
 * at most 75 characters and decode to whole UTF-8 characters on its own. */
static char *decode_words(const char *v)
{
	size_t cap = strlen(v) * 2 + 1, n = 0;
	char *out = xmalloc(cap);
	const char *p = v, *end;
	bool prev_word = false;

	while (*p != '\0') {
		if (strncmp(p, "=?UTF-8?B?", 10) == 0 && (end = strstr(p + 10, "?=")) != NULL) {
			char *dec;

			ck_assert_int_le(end + 2 - p, 75);
			dec = b64_decode(p + 10, (size_t)(end - (p + 10)));
			ck_assert_msg(utf8_valid(dec, strlen(dec)), "word splits a character");
			memcpy(out + n, dec, strlen(dec));
			n += strlen(dec);
			free(dec);
			p = end + 2;
			prev_word = true;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			const char *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (prev_word && strncmp(q, "=?UTF-8?B?", 10) == 0) {
				p = q; /* linear white space between encoded words */
				continue;
			}
		}
		prev_word = false;
		out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

/* Split header block and body, unfold, check line lengths, decode the QP body. */
static void parse_message(const char *msg, struct parsed *out)
{
	const char *sep = strstr(msg, "\n\n"), *p, *line, *nl;
	char *hdr, *h, *save = NULL, *bp;
	size_t blen;

	memset(out, 0, sizeof *out);
	ck_assert_ptr_nonnull(sep);
	ck_assert_ptr_null(strchr(msg, '\r'));
	hdr = xstrndup(msg, (size_t)(sep - msg) + 1);
	/* Physical lines of the header: at most 78 characters, none empty or blank. */
	for (line = hdr; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - line <= 78, "header line of %d chars", (int)(nl - line));
		ck_assert_int_gt(strspn(line, " \t"), -1);
		ck_assert_msg((size_t)(nl - line) > strspn(line, " \t"), "blank header line");
	}
	/* Unfold: a line end followed by white space is removed. */
	for (h = hdr, bp = hdr; *h != '\0'; h++) {
		if (*h == '\n' && (h[1] == ' ' || h[1] == '\t'))
			continue;
		*bp++ = *h;
	}
	*bp = '\0';
	for (h = strtok_r(hdr, "\n", &save); h != NULL; h = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(h, ':');

		ck_assert_ptr_nonnull(colon);
		ck_assert_int_lt(out->count, MAX_FIELDS);
		ck_assert_msg(colon[1] == ' ' || colon[1] == '\0', "field without space: %s", h);
		out->names[out->count] = xstrndup(h, (size_t)(colon - h));
		out->values[out->count] = xstrdup(colon[1] == ' ' ? colon + 2 : colon + 1);
		out->count++;
	}
	free(hdr);

	/* Quoted-printable body: lines of at most 76 characters. */
	p = sep + 2;
	blen = strlen(p);
	out->body = xmalloc(blen + 1);
	bp = out->body;
	for (line = p; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		ck_assert_msg(nl != NULL, "body does not end with a line end");
		ck_assert_int_le(nl - line, 76);
	}
	while (*p != '\0') {
		if (p[0] == '=' && p[1] == '\n') {
			p += 2;
		} else if (p[0] == '=') {
			char hex[3] = {p[1], p[2], '\0'};

			ck_assert(strchr("0123456789ABCDEF", p[1]) &&
				  strchr("0123456789ABCDEF", p[2]));
			*bp++ = (char)strtol(hex, NULL, 16);
			p += 3;
		} else {
			if (*p == ' ' || *p == '\t')
				ck_assert_msg(p[1] != '\n', "unencoded trailing white space");
			ck_assert_msg(*p == '\n' || *p == ' ' || *p == '\t' ||
					  ((unsigned char)*p > 32 && (unsigned char)*p < 127),
				      "raw byte 0x%02x in body", (unsigned char)*p);
			*bp++ = *p++;
		}
	}
	*bp = '\0';
}

static void parsed_free(struct parsed *p)
{
	for (int i = 0; i < p->count; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->body);
}

static const char *field(const struct parsed *p, const char *name)
{
	for (int i = 0; i < p->count; i++)
		if (strcasecmp(p->names[i], name) == 0)
			return p->values[i];
	return NULL;
}

/* Exactly the expected fields, in order, each once: nothing injected. */
static void check_fields(const struct parsed *p)
{
	ck_assert_int_eq(p->count, (int)ARRAY_LEN(expected_fields));
	for (size_t i = 0; i < ARRAY_LEN(expected_fields); i++)
		ck_assert_str_eq(p->names[i], expected_fields[i]);
	ck_assert_str_eq(field(p, "MIME-Version"), "1.0");
	ck_assert_str_eq(field(p, "Content-Type"), "text/plain; charset=UTF-8");
	ck_assert_str_eq(field(p, "Content-Transfer-Encoding"), "quoted-printable");
	ck_assert_str_eq(field(p, "Auto-Submitted"), "auto-generated");
}

/* Display name (decoded) and address of one mailbox "name <addr>" or "addr". */
static char *mailbox_display(const char *mb, char **addr)
{
	const char *lt = strrchr(mb, '<'), *gt;
	char *raw, *name, *q;
	size_t len;

	while (*mb == ' ')
		mb++;
	if (lt == NULL) {
		*addr = xstrdup(mb);
		return xstrdup("");
	}
	gt = strchr(lt, '>');
	ck_assert_ptr_nonnull(gt);
	ck_assert_str_eq(gt + 1, "");
	*addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	len = (size_t)(lt - mb);
	while (len > 0 && mb[len - 1] == ' ')
		len--;
	raw = xstrndup(mb, len);
	if (raw[0] == '"') {
		ck_assert_int_eq(raw[len - 1], '"');
		name = xmalloc(len);
		for (q = name, len = 1; raw[len + 1] != '\0'; len++) {
			if (raw[len] == '\\')
				len++;
			*q++ = raw[len];
		}
		*q = '\0';
	} else
		name = decode_words(raw);
	free(raw);
	return name;
}

static char *render_ok(const struct mail_message *m)
{
	char *cause = NULL, *out = mail_render(m, &cause);

	ck_assert_msg(out != NULL, "render failed: %s", cause);
	return out;
}

static struct mail_message sample(void)
{
	struct mail_message m = {
	    .id = 42,
	    .kind = "reminder",
	    .from = {"Suivi", "suivi@example.org"},
	    .to = one_to,
	    .to_count = 1,
	    .subject = "Reminder",
	    .body = "Hello\n",
	    .dedup_key = "reminder:zoe:2026-11-22",
	    .created = 1795371147, /* 2026-11-22 18:12:27 UTC, a Sunday */
	};
	return m;
}

static char *strip_cr(const char *s)
{
	char *out = xstrdup(s), *w = out;

	for (; *s != '\0'; s++)
		if (!(*s == '\r' && s[1] == '\n'))
			*w++ = *s;
	*w = '\0';
	return out;
}

START_TEST(test_french_round_trip)
{
	/* ’ typographic apostrophe, U+00A0 no-break space, U+202F narrow no-break space. */
	const char *subject = "Rappel\xe2\x80\xaf: 3 recommandations arrivent \xc3\xa0 "
			      "\xc3\xa9"
			      "ch\xc3\xa9"
			      "ance \xe2\x80\x94 l\xe2\x80\x99\xc3\xa9quipe "
			      "de Gen\xc3\xa8ve\xc2\xa0!";
	const char *body =
	    "Bonjour Zo\xc3\xa9,\n\nVoici l\xe2\x80\x99\xc3\xa9tat de vos "
	    "recommandations\xc2\xa0:\n"
	    "\t\xe2\x80\xa2 R-12 \xc2\xab\xc2\xa0"
	    "Am\xc3\xa9liorer la coordination\xc2\xa0\xc2\xbb "
	    "\xc3\xa9"
	    "ch\xc3\xa9"
	    "ance le 2026-12-01 \xe2\x80\x94 une tr\xc3\xa8s longue ligne qui "
	    "d\xc3\xa9passe largement soixante-seize caract\xc3\xa8res pour forcer une coupure\n"
	    "Ligne avec espaces finaux   \n"
	    "From here, a line starting with From\n"
	    ".\n"
	    "a=b, 100 % s\xc3\xbbr\t\n"
	    "Fin sans saut de ligne \xc5\x93uvre";
	struct mail_address from = {"Suivi \xe2\x80\x94 Secr\xc3\xa9tariat", "suivi@example.org"};
	struct mail_message m = sample();
	struct parsed p;
	char *out, *subj, *name, *addr;

	m.from = from;
	m.subject = subject;
	m.body = body;
	out = render_ok(&m);
	parse_message(out, &p);
	check_fields(&p);

	subj = decode_words(field(&p, "Subject"));
	ck_assert_str_eq(subj, subject);
	ck_assert_ptr_nonnull(strstr(field(&p, "Subject"), "=?UTF-8?B?"));
	name = mailbox_display(field(&p, "From"), &addr);
	ck_assert_str_eq(name, from.name);
	ck_assert_str_eq(addr, "suivi@example.org");
	free(name);
	free(addr);
	name = mailbox_display(field(&p, "To"), &addr);
	ck_assert_str_eq(name, "Zo\xc3\xa9 Lef\xc3\xa8vre");
	ck_assert_str_eq(addr, "zoe@example.org");
	ck_assert_str_eq(p.body, body);
	/* The body's "From " and "." lines are protected on the wire. */
	ck_assert_ptr_nonnull(strstr(out, "\n=46rom here"));
	ck_assert_ptr_nonnull(strstr(out, "\n=2E\n"));

	free(name);
	free(addr);
	free(subj);
	parsed_free(&p);
	free(out);
}
END_TEST

START_TEST(test_long_subjects)
{
	struct mail_message m = sample();
	struct parsed p;
	char *long_fr = xstrdup(""), *long_ascii = xstrdup(""), *emoji = xstrdup(""), *tmp;
	const char *subjects[4];

	for (int i = 0; i < 40; i++) {
		tmp = xasprintf("%sR\xc3\xa9union n\xc2\xb0%d\xc2\xa0: l\xe2\x80\x99\xc3\xa9tat ",
				long_fr, i);
		free(long_fr);
		long_fr = tmp;
		tmp = xasprintf("%sOverdue item number %d of the meeting ", long_ascii, i);
		free(long_ascii);
		long_ascii = tmp;
		tmp = xasprintf("%s\xf0\x9f\x93\x85\xe2\x80\x99", emoji);
		free(emoji);
		emoji = tmp;
	}
	subjects[0] = long_fr;
	subjects[1] = long_ascii;
	subjects[2] = emoji;
	/* One ASCII "word" longer than a line: cannot be folded, so it is encoded. */
	subjects[3] = "https://example.org/v1/recommendations?owner=zoe&status=open&sort=due_date"
		      "&page=1234567890";
	for (size_t i = 0; i < ARRAY_LEN(subjects); i++) {
		char *out, *subj;

		m.subject = subjects[i];
		out = render_ok(&m);
		parse_message(out, &p); /* checks lines <= 78 and words <= 75 */
		check_fields(&p);
		subj = decode_words(field(&p, "Subject"));
		ck_assert_str_eq(subj, subjects[i]);
		free(subj);
		parsed_free(&p);
		free(out);
	}
	/* The long ASCII subject is folded, not encoded. */
	m.subject = long_ascii;
	tmp = render_ok(&m);
	{
		char *subj_start = strstr(tmp, "\nSubject: Overdue item number 0 of the meeting");
		char *subj_end = subj_start != NULL ? strstr(subj_start, "\nDate: ") : NULL;

		ck_assert_ptr_nonnull(subj_end);
		*subj_end = '\0';
		ck_assert_ptr_null(strstr(subj_start, "=?"));
		ck_assert_ptr_nonnull(strstr(subj_start, "\n "));
	}
	free(tmp);
	free(long_fr);
	free(long_ascii);
	free(emoji);
}
END_TEST

START_TEST(test_injection_inert)
{
	static const char *const attacks[] = {
	    "x\r\nBcc: evil@example.org",
	    "x\nBcc: evil@example.org",
	    "x\rBcc: evil@example.org",
	    "x\r\n\r\nBody now",
	    "x\xc2\x85"
	    "Bcc: evil@example.org", /* NEL */
	    "x\xe2\x80\xa8"
	    "Bcc: evil@example.org", /* LINE SEPARATOR */
	    "=?UTF-8?B?eA0KQmNjOiBldmlsQGV4YW1wbGUub3Jn?=",
	};
	for (size_t i = 0; i < ARRAY_LEN(attacks); i++) {
		struct mail_address to[] = {{attacks[i], "zoe@example.org"}};
		struct mail_message m = sample();
		struct parsed p;
		char *out, *subj, *name, *addr, *body;

		m.from.name = attacks[i];
		m.to = to;
		m.subject = attacks[i];
		m.body = attacks[i];
		out = render_ok(&m);
		parse_message(out, &p);
		check_fields(&p);            /* no Bcc, nothing else */
		*strstr(out, "\n\n") = '\0'; /* the header block alone */
		ck_assert_ptr_null(strstr(out, "\nBcc"));
		ck_assert_ptr_null(strstr(out, "\nBody"));
		subj = decode_words(field(&p, "Subject"));
		ck_assert_ptr_null(strchr(subj, '\r'));
		ck_assert_ptr_null(strchr(subj, '\n'));
		if (i == 0)
			ck_assert_str_eq(subj, "x  Bcc: evil@example.org");
		if (i == ARRAY_LEN(attacks) - 1) /* looks encoded, but is taken literally */
			ck_assert_str_eq(subj, attacks[i]);
		name = mailbox_display(field(&p, "From"), &addr);
		ck_assert_str_eq(addr, "suivi@example.org");
		ck_assert_ptr_null(strpbrk(name, "\r\n"));
		free(name);
		free(addr);
		name = mailbox_display(field(&p, "To"), &addr);
		ck_assert_str_eq(addr, "zoe@example.org");
		free(name);
		free(addr);
		/* The body keeps its content (CRLF as LF), confined to the body. */
		body = strip_cr(attacks[i]);
		ck_assert_str_eq(p.body, body);
		free(body);
		free(subj);
		parsed_free(&p);
		free(out);
	}
}
END_TEST

START_TEST(test_bad_addresses_refused)
{
	static const char *const bad[] = {
	    "zoe@example.org\r\nBcc: evil@example.org",
	    "zoe@example.org\nBcc: evil@example.org",
	    "zoe@example.org, evil@example.org",
	    "zoe@example.org;evil@example.org",
	    "Zoe <zoe@example.org>",
	    "<zoe@example.org>",
	    "zoe@example.org>",
	    "zoe @example.org",
	    "zoe@exa mple.org",
	    "zoe@@example.org",
	    "zoe@example.org@evil.org",
	    "zoe\x01@example.org",
	    "zoe@example.org\x7f",
	    "zo\xc3\xa9@example.org",
	    "\"zoe\"@example.org",
	    "(comment)zoe@example.org",
	    "zoe@",
	    "@example.org",
	    "zoe",
	    "",
	    ".zoe@example.org",
	    "zoe.@example.org",
	    "zo..e@example.org",
	    "zoe@example..org",
	    "zoe@.example.org",
	    "zoe@example.org.",
	    "zoe@[127.0.0.1]",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct mail_address to[] = {{"Zoé", "ok@example.org"}, {"Zoé", bad[i]}};
		struct mail_message m = sample();
		char *cause = NULL;

		ck_assert_msg(!mail_address_valid(bad[i]), "valid: %s", bad[i]);
		m.to = to;
		m.to_count = 2;
		ck_assert_ptr_null(mail_render(&m, &cause));
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
		ck_assert_ptr_null(mail_render_json(&m, &cause));
		ck_assert_ptr_nonnull(cause);
		free(cause);
		cause = NULL;
		m = sample();
		m.from.addr = bad[i];
		ck_assert_ptr_null(mail_render(&m, &cause));
		ck_assert_ptr_nonnull(cause);
		free(cause);
	}
	ck_assert(mail_address_valid("zoe.lefevre+suivi@mail.example-org.be"));
	ck_assert(mail_address_valid("o'brien@example.org"));
}
END_TEST

START_TEST(test_headers_and_recipients)
{
	struct mail_address to[] = {
	    {"Dupont, \"Jean\" \\ Paul", "jean@example.org"},
	    {NULL, "plain@example.org"},
	    {"Ana", "ana@example.org"},
	    {"Quelqu\xe2\x80\x99un avec un nom vraiment tr\xc3\xa8s long pour tester le pliage",
	     "long.address.for.folding@subdomain.example.org"},
	};
	struct mail_message m = sample();
	struct parsed p;
	char hex[65], *expected_id, *out, *list, *item, *save = NULL, *name, *addr;
	size_t n = 0;

	m.to = to;
	m.to_count = ARRAY_LEN(to);
	out = render_ok(&m);
	parse_message(out, &p);
	check_fields(&p);
	ck_assert_str_eq(field(&p, "Date"), "Sun, 22 Nov 2026 18:12:27 +0000");
	sha256_hex(m.dedup_key, strlen(m.dedup_key), hex);
	expected_id = xasprintf("<%s@suivi>", hex);
	ck_assert_str_eq(field(&p, "Message-ID"), expected_id);
	ck_assert_str_eq(field(&p, "Subject"), "Reminder");
	ck_assert_str_eq(p.body, "Hello\n");

	/* Commas inside the quoted name must not split it: split on "," outside quotes. */
	list = xstrdup(field(&p, "To"));
	for (char *c = list, in_q = 0; *c != '\0'; c++) {
		if (*c == '\\' && in_q)
			c++;
		else if (*c == '"')
			in_q = !in_q;
		else if (*c == ',' && !in_q)
			*c = '\x1f';
	}
	for (item = strtok_r(list, "\x1f", &save); item != NULL;
	     item = strtok_r(NULL, "\x1f", &save), n++) {
		ck_assert_uint_lt(n, ARRAY_LEN(to));
		name = mailbox_display(item, &addr);
		ck_assert_str_eq(name, to[n].name != NULL ? to[n].name : "");
		ck_assert_str_eq(addr, to[n].addr);
		free(name);
		free(addr);
	}
	ck_assert_uint_eq(n, ARRAY_LEN(to));
	free(list);
	parsed_free(&p);
	free(out);

	/* The Message-ID depends on the dedup key only. */
	m.created += 3600;
	out = render_ok(&m);
	ck_assert_ptr_nonnull(strstr(out, expected_id));
	free(out);
	m.dedup_key = "reminder:zoe:2026-11-23";
	out = render_ok(&m);
	ck_assert_ptr_null(strstr(out, expected_id));
	free(out);
	free(expected_id);
}
END_TEST

START_TEST(test_body_edge_cases)
{
	static const char *const bodies[] = {
	    "",
	    "\n",
	    "no newline",
	    "=",
	    "= \n",
	    " \t \n",
	    "trailing tab\t",
	    "\x01\x02\x7f\xff",
	    "crlf\r\nline\r\n",
	    "lone\rcr",
	    ".\n.\n..",
	    "From \nFrom",
	    "\xc3\xa9\xc3\xa9",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=bbbbb"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 .From x",
	};
	for (size_t i = 0; i < ARRAY_LEN(bodies); i++) {
		struct mail_message m = sample();
		struct parsed p;
		char *out, *expect;

		m.body = bodies[i];
		out = render_ok(&m);
		parse_message(out, &p);
		check_fields(&p);
		expect = strip_cr(bodies[i]);
		ck_assert_str_eq(p.body, expect);
		free(expect);
		parsed_free(&p);
		free(out);
	}
}
END_TEST

START_TEST(test_invalid_utf8_refused)
{
	struct mail_message m = sample();
	char *cause = NULL;

	m.subject = "R\xe9union"; /* Latin-1, not UTF-8 */
	ck_assert_ptr_null(mail_render(&m, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	ck_assert_ptr_null(mail_render_json(&m, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
	cause = NULL;
	m = sample();
	m.from.name = "\xc0\xaf";
	ck_assert_ptr_null(mail_render(&m, &cause));
	ck_assert_ptr_nonnull(cause);
	free(cause);
}
END_TEST

/* [mail] reply_to: its own field after From, named, encoded and as inert as From. */
START_TEST(test_reply_to)
{
	static const char *const names[] = {
	    "\xc3\x89quipe \"suivi\", Gen\xc3\xa8ve", /* non-ASCII, a quote and a comma */
	    "Desk, Office (Geneva)",                  /* ASCII specials: quoted */
	    "x\r\nBcc: evil@example.org",             /* an injection attempt: inert */
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct mail_address reply = {names[i], "desk@example.org"};
		struct mail_message m = sample();
		struct parsed p;
		char *out, *name, *addr;

		m.from =
		    (struct mail_address){"Secr\xc3\xa9tariat du dialogue", "suivi@example.org"};
		m.reply_to = &reply;
		out = render_ok(&m);
		parse_message(out, &p);
		ck_assert_int_eq(p.count, (int)ARRAY_LEN(expected_fields) + 1);
		ck_assert_str_eq(p.names[0], "From");
		ck_assert_str_eq(p.names[1], "Reply-To");
		ck_assert_str_eq(p.names[2], "To");
		name = mailbox_display(field(&p, "From"), &addr);
		ck_assert_str_eq(name, "Secr\xc3\xa9tariat du dialogue");
		ck_assert_str_eq(addr, "suivi@example.org");
		free(name);
		free(addr);
		name = mailbox_display(field(&p, "Reply-To"), &addr);
		ck_assert_str_eq(addr, "desk@example.org");
		if (i < 2)
			ck_assert_str_eq(name, names[i]);
		else
			ck_assert_str_eq(name, "x  Bcc: evil@example.org");
		free(name);
		free(addr);
		*strstr(out, "\n\n") = '\0';
		ck_assert_ptr_null(strstr(out, "\nBcc"));
		parsed_free(&p);
		free(out);
	}

	/* Unset (NULL, or an empty address as the configuration gives): no field. */
	struct mail_address none = {"", ""};
	struct mail_message m = sample();
	struct parsed p;
	m.reply_to = &none;
	char *out = render_ok(&m);
	parse_message(out, &p);
	check_fields(&p);
	parsed_free(&p);
	free(out);

	/* A bad address is refused, naming the field. */
	struct mail_address bad = {"Desk", "desk@example.org\r\nBcc: evil@example.org"};
	char *cause = NULL;
	m.reply_to = &bad;
	ck_assert_ptr_null(mail_render(&m, &cause));
	ck_assert_ptr_nonnull(strstr(cause, "Reply-To"));
	free(cause);
}
END_TEST

/* A display name too long for one encoded word is cut after a space, never inside a word:
 * readers that keep the white space between encoded words (Python's email package in a
 * display name) would otherwise show "Drug Action Program me". */
START_TEST(test_long_name_cut_between_words)
{
	static const char *const names[] = {
	    "CADAP \xe2\x80\x94 Central Asia Drug Action Programme",
	    "CARICC \xe2\x80\x94 Central Asian Regional Information and Coordination Centre",
	    "ONUDC / UNODC \xe2\x80\x94 Office des Nations unies contre la drogue et le crime",
	};
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		struct mail_address to[] = {{names[i], "x@example.org"}};
		struct mail_message m = sample();
		struct parsed p;
		m.to = to;
		char *out = render_ok(&m);
		parse_message(out, &p);
		char *name, *addr;
		name = mailbox_display(field(&p, "To"), &addr);
		ck_assert_str_eq(name, names[i]);
		free(name);
		free(addr);
		int words = 0;
		for (const char *w = strstr(field(&p, "To"), "=?UTF-8?B?"); w != NULL;
		     w = strstr(w, "=?UTF-8?B?")) {
			w += strlen("=?UTF-8?B?");
			const char *end = strstr(w, "?=");
			ck_assert_ptr_nonnull(end);
			char *text = b64_decode(w, (size_t)(end - w));
			bool last = strstr(end, "=?UTF-8?B?") == NULL;
			ck_assert_msg(last || text[strlen(text) - 1] == ' ',
				      "word %d \"%s\" of \"%s\" ends inside a word", words, text,
				      names[i]);
			free(text);
			words++;
		}
		ck_assert_int_ge(words, 2);
		parsed_free(&p);
		free(out);
	}
}
END_TEST

START_TEST(test_json)
{
	struct mail_address to[] = {{"Zoé", "zoe@example.org"}, {NULL, "ana@example.org"}};
	struct mail_message m = sample();
	json_error_t err;
	json_t *root;
	char *cause = NULL, *out;
	json_int_t id;
	const char *kind, *key, *from, *subject, *body, *created, *to0, *to1;

	m.to = to;
	m.to_count = 2;
	m.subject = "x\r\nBcc: evil@example.org \xe2\x80\x99";
	m.body = "Bonjour\nl\xe2\x80\x99\xc3\xa9quipe\n";
	out = mail_render_json(&m, &cause);
	ck_assert_msg(out != NULL, "%s", cause);
	ck_assert_ptr_null(strchr(out, '\n')); /* one line */
	root = json_loads(out, JSON_REJECT_DUPLICATES, &err);
	ck_assert_msg(root != NULL, "%s", err.text);
	ck_assert_int_eq(json_unpack(root, "{s:I, s:s, s:s, s:s, s:[ss!], s:s, s:s, s:s !}", "id",
				     &id, "kind", &kind, "dedup_key", &key, "from", &from, "to",
				     &to0, &to1, "subject", &subject, "body", &body, "created_at",
				     &created),
			 0);
	ck_assert_int_eq(id, 42);
	ck_assert_str_eq(kind, "reminder");
	ck_assert_str_eq(key, "reminder:zoe:2026-11-22");
	ck_assert_str_eq(from, "suivi@example.org");
	ck_assert_str_eq(to0, "zoe@example.org");
	ck_assert_str_eq(to1, "ana@example.org");
	ck_assert_str_eq(subject, m.subject); /* JSON escapes it: kept as is */
	ck_assert_str_eq(body, m.body);
	ck_assert_str_eq(created, "2026-11-22T18:12:27Z");
	json_decref(root);
	free(out);
}
END_TEST

Suite *make_mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("mail");

	tcase_add_test(tc, test_french_round_trip);
	tcase_add_test(tc, test_long_subjects);
	tcase_add_test(tc, test_injection_inert);
	tcase_add_test(tc, test_bad_addresses_refused);
	tcase_add_test(tc, test_headers_and_recipients);
	tcase_add_test(tc, test_body_edge_cases);
	tcase_add_test(tc, test_invalid_utf8_refused);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_reply_to);
	tcase_add_test(tc, test_long_name_cut_between_words);
	suite_add_tcase(s, tc);
	return s;
}
