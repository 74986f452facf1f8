/* digest.c — reminder digests and the overdue report as mailed, in English and French.
 *
 * French typography: a no-break space (U+00A0) before ':' and inside « », a narrow no-break
 * space (U+202F) before ';', '?' and '!', typographic apostrophes. The byte sequences are kept
 * in separate string literals so that a following letter cannot extend a \x escape. */
#include "suivi-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/digest.h"
#include "util.h"

#define NBSP "\xc2\xa0"       /* U+00A0 NO-BREAK SPACE */
#define NNBSP "\xe2\x80\xaf"  /* U+202F NARROW NO-BREAK SPACE */
#define LAQUO "\xc2\xab" NBSP /* « and its space */
#define RAQUO NBSP "\xc2\xbb" /* its space and » */

/* The report lists this many escalated items; the others are counted. */
#define REPORT_ESCALATED_LISTED 50

struct out {
	char *s;
	size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...) PRINTFLIKE(2, 3);
static void put_raw(struct out *o, const char *s, size_t n);
static void put_line_text(struct out *o, const char *s);
static int item_cmp(const void *a, const void *b);
static size_t count_overdue(const struct digest *d);
static const char *str(const json_t *o, const char *key);
static void put_change_item(struct out *o, const json_t *it, bool closed, const json_t *labels,
			    enum report_lang lang);
static void put_paused(struct out *o, const json_t *paused, enum report_lang lang);
static void put_escalated(struct out *o, const json_t *items, enum report_lang lang);
static void put_stale(struct out *o, const json_t *stale, enum report_lang lang);
static char *overdue_mail_text(const json_t *overdue, enum report_lang lang);
static void put_overdue_item(struct out *o, const json_t *it, const json_t *labels,
			     enum report_lang lang);
static void put_more(struct out *o, long listed, const json_t *total, enum report_lang lang);

static void put_raw(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2 + 256;
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	char *piece = xvasprintf(fmt, ap);
	va_end(ap);
	put_raw(o, piece, strlen(piece));
	free(piece);
}

/* Text from the database on one line: line breaks and other control characters become
 * spaces, so that an item's text cannot forge the layout of the digest. */
static void put_line_text(struct out *o, const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		char c = (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p;
		put_raw(o, &c, 1);
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "";
}

static long num(const json_t *o, const char *key)
{
	return (long)json_integer_value(json_object_get(o, key));
}

enum digest_reason digest_decide(const struct digest_state *s, const struct digest_policy *p,
				 int *horizon)
{
	if (s->days < 0) {
		if (s->overdue_sent_ago < 0)
			return DIGEST_OVERDUE;
		if (p->overdue_every > 0 && s->overdue_sent_ago >= p->overdue_every)
			return DIGEST_OVERDUE;
		return DIGEST_NONE;
	}
	int h = -1;
	for (int i = 0; i < p->n_before; i++)
		if (s->days <= p->before[i] && (h < 0 || p->before[i] < h))
			h = p->before[i];
	if (h < 0 || (s->horizon_sent >= 0 && s->horizon_sent <= h))
		return DIGEST_NONE;
	*horizon = h;
	return DIGEST_DUE_SOON;
}

static int item_cmp(const void *a, const void *b)
{
	const struct digest_item *x = a, *y = b;

	if (x->days != y->days)
		return x->days < y->days ? -1 : 1;
	return strcmp(x->ref, y->ref);
}

/* Due dates and days-from-as_of order alike, and every overdue item has negative days. */
void digest_sort(struct digest_item *items, size_t n)
{
	if (n > 1)
		qsort(items, n, sizeof *items, item_cmp);
}

static size_t count_overdue(const struct digest *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].days < 0)
			n++;
	return n;
}

char *digest_subject(const struct digest *d)
{
	size_t late = count_overdue(d), soon = d->n - late;

	if (d->lang == REPORT_FR) {
		if (late > 0 && soon > 0)
			return xasprintf("Rappel suivi" NBSP
					 ": %zu recommandation%s en retard, %zu "
					 "à échéance prochaine",
					 late, late > 1 ? "s" : "", soon);
		if (late > 0)
			return xasprintf("Rappel suivi" NBSP ": %zu recommandation%s en retard",
					 late, late > 1 ? "s" : "");
		return xasprintf("Rappel suivi" NBSP ": %zu recommandation%s à échéance prochaine",
				 soon, soon > 1 ? "s" : "");
	}
	if (late > 0 && soon > 0)
		return xasprintf("suivi reminder: %zu overdue recommendation%s, %zu due soon", late,
				 late == 1 ? "" : "s", soon);
	if (late > 0)
		return xasprintf("suivi reminder: %zu overdue recommendation%s", late,
				 late == 1 ? "" : "s");
	return xasprintf("suivi reminder: %zu recommendation%s due soon", soon,
			 soon == 1 ? "" : "s");
}

