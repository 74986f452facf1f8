/* confirm.c — the confirmation of a reply by mail, in English or French. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/confirm.h"
#include "util.h"

#define NBSP "\xc2\xa0"

struct out {
	char *s;
	size_t len;
};

static void put(struct out *o, const char *fmt, ...) PRINTFLIKE(2, 3);
static void put_line_text(struct out *o, const char *s);
static const char *str(const json_t *o, const char *key);

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	size_t n = strlen(piece);
	o->s = xrealloc(o->s, o->len + n + 1);
	memcpy(o->s + o->len, piece, n + 1);
	o->len += n;
	free(piece);
}

/* Text from the message or the database on one line: controls become spaces, so that it
 * cannot forge the confirmation's layout. */
static void put_line_text(struct out *o, const char *s)
{
	char *copy = xstrdup(s);
	for (char *p = copy; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	put(o, "%s", copy);
	free(copy);
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

char *confirm_subject(const char *subject, enum report_lang lang)
{
	char *clean = xstrdup(subject != NULL ? subject : "");
	for (char *p = clean; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	char *s = lang == REPORT_FR ? xasprintf("Suivi" NBSP ": votre réponse — %s", clean)
				    : xasprintf("suivi: your reply — %s", clean);
	free(clean);
	return s;
}

char *confirm_body(const json_t *outcome, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	const json_t *results = json_object_get(outcome, "results");
	const json_t *unknown = json_object_get(outcome, "not_understood");
	struct out o = {0};
	size_t i, ok = 0, refused = 0;
	json_t *r;

	json_array_foreach (results, i, r) {
		if (json_is_true(json_object_get(r, "ok")))
			ok++;
		else
			refused++;
	}
	put(&o, fr ? "Bonjour,\n\nNous avons bien reçu votre réponse.\n"
		   : "Hello,\n\nWe received your reply.\n");
	if (ok > 0) {
		put(&o, fr ? "\nEnregistré (%zu)\n" : "\nRecorded (%zu)\n", ok);
		json_array_foreach (results, i, r) {
			if (!json_is_true(json_object_get(r, "ok")))
				continue;
			/* The status as the owner reads it, in its language. */
			const char *label = str(json_object_get(r, "labels"), fr ? "fr" : "en");
			if (strcmp(str(r, "action"), "status") == 0)
				put(&o, fr ? "  %s — nouvel état" NBSP ": %s\n" : "  %s — now %s\n",
				    str(r, "ref"), label[0] != '\0' ? label : str(r, "status"));
			else
				put(&o,
				    fr ? "  %s — commentaire ajouté\n" : "  %s — comment added\n",
				    str(r, "ref"));
		}
	}
	if (refused > 0) {
		put(&o, fr ? "\nNon enregistré (%zu)\n" : "\nNot recorded (%zu)\n", refused);
		json_array_foreach (results, i, r) {
			if (json_is_true(json_object_get(r, "ok")))
				continue;
			put(&o, "  %s — ", str(r, "ref"));
			put_line_text(&o, str(r, "message"));
			put(&o, "\n");
			const json_t *allowed = json_object_get(r, "allowed");
			if (json_array_size(allowed) > 0) {
				put(&o, fr ? "    États possibles" NBSP ":" : "    Possible now:");
				size_t k;
				json_t *a;
				json_array_foreach (allowed, k, a)
					put(&o, "%s %s", k == 0 ? "" : ",", json_string_value(a));
				put(&o, "\n");
			}
		}
	}
	if (json_array_size(unknown) > 0) {
		put(&o, fr ? "\nNon compris (%zu)\n" : "\nNot understood (%zu)\n",
		    json_array_size(unknown));
		json_array_foreach (unknown, i, r) {
			put(&o, "  « ");
			put_line_text(&o, json_string_value(r) != NULL ? json_string_value(r) : "");
			put(&o, " »\n");
		}
		put(&o, fr ? "\nÉcrivez une ligne par recommandation, par exemple" NBSP ":\n"
			     "  bamako-2019/1 mise en œuvre" NBSP ": la base est en service\n"
			     "  bamako-2019/3 commentaire" NBSP ": en attente du ministère\n"
			   : "\nWrite one line per recommendation, for example:\n"
			     "  bamako-2019/1 implemented: the database went live\n"
			     "  bamako-2019/3 comment: waiting for the ministry\n");
	}
	if (ok == 0 && refused == 0 && json_array_size(unknown) == 0)
		put(&o, fr ? "\nElle ne contenait aucune ligne à enregistrer.\n"
			   : "\nIt held no line to record.\n");
	put(&o, fr ? "\n-- \nsuivi — message envoyé automatiquement\n"
		   : "\n-- \nsuivi — this message was sent automatically\n");
	return o.s;
}
