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
	char *main_text = report_overdue_text(overdue, lang);
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
	put(&o, fr ? "\nEn retard %s %s" NBSP ": %zu\n" : "\nOverdue %s %s: %zu\n", since_what,
	    since, json_array_size(became));
	json_array_foreach (became, i, it)
		put_change_item(&o, it, false, NULL, lang);

	const json_t *closed = json_object_get(changes, "closed");
	put(&o, fr ? "\nClôturées %s %s" NBSP ": %zu\n" : "\nClosed %s %s: %zu\n", since_what,
	    since, json_array_size(closed));
	json_array_foreach (closed, i, it)
		put_change_item(&o, it, true, json_object_get(overdue, "status_labels"), lang);

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