char *digest_body(const struct digest *d)
{
	struct out o = {0};
	bool fr = d->lang == REPORT_FR;
	size_t late = count_overdue(d), soon = d->n - late;
	char date[16], due[16], days[32];

	report_date(d->as_of, d->lang, date, sizeof date);
	o.s = xstrdup("");
	o.cap = 1;
	if (d->replies)
		put(&o, "%s\n\n", DIGEST_REPLY_SEPARATOR);
	if (fr) {
		put(&o, "Bonjour ");
		put_line_text(&o, d->owner_name);
		put(&o,
		    ",\n\nAu %s, %zu recommandation%s dont vous êtes responsable "
		    "demande%s votre attention.\n",
		    date, d->n, d->n > 1 ? "s" : "", d->n > 1 ? "nt" : "");
	} else {
		put(&o, "Dear ");
		put_line_text(&o, d->owner_name);
		put(&o, ",\n\nAs of %s, %zu recommendation%s you lead need%s your attention.\n",
		    date, d->n, d->n == 1 ? "" : "s", d->n == 1 ? "s" : "");
	}
	for (int pass = 0; pass < 2; pass++) {
		size_t count = pass == 0 ? late : soon;
		if (count == 0)
			continue;
		if (pass == 0)
			put(&o, fr ? "\nEn retard (%zu)\n" : "\nOverdue (%zu)\n", count);
		else
			put(&o, fr ? "\nÀ échéance prochaine (%zu)\n" : "\nDue soon (%zu)\n",
			    count);
		for (size_t i = 0; i < d->n; i++) {
			const struct digest_item *it = &d->items[i];
			if ((it->days < 0) != (pass == 0))
				continue;
			report_date(it->due_on, d->lang, due, sizeof due);
			report_days(it->days < 0 ? -it->days : it->days, d->lang, days,
				    sizeof days);
			put(&o, "\n  %s — ", it->ref);
			if (fr && it->days < 0)
				put(&o, "échéance le %s, en retard de %s\n", due, days);
			else if (it->days == 0) /* within every horizon now: not "in 0 days" */
				put(&o, fr ? "échéance aujourd’hui (%s)\n" : "due today (%s)\n",
				    due);
			else if (fr)
				put(&o, "échéance le %s, dans %s\n", due, days);
			else if (it->days < 0)
				put(&o, "due %s, %s overdue\n", due, days);
			else
				put(&o, "due %s, in %s\n", due, days);
			if (it->supporting)
				put(&o, fr ? "    (vous êtes en appui" NBSP
					     "; un autre responsable "
					     "la conduit)\n"
					   : "    (you support it; another owner leads it)\n");
			put(&o, fr ? "    " LAQUO : "    “");
			put_line_text(&o, it->text);
			put(&o, fr ? RAQUO "\n" : "”\n");
			put(&o, fr ? "    Réunion" NBSP ": " : "    Meeting: ");
			put_line_text(&o, it->meeting_title);
			put(&o, " (%s)\n", it->meeting_code);
		}
	}
	if (d->signin_url != NULL && fr)
		put(&o,
		    "\nVos recommandations dans suivi (ce lien vous connecte pendant %d" NBSP
		    "jours" NNBSP "; ne le transférez pas)" NBSP ":\n  %s\n",
		    d->link_days, d->signin_url);
	else if (d->signin_url != NULL)
		put(&o,
		    "\nOpen your items in suivi (this link signs you in for %d days; do not "
		    "forward it):\n  %s\n",
		    d->link_days, d->signin_url);
	if (d->replies && fr)
		put(&o,
		    "\nPour mettre une recommandation à jour, répondez à ce message, au-dessus de "
		    "la première ligne, une ligne par recommandation" NBSP ":\n"
		    "  %s mise en œuvre" NBSP ": la base est en service depuis le 3 mars\n"
		    "  %s commentaire" NBSP ": en attente de la réponse du ministère\n"
		    "(un état, ou «" NBSP "commentaire" NBSP "», puis votre texte)\n",
		    d->items[0].ref, d->items[0].ref);
	else if (d->replies)
		put(&o,
		    "\nTo update a recommendation, reply to this message, above its first line, "
		    "one line per recommendation:\n"
		    "  %s implemented: the database went live on 3 March\n"
		    "  %s comment: waiting for the ministry's answer\n"
		    "(a status, or \"comment\", then your text)\n",
		    d->items[0].ref, d->items[0].ref);
	if (fr)
		put(&o, "\nMerci de mettre à jour leur état dans suivi" NNBSP "; si une échéance "
			"n’est plus réaliste, dites-le au secrétariat.\n"
			"Une question" NNBSP "? Adressez-vous au secrétariat.\n"
			"\n-- \nsuivi — suivi des recommandations des réunions\n"
			"Message envoyé automatiquement" NNBSP "!\n");
	else
		put(&o, "\nPlease update their status in suivi; if a deadline is no longer "
			"realistic, tell the secretariat.\n"
			"Questions? Contact the secretariat.\n"
			"\n-- \nsuivi — follow-up of meeting recommendations\n"
			"This message was sent automatically.\n");
	return o.s;
}

