/* inbound.c — an inbound message through GMime (and libxml2 for HTML-only text). */
#include "suivi-config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "import/import-buf.h"
#include "import/inbound.h"
#include "utf8.h"
#include "util.h"

struct walk {
	int parts;
	bool too_many;
	GMimePart *plain;
	GMimePart *html;
};

static void walk_object(GMimeObject *o, int depth, struct walk *w);
static char *part_text(GMimePart *part, char **cause);
static char *html_text(const char *html, size_t len);
static void html_walk(xmlNode *n, struct import_buf *b);
static void add_addresses(struct inbound_message *m, InternetAddressList *list);
static void add_header_addresses(struct inbound_message *m, GMimeObject *o, const char *name);
static char *lower_dup(const char *s);

void inbound_init(void)
{
	g_mime_init();
}

void inbound_shutdown(void)
{
	g_mime_shutdown();
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

/* Count every part and find the first text/plain and text/html leaves; attached messages
 * (message/rfc822) are quoted mail, not the owner's words, and are not entered. */
static void walk_object(GMimeObject *o, int depth, struct walk *w)
{
	if (++w->parts > INBOUND_MAX_PARTS || depth > INBOUND_MAX_DEPTH) {
		w->too_many = true;
		return;
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n && !w->too_many; i++)
			walk_object(g_mime_multipart_get_part(mp, i), depth + 1, w);
		return;
	}
	if (!GMIME_IS_TEXT_PART(o))
		return;
	GMimeContentDisposition *cd = g_mime_object_get_content_disposition(o);
	if (cd != NULL && g_mime_content_disposition_is_attachment(cd))
		return;
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	if (g_mime_content_type_is_type(ct, "text", "plain") && w->plain == NULL)
		w->plain = GMIME_PART(o);
	else if (g_mime_content_type_is_type(ct, "text", "html") && w->html == NULL)
		w->html = GMIME_PART(o);
}

/* The part's content decoded (transfer encoding) and converted to UTF-8 from its charset;
 * NULL with a cause when it cannot be, or holds a NUL. */
static char *part_text(GMimePart *part, char **cause)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	if (content == NULL)
		return xstrdup("");
	GMimeStream *mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, mem);
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	const char *charset =
	    g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	char *out = NULL;
	if (charset == NULL || g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	    g_ascii_strcasecmp(charset, "us-ascii") == 0) {
		if (utf8_valid((const char *)bytes->data, bytes->len))
			out = xstrndup((const char *)bytes->data, bytes->len);
	} else {
		gsize written = 0;
		GError *err = NULL;
		gchar *conv = g_convert((const gchar *)bytes->data, (gssize)bytes->len, "UTF-8",
					charset, NULL, &written, &err);
		if (conv != NULL) {
			out = xstrndup(conv, written);
			if (strlen(out) != written) { /* a NUL inside */
				free(out);
				out = NULL;
			}
		}
		if (err != NULL)
			g_error_free(err);
		g_free(conv);
	}
	if (out != NULL && strlen(out) != bytes->len &&
	    (charset == NULL || g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	     g_ascii_strcasecmp(charset, "us-ascii") == 0)) {
		free(out); /* a NUL byte: refused rather than cut */
		out = NULL;
	}
	if (out == NULL)
		set_cause(cause, "the message's text is not valid %s, or holds a NUL byte",
			  charset != NULL ? charset : "UTF-8");
	g_object_unref(mem);
	return out;
}

/* Text of an HTML document: block elements end lines; quotes (<blockquote>, Gmail's
 * gmail_quote, Outlook's divRplyFwdMsg and what follows it) are left out. */
static void html_walk(xmlNode *n, struct import_buf *b)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL) {
			const char *t = (const char *)n->content;
			import_buf_add(b, t, strlen(t));
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
		xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
		bool quote = strcasecmp(name, "blockquote") == 0 ||
			     strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0 ||
			     strcasecmp(name, "head") == 0 ||
			     (cls != NULL && strstr((const char *)cls, "gmail_quote") != NULL) ||
			     (id != NULL && (strcmp((const char *)id, "divRplyFwdMsg") == 0 ||
					     strcmp((const char *)id, "appendonsend") == 0));
		bool stop = id != NULL && strcmp((const char *)id, "divRplyFwdMsg") == 0;
		xmlFree(cls);
		xmlFree(id);
		if (stop)
			return; /* Outlook: the quoted message follows, to the end */
		if (quote)
			continue;
		bool block =
		    strcasecmp(name, "p") == 0 || strcasecmp(name, "div") == 0 ||
		    strcasecmp(name, "br") == 0 || strcasecmp(name, "li") == 0 ||
		    strcasecmp(name, "tr") == 0 ||
		    (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0');
		html_walk(n->children, b);
		if (block)
			import_buf_add(b, "\n", 1);
	}
}

