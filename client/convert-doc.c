/* convert-doc.c — .docx, .odt and HTML into minutes text with libarchive and libxml2. Linked
 * into suivi-convert (and the fuzzer) only, never into suivi: the parsing of a file that came
 * from outside runs in its own short-lived process. The rules are in convert.h. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "convert.h"
#include "utf8.h"
#include "util.h"

/* The paragraphs gathered so far: "- " items, "# " headings, plain lines. */
struct out {
	char *s;
	size_t len, cap;
	char *para; /* the paragraph being gathered, white space collapsed */
	size_t plen, pcap;
	const char *prefix; /* what the next paragraph starts with */
	bool list_pending;  /* an ODF list item whose first paragraph is still to come */
	bool too_deep;
};

static void add(char **s, size_t *len, size_t *cap, const char *p, size_t n);
static void para_text(struct out *o, const char *p);
static void para_end(struct out *o);
static char *unzip_member(const char *name, const char *data, size_t len, const char *member,
			  char **cause);
static void walk_docx(struct out *o, xmlNode *n, int depth);
static void walk_odt(struct out *o, xmlNode *n, int depth);
static void walk_html(struct out *o, xmlNode *n, int depth);
static bool is(const xmlNode *n, const char *name);

char *convert_document(enum convert_kind kind, const char *name, const char *data, size_t len,
		       char **cause)
{
	struct out o = {0};
	char *xml = NULL;
	xmlDoc *doc = NULL;
	const int xopts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;

	if (len > CONVERT_MAX_FILE) {
		set_cause(cause, "%s is larger than %d MB", name, CONVERT_MAX_FILE >> 20);
		return NULL;
	}
	if (kind == CONVERT_DOCX || kind == CONVERT_ODT) {
		const char *member = kind == CONVERT_DOCX ? "word/document.xml" : "content.xml";
		xml = unzip_member(name, data, len, member, cause);
		if (xml == NULL)
			return NULL;
		doc = xmlReadMemory(xml, (int)strlen(xml), member, NULL, xopts);
	} else {
		/* Pages without a charset are UTF-8 when they are valid UTF-8; libxml2 would
		 * take them for Latin-1. */
		size_t head = len < 4096 ? len : 4096;
		bool declared = memmem(data, head, "charset", 7) != NULL;
		doc = htmlReadMemory(data, (int)len, NULL,
				     !declared && utf8_valid(data, len) ? "UTF-8" : NULL,
				     HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	}
	free(xml);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		set_cause(cause, "%s is damaged: its %s cannot be read", name,
			  kind == CONVERT_HTML ? "HTML" : "XML content");
		xmlFreeDoc(doc);
		return NULL;
	}
	xmlNode *root = xmlDocGetRootElement(doc);
	if (kind == CONVERT_DOCX)
		walk_docx(&o, root, 0);
	else if (kind == CONVERT_ODT)
		walk_odt(&o, root, 0);
	else
		walk_html(&o, root, 0);
	para_end(&o);
	xmlFreeDoc(doc);
	free(o.para);
	if (o.too_deep) {
		free(o.s);
		set_cause(cause, "%s nests its elements more than %d deep", name,
			  CONVERT_MAX_DEPTH);
		return NULL;
	}
	if (o.s == NULL) {
		set_cause(cause, "%s has no text", name);
		return NULL;
	}
	return o.s;
}