char *digest_report_subject(const json_t *overdue, enum report_lang lang)
{
	char date[16];
	long total = (long)json_integer_value(json_object_get(overdue, "total"));

	report_date(str(overdue, "as_of"), lang, date, sizeof date);
	if (lang == REPORT_FR)
		return xasprintf("Rapport suivi des retards au %s" NBSP ": %ld recommandation%s en "
				 "retard",
				 date, total, total > 1 ? "s" : "");
	return xasprintf("suivi overdue report as of %s: %ld overdue recommendation%s", date, total,
			 total == 1 ? "" : "s");
}

static void put_change_item(struct out *o, const json_t *it, bool closed, const json_t *labels,
			    enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	char due[16], when[16], days[32];
	const char *owner = str(it, "owner_name");

	report_date(str(it, "due_on"), lang, due, sizeof due);
	put(o, "  %s — ", str(it, "ref"));
	if (owner[0] != '\0') {
		put_line_text(o, owner);
		put(o, " (%s) — ", str(it, "owner"));
	} else {
		put(o, fr ? "sans responsable — " : "no lead owner — ");
	}
	if (closed) {
		report_date(str(it, "closed_on"), lang, when, sizeof when);
		/* The status as the report's other lines show it: its label in lang. */
		const char *status = str(it, "status");
		const char *label = json_string_value(
		    json_object_get(json_object_get(labels, status), fr ? "fr" : "en"));
		put(o, fr ? "échéance %s, close le %s (%s)\n" : "due %s, closed on %s (%s)\n", due,
		    when, label != NULL ? label : status);
	} else {
		report_days((int)json_integer_value(json_object_get(it, "days_overdue")), lang,
			    days, sizeof days);
		put(o, fr ? "échéance %s, en retard de %s\n" : "due %s, %s overdue\n", due, days);
	}
	put(o, "    ");
	put_line_text(o, str(it, "text"));
	put(o, "\n");
}