static char *html_text(const char *html, size_t len)
{
	htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
					HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					    HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
	struct import_buf b = {0};
	if (doc != NULL)
		html_walk(xmlDocGetRootElement(doc), &b);
	xmlFreeDoc(doc);
	char *out = import_buf_take(&b);
	return out != NULL ? out : xstrdup("");
}

static void add_addresses(struct inbound_message *m, InternetAddressList *list)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;
	for (int i = 0; i < n && m->n_recipients < INBOUND_MAX_RECIPIENTS; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			add_addresses(
			    m, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)));
			continue;
		}
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
		if (addr != NULL && addr[0] != '\0')
			m->recipients[m->n_recipients++] = lower_dup(addr);
	}
}

/* Delivered-To and X-Original-To: where the MTA delivered it (every such header). */
static void add_header_addresses(struct inbound_message *m, GMimeObject *o, const char *name)
{
	GMimeHeaderList *headers = g_mime_object_get_header_list(o);
	int n = g_mime_header_list_get_count(headers);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(headers, i);
		if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
			continue;
		InternetAddressList *list =
		    internet_address_list_parse(NULL, g_mime_header_get_value(h));
		add_addresses(m, list);
		if (list != NULL)
			g_object_unref(list);
	}
}

int inbound_parse(const char *data, size_t len, struct inbound_message *out, char **cause)
{
	memset(out, 0, sizeof *out);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	struct walk w = {0};
	int rc = -1;

	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL) {
		set_cause(cause, "not an RFC 5322 message");
		return -1;
	}
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *first = from != NULL && internet_address_list_length(from) > 0
				     ? internet_address_list_get_address(from, 0)
				     : NULL;
	if (first == NULL || !INTERNET_ADDRESS_IS_MAILBOX(first)) {
		set_cause(cause, "the message has no From address");
		goto out;
	}
	out->from = lower_dup(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(first)));
	const char *mid = g_mime_message_get_message_id(msg);
	out->message_id = xstrdup(mid != NULL ? mid : "");
	const char *subject = g_mime_message_get_subject(msg);
	out->subject =
	    xstrdup(subject != NULL && g_utf8_validate(subject, -1, NULL) ? subject : "");
	out->recipients = xcalloc(INBOUND_MAX_RECIPIENTS, sizeof *out->recipients);
	add_addresses(out, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO));
	add_addresses(out, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC));
	add_header_addresses(out, GMIME_OBJECT(msg), "Delivered-To");
	add_header_addresses(out, GMIME_OBJECT(msg), "X-Original-To");

	GMimeObject *body = g_mime_message_get_mime_part(msg);
	if (body != NULL)
		walk_object(body, 0, &w);
	if (w.too_many) {
		set_cause(cause,
			  "the message has more than %d MIME parts or is nested deeper "
			  "than %d levels",
			  INBOUND_MAX_PARTS, INBOUND_MAX_DEPTH);
		goto out;
	}
	if (w.plain != NULL) {
		out->text = part_text(w.plain, cause);
	} else if (w.html != NULL) {
		char *html = part_text(w.html, cause);
		if (html != NULL)
			out->text = html_text(html, strlen(html));
		free(html);
	} else {
		set_cause(cause, "the message has no text part");
		goto out;
	}
	if (out->text != NULL)
		rc = 0;
out:
	g_object_unref(msg);
	if (rc != 0)
		inbound_free(out);
	return rc;
}

void inbound_free(struct inbound_message *m)
{
	free(m->message_id);
	free(m->from);
	free(m->subject);
	for (size_t i = 0; i < m->n_recipients; i++)
		free(m->recipients[i]);
	free(m->recipients);
	free(m->text);
	memset(m, 0, sizeof *m);
}