/* The member of a zip as a NUL-terminated string, bounded (entries, expanded size). */
static char *unzip_member(const char *name, const char *data, size_t len, const char *member,
			  char **cause)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int entries = 0, r;
	bool found = false;

	archive_read_support_format_zip(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK)
		goto damaged;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (++entries > CONVERT_MAX_ENTRIES) {
			set_cause(cause, "%s holds more than %d files: not a document", name,
				  CONVERT_MAX_ENTRIES);
			goto fail;
		}
		if (archive_entry_is_encrypted(e)) {
			set_cause(cause,
				  "%s is encrypted (password-protected): save it without a "
				  "password first",
				  name);
			goto fail;
		}
		if (found || strcmp(archive_entry_pathname(e), member) != 0)
			continue;
		found = true;
		char chunk[65536];
		ssize_t got;
		while ((got = archive_read_data(a, chunk, sizeof chunk)) > 0) {
			if (n + (size_t)got > CONVERT_MAX_XML) {
				set_cause(cause,
					  "%s expands beyond %d MB (%s): refused as a zip bomb",
					  name, CONVERT_MAX_XML >> 20, member);
				goto fail;
			}
			add(&buf, &n, &cap, chunk, (size_t)got);
		}
		if (got < 0)
			goto damaged;
	}
	if (r != ARCHIVE_EOF)
		goto damaged;
	archive_read_free(a);
	if (!found) {
		set_cause(cause, "%s has no %s: not a %s document", name, member,
			  strcmp(member, "content.xml") == 0 ? "OpenDocument text" : "Word");
		free(buf);
		return NULL;
	}
	if (buf == NULL)
		buf = xstrdup("");
	return buf;
damaged:
	set_cause(cause, "%s is a damaged zip archive (%s)", name,
		  archive_error_string(a) != NULL ? archive_error_string(a) : "unreadable");
	/* libarchive's messages may span lines: the sentence must not. */
	for (char *p = *cause; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
fail:
	archive_read_free(a);
	free(buf);
	return NULL;
}

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The text of a Word paragraph's runs: w:t, tabs and breaks as spaces; deleted text and
 * field codes left out. */
static void docx_text(struct out *o, xmlNode *n, int depth)
{
	if (depth > CONVERT_MAX_DEPTH) {
		o->too_deep = true;
		return;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (is(c, "t")) {
			xmlChar *t = xmlNodeGetContent(c);
			para_text(o, (const char *)t);
			xmlFree(t);
		} else if (is(c, "tab") || is(c, "br") || is(c, "cr")) {
			para_text(o, " ");
		} else if (!is(c, "delText") && !is(c, "instrText") && !is(c, "pPr")) {
			docx_text(o, c, depth + 1);
		}
	}
}

static void walk_docx(struct out *o, xmlNode *n, int depth)
{
	if (depth > CONVERT_MAX_DEPTH) {
		o->too_deep = true;
		return;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (!is(c, "p")) {
			if (c->type == XML_ELEMENT_NODE)
				walk_docx(o, c, depth + 1);
			continue;
		}
		/* A list: Word numbering (w:numPr) or a List style; a heading: its style. */
		for (xmlNode *pr = c->children; pr != NULL; pr = pr->next) {
			if (!is(pr, "pPr"))
				continue;
			for (xmlNode *k = pr->children; k != NULL; k = k->next) {
				if (is(k, "numPr"))
					o->prefix = "- ";
				if (!is(k, "pStyle"))
					continue;
				xmlChar *v = xmlGetProp(k, (const xmlChar *)"val");
				const char *s = v != NULL ? (const char *)v : "";
				if (strncasecmp(s, "heading", 7) == 0 ||
				    strncasecmp(s, "titre", 5) == 0 || strcasecmp(s, "title") == 0)
					o->prefix = "# ";
				else if (strstr(s, "List") != NULL || strstr(s, "Liste") != NULL)
					o->prefix = "- ";
				xmlFree(v);
			}
		}
		docx_text(o, c, depth + 1);
		para_end(o);
	}
}

/* ODF text: text nodes, text:s and text:tab as a space, notes and annotations left out. */
static void odt_text(struct out *o, xmlNode *n, int depth)
{
	if (depth > CONVERT_MAX_DEPTH) {
		o->too_deep = true;
		return;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE)
			para_text(o, (const char *)c->content);
		else if (is(c, "s") || is(c, "tab") || is(c, "line-break"))
			para_text(o, " ");
		else if (!is(c, "note") && !is(c, "annotation"))
			odt_text(o, c, depth + 1);
	}
}