char *digest_report_body(const json_t *overdue, const json_t *changes, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	char *main_text = overdue_mail_text(overdue, lang);
	char since[16];
	size_t i;
	json_t *it;

	if (main_text == NULL)
		return NULL;
	struct out o = {main_text, strlen(main_text), strlen(main_text) + 1};
	report_date(str(changes, "since"), lang, since, sizeof since);
	const char *since_what = json_is_string(json_object_get(changes, "previous"))
				     ? (fr ? "depuis le rapport du" : "since the report of")
				     : (fr ? "depuis le" : "since");

	const json_t *became = json_object_get(changes, "became_overdue");
	const json_t *became_total = json_object_get(changes, "became_overdue_total");
	put(&o, fr ? "\nEn retard %s %s" NBSP ": %ld\n" : "\nOverdue %s %s: %ld\n", since_what,
	    since,
	    json_is_integer(became_total) ? num(changes, "became_overdue_total")
					  : (long)json_array_size(became));
	json_array_foreach (became, i, it)
		put_change_item(&o, it, false, NULL, lang);
	put_more(&o, (long)json_array_size(became), became_total, lang);

	const json_t *closed = json_object_get(changes, "closed");
	const json_t *closed_total = json_object_get(changes, "closed_total");
	put(&o, fr ? "\nClôturées %s %s" NBSP ": %ld\n" : "\nClosed %s %s: %ld\n", since_what,
	    since,
	    json_is_integer(closed_total) ? num(changes, "closed_total")
					  : (long)json_array_size(closed));
	json_array_foreach (closed, i, it)
		put_change_item(&o, it, true, json_object_get(overdue, "status_labels"), lang);
	put_more(&o, (long)json_array_size(closed), closed_total, lang);

	const json_t *noemail = json_object_get(changes, "owners_without_email");
	if (json_array_size(noemail) > 0) {
		put(&o,
		    fr ? "\nResponsables sans adresse électronique (rappels non envoyés)" NBSP
			 ": %zu\n"
		       : "\nOwners without an email address (reminders not sent): %zu\n",
		    json_array_size(noemail));
		json_array_foreach (noemail, i, it) {
			long n = (long)json_integer_value(json_object_get(it, "items"));
			put(&o, "  ");
			put_line_text(&o, str(it, "name"));
			if (fr)
				put(&o, " (%s) — %ld recommandation%s à rappeler\n",
				    str(it, "handle"), n, n > 1 ? "s" : "");
			else
				put(&o, " (%s) — %ld recommendation%s to remind\n",
				    str(it, "handle"), n, n == 1 ? "" : "s");
		}
	}
	const json_t *replies = json_object_get(changes, "replies");
	if (json_is_integer(replies) && json_integer_value(replies) > 0)
		put(&o,
		    fr ? "\nRéponses des responsables par courriel %s %s" NBSP ": %lld\n"
		       : "\nOwners' replies by mail %s %s: %lld\n",
		    since_what, since, (long long)json_integer_value(replies));
	put_paused(&o, json_object_get(changes, "owners_paused"), lang);
	put_escalated(&o, json_object_get(changes, "escalated"), lang);
	put_stale(&o, json_object_get(changes, "stale"), lang);
	put(&o, fr ? "\n-- \nsuivi — rapport envoyé automatiquement\n"
		   : "\n-- \nsuivi — this report was sent automatically\n");
	return o.s;
}

/* "  … and K more" after a list capped by the database, total its full length (absent: none
 * left out). */
static void put_more(struct out *o, long listed, const json_t *total, enum report_lang lang)
{
	long more = json_is_integer(total) ? (long)json_integer_value(total) - listed : 0;

	if (more > 0)
		put(o, lang == REPORT_FR ? "  … et %ld autres\n" : "  … and %ld more\n", more);
}

static void put_overdue_item(struct out *o, const json_t *it, const json_t *labels,
			     enum report_lang lang)
{
	char days[32], date[16];
	const char *status = str(it, "status");
	const char *label = json_string_value(
	    json_object_get(json_object_get(labels, status), lang == REPORT_FR ? "fr" : "en"));

	report_days((int)num(it, "days_overdue"), lang, days, sizeof days);
	report_date(str(it, "due_on"), lang, date, sizeof date);
	put(o,
	    lang == REPORT_FR ? "    %s — échéance %s, en retard de %s (%s)\n      "
			      : "    %s — due %s, %s overdue (%s)\n      ",
	    str(it, "ref"), date, days, label != NULL ? label : status);
	put_line_text(o, str(it, "text"));
	put(o, "\n");
}

/* The overdue part of the mailed report, from suivi_report_overdue_mail()'s document: totals,
 * the owners with the most overdue items and the oldest of each, the meetings with the most,
 * the oldest without a lead owner — each list followed by how many it leaves out. NULL when
 * the document is not of that shape. */
static char *overdue_mail_text(const json_t *overdue, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	const json_t *owners = json_object_get(overdue, "owners");
	const json_t *meetings = json_object_get(overdue, "meetings");
	const json_t *unowned = json_object_get(overdue, "unowned");
	const json_t *labels = json_object_get(overdue, "status_labels");
	struct out o = {0};
	char date[16];
	size_t i, k;
	json_t *ow, *it;

	if (!json_is_object(overdue) || !json_is_array(owners) || !json_is_array(meetings) ||
	    !json_is_array(unowned))
		return NULL;
	long total = num(overdue, "total"), listed = 0;
	report_date(str(overdue, "as_of"), lang, date, sizeof date);
	if (fr)
		put(&o, "Recommandations en retard au %s\n\n", date);
	else
		put(&o, "Overdue recommendations as of %s\n\n", date);
	if (total == 0) {
		put(&o, fr ? "Aucune recommandation n’est en retard.\n"
			   : "No recommendation is overdue.\n");
		return o.s;
	}
	long n_owners = num(overdue, "owners_total"), n_meetings = num(overdue, "meetings_total");
	if (fr)
		put(&o,
		    "%ld recommandation%s en retard, de %ld responsable%s, dans %ld réunion%s.\n",
		    total, total > 1 ? "s" : "", n_owners, n_owners > 1 ? "s" : "", n_meetings,
		    n_meetings > 1 ? "s" : "");
	else
		put(&o, "%ld overdue recommendation%s, led by %ld owner%s, from %ld meeting%s.\n",
		    total, total == 1 ? "" : "s", n_owners, n_owners == 1 ? "" : "s", n_meetings,
		    n_meetings == 1 ? "" : "s");

	if (json_array_size(owners) > 0)
		put(&o, fr ? "\nPar responsable, les plus en retard d’abord, avec leurs plus "
			     "anciennes" NBSP ":\n"
			   : "\nBy lead owner, the most overdue first, with their oldest items:\n");
	json_array_foreach (owners, i, ow) {
		long n = num(ow, "total");
		const json_t *items = json_object_get(ow, "items");
		listed += n;
		put(&o, "\n");
		put_line_text(&o, str(ow, "name"));
		put(&o, " (%s) — %ld\n", str(ow, "handle"), n);
		json_array_foreach (items, k, it)
			put_overdue_item(&o, it, labels, lang);
		if (n > (long)json_array_size(items))
			put(&o,
			    fr ? "    … et %ld autres" NBSP ": suivi list --overdue --owner %s\n"
			       : "    … and %ld more: suivi list --overdue --owner %s\n",
			    n - (long)json_array_size(items), str(ow, "handle"));
	}
	long more = n_owners - (long)json_array_size(owners);
	if (more > 0) {
		long items = total - num(overdue, "unowned_total") - listed;
		if (fr)
			put(&o, "\n… et %ld autres responsables, %ld recommandation%s en retard\n",
			    more, items, items > 1 ? "s" : "");
		else
			put(&o, "\n… and %ld more owners, %ld overdue recommendation%s\n", more,
			    items, items == 1 ? "" : "s");
	}

	if (json_array_size(meetings) > 0)
		put(&o, fr ? "\nPar réunion, les plus en retard d’abord" NBSP ":\n"
			   : "\nBy meeting, the most overdue first:\n");
	listed = 0;
	json_array_foreach (meetings, i, it) {
		listed += num(it, "total");
		put(&o, "  %s — ", str(it, "code"));
		put_line_text(&o, str(it, "title"));
		put(&o, " — %ld\n", num(it, "total"));
	}
	more = n_meetings - (long)json_array_size(meetings);
	if (more > 0)
		put(&o,
		    fr ? "  … et %ld autres réunions, %ld recommandations en retard\n"
		       : "  … and %ld more meetings, %ld overdue recommendations\n",
		    more, total - listed);

	long n_unowned = num(overdue, "unowned_total");
	if (n_unowned > 0) {
		put(&o, fr ? "\nSans responsable — %ld\n" : "\nWithout a lead owner — %ld\n",
		    n_unowned);
		json_array_foreach (unowned, k, it)
			put_overdue_item(&o, it, labels, lang);
		if (n_unowned > (long)json_array_size(unowned))
			put(&o, fr ? "    … et %ld autres\n" : "    … and %ld more\n",
			    n_unowned - (long)json_array_size(unowned));
	}
	return o.s;
}

/* Owners whose reminders are paused and who lead overdue items: the secretariat must know
 * that nobody chases those. */
static void put_paused(struct out *o, const json_t *paused, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	size_t i;
	json_t *it;

	if (json_array_size(paused) == 0)
		return;
	put(o,
	    fr ? "\nResponsables dont les rappels sont suspendus" NBSP ": %zu\n"
	       : "\nOwners whose reminders are paused: %zu\n",
	    json_array_size(paused));
	json_array_foreach (paused, i, it) {
		long n = (long)json_integer_value(json_object_get(it, "overdue"));
		put(o, "  ");
		put_line_text(o, str(it, "name"));
		if (fr)
			put(o, " (%s) — %ld recommandation%s en retard\n", str(it, "handle"), n,
			    n > 1 ? "s" : "");
		else
			put(o, " (%s) — %ld overdue recommendation%s\n", str(it, "handle"), n,
			    n == 1 ? "" : "s");
	}
}

/* Items overdue for [schedule] escalate_after days or more with no status change or comment
 * since their first overdue reminder. */