static void walk_odt(struct out *o, xmlNode *n, int depth)
{
	if (depth > CONVERT_MAX_DEPTH) {
		o->too_deep = true;
		return;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (is(c, "p") || is(c, "h")) {
			if (o->list_pending)
				o->prefix = "- ";
			else if (is(c, "h"))
				o->prefix = "# ";
			o->list_pending = false;
			odt_text(o, c, depth + 1);
			para_end(o);
		} else if (is(c, "list-item")) {
			o->list_pending = true;
			walk_odt(o, c, depth + 1);
			o->list_pending = false;
		} else if (c->type == XML_ELEMENT_NODE && !is(c, "automatic-styles") &&
			   !is(c, "font-face-decls") && !is(c, "annotation")) {
			walk_odt(o, c, depth + 1);
		}
	}
}

/* HTML: block elements end paragraphs, <li> items, <h1>…<h6> headings; what a browser does
 * not show, and a page's navigation, header, footer and forms, are left out. */
static void walk_html(struct out *o, xmlNode *n, int depth)
{
	static const char *const skip[] = {"script", "style",  "head",   "noscript", "template",
					   "nav",    "header", "footer", "aside",    "form",
					   "button", "select", "svg",    "iframe"};
	static const char *const blocks[] = {
	    "p",  "div", "br", "tr",      "table",   "ul",         "ol",   "dl",     "dt",
	    "dd", "pre", "hr", "section", "article", "blockquote", "main", "figure", "td"};

	if (depth > CONVERT_MAX_DEPTH) {
		o->too_deep = true;
		return;
	}
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE) {
			para_text(o, (const char *)c->content);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)c->name;
		bool skipped = false, block = false;
		for (size_t i = 0; i < ARRAY_LEN(skip) && !skipped; i++)
			skipped = strcasecmp(name, skip[i]) == 0;
		if (skipped)
			continue;
		for (size_t i = 0; i < ARRAY_LEN(blocks) && !block; i++)
			block = strcasecmp(name, blocks[i]) == 0;
		bool li = strcasecmp(name, "li") == 0;
		bool heading = (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
			       name[1] <= '6' && name[2] == '\0';
		if (block || li || heading) {
			para_end(o);
			if (li)
				o->prefix = "- ";
			else if (heading)
				o->prefix = "# ";
		}
		walk_html(o, c, depth + 1);
		if (block || li || heading)
			para_end(o);
	}
}

/* Add text to the paragraph, every run of white space one space. */
static void para_text(struct out *o, const char *p)
{
	for (; p != NULL && *p != '\0'; p++) {
		bool space =
		    *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v';
		if (space) {
			if (o->plen > 0 && o->para[o->plen - 1] != ' ')
				add(&o->para, &o->plen, &o->pcap, " ", 1);
		} else {
			add(&o->para, &o->plen, &o->pcap, p, 1);
		}
	}
}

/* The paragraph as one line, its prefix first, then a blank line. */
static void para_end(struct out *o)
{
	while (o->plen > 0 && o->para[o->plen - 1] == ' ')
		o->plen--;
	size_t start = o->plen > 0 && o->para[0] == ' ' ? 1 : 0;
	if (o->plen > start) {
		if (o->prefix != NULL)
			add(&o->s, &o->len, &o->cap, o->prefix, strlen(o->prefix));
		add(&o->s, &o->len, &o->cap, o->para + start, o->plen - start);
		add(&o->s, &o->len, &o->cap, "\n\n", 2);
		o->prefix = NULL;
	}
	o->plen = 0;
}

static void add(char **s, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t c = *cap == 0 ? 256 : *cap;
		while (c < *len + n + 1)
			c *= 2;
		*s = xrealloc(*s, c);
		*cap = c;
	}
	memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
}