static void put_escalated(struct out *o, const json_t *items, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	char due[16], days[32], last[16];
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return;
	put(o,
	    fr ? "\nEscaladées (sans réponse aux rappels)" NBSP ": %zu\n"
	       : "\nEscalated (no answer to the reminders): %zu\n",
	    json_array_size(items));
	json_array_foreach (items, i, it) {
		if (i == REPORT_ESCALATED_LISTED) {
			put(o, fr ? "  … et %zu autres\n" : "  … and %zu more\n",
			    json_array_size(items) - i);
			break;
		}
		long sent = (long)json_integer_value(json_object_get(it, "reminders"));
		report_date(str(it, "due_on"), lang, due, sizeof due);
		report_days((int)json_integer_value(json_object_get(it, "days_overdue")), lang,
			    days, sizeof days);
		report_date(str(it, "last_activity"), lang, last, sizeof last);
		put(o, "  %s — ", str(it, "ref"));
		put_line_text(o, str(it, "owner_name"));
		if (fr)
			put(o,
			    " (%s) — échéance %s, en retard de %s, %ld rappel%s, dernière activité "
			    "le %s\n",
			    str(it, "owner"), due, days, sent, sent > 1 ? "s" : "", last);
		else
			put(o, " (%s) — due %s, %s overdue, %ld reminder%s, last activity %s\n",
			    str(it, "owner"), due, days, sent, sent == 1 ? "" : "s", last);
		put(o, "    ");
		put_line_text(o, str(it, "text"));
		put(o, "\n");
	}
}

/* Open items nothing has moved for [schedule] stale_after days and that no reminder chases
 * (no deadline, or one still ahead). */
static void put_stale(struct out *o, const json_t *stale, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	const json_t *items = json_object_get(stale, "items");
	long total = (long)json_integer_value(json_object_get(stale, "total"));
	char last[16];
	size_t i;
	json_t *it;

	if (!json_is_array(items))
		return;
	put(o,
	    fr ? "\nEn sommeil (sans activité depuis %ld jours ou plus)" NBSP ": %ld\n"
	       : "\nStale (no activity for %ld days or more): %ld\n",
	    (long)json_integer_value(json_object_get(stale, "after_days")), total);
	json_array_foreach (items, i, it) {
		const char *owner = str(it, "owner");
		report_date(str(it, "last_activity"), lang, last, sizeof last);
		put(o, "  %s — ", str(it, "ref"));
		if (owner[0] != '\0') {
			put_line_text(o, str(it, "owner_name"));
			put(o, " (%s)", owner);
		} else {
			put(o, fr ? "sans responsable" : "no lead owner");
		}
		if (str(it, "due_on")[0] == '\0')
			put(o, fr ? " — sans échéance" : " — no deadline");
		put(o, fr ? ", dernière activité le %s\n" : ", last activity %s\n", last);
		put(o, "    ");
		put_line_text(o, str(it, "text"));
		put(o, "\n");
	}
	if (total > (long)json_array_size(items))
		put(o, fr ? "  … et %ld autres\n" : "  … and %ld more\n",
		    total - (long)json_array_size(items));
}

char *digest_escalation_subject(const json_t *items, const char *as_of, enum report_lang lang)
{
	char date[16];
	size_t n = json_array_size(items);

	report_date(as_of, lang, date, sizeof date);
	if (lang == REPORT_FR)
		return xasprintf("Escalade suivi au %s" NBSP ": %zu recommandation%s sans réponse",
				 date, n, n > 1 ? "s" : "");
	return xasprintf("suivi escalation as of %s: %zu recommendation%s without an answer", date,
			 n, n == 1 ? "" : "s");
}

char *digest_escalation_body(const json_t *items, const char *as_of, enum report_lang lang)
{
	bool fr = lang == REPORT_FR;
	struct out o = {0};
	char date[16];

	report_date(as_of, lang, date, sizeof date);
	if (fr)
		put(&o,
		    "Au %s, ces recommandations sont en retard et leurs responsables n’ont "
		    "répondu à aucun rappel (ni changement d’état ni commentaire).\n",
		    date);
	else
		put(&o,
		    "As of %s, these recommendations are overdue and their owners have not "
		    "answered any reminder (no status change, no comment).\n",
		    date);
	put_escalated(&o, items, lang);
	put(&o,
	    fr ? "\nChaque recommandation figure au plus une fois par semaine dans ce message.\n"
		 "\n-- \nsuivi — message envoyé automatiquement\n"
	       : "\nEach recommendation appears in this message at most once a week.\n"
		 "\n-- \nsuivi — this message was sent automatically\n");
	return o.s;
}
