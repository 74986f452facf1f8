/* test-digest.c — which items a reminder mentions, and the digests and report as mailed. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render/digest.h"
#include "suites.h"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

static const int horizons[] = {14, 3};
static const struct digest_policy policy = {horizons, 2, 7};

static struct digest_item sample_items[] = {
    {"eu-ca-2023/2", "Tenir un séminaire national annuel", "eu-ca-2023",
     "Dialogue UE–Asie centrale", "2026-12-06", 14, false},
    {"bamako-2019/3", "Mettre en place une base de données partagée\nentre services", "bamako-2019",
     "Atelier régional de Bamako", "2026-11-21", -1, false},
    {"eu-ca-2023/1", "Instituer un cadre de concertation", "eu-ca-2023",
     "Dialogue UE–Asie centrale", "2026-11-25", 3, false},
    {"bamako-2019/1", "Former les agents", "bamako-2019", "Atelier régional de Bamako",
     "2026-11-07", -15, false},
};

/* decide with no ledger entry (n: never), or with one. */
static enum digest_reason decide(int days, int horizon_sent, int overdue_ago,
				 const struct digest_policy *p, int *h)
{
	struct digest_state st = {days, horizon_sent, overdue_ago};
	*h = -1;
	return digest_decide(&st, p, h);
}

START_TEST(test_decide_horizons)
{
	int h;
	/* Within a horizon and never reminded for it: the smallest horizon that holds. */
	ck_assert_int_eq(decide(14, -1, -1, &policy, &h), DIGEST_DUE_SOON);
	ck_assert_int_eq(h, 14);
	ck_assert_int_eq(decide(13, -1, -1, &policy, &h), DIGEST_DUE_SOON);
	ck_assert_int_eq(h, 14);
	/* A deadline two days away was never "exactly 3": it is reminded at 3 all the same. */
	ck_assert_int_eq(decide(2, -1, -1, &policy, &h), DIGEST_DUE_SOON);
	ck_assert_int_eq(h, 3);
	ck_assert_int_eq(decide(0, -1, -1, &policy, &h), DIGEST_DUE_SOON);
	ck_assert_int_eq(h, 3);
	/* Outside every horizon. */
	ck_assert_int_eq(decide(15, -1, -1, &policy, &h), DIGEST_NONE);
	/* Reminded at 14: not again at 13..4, again once within 3. */
	ck_assert_int_eq(decide(10, 14, -1, &policy, &h), DIGEST_NONE);
	ck_assert_int_eq(decide(4, 14, -1, &policy, &h), DIGEST_NONE);
	ck_assert_int_eq(decide(3, 14, -1, &policy, &h), DIGEST_DUE_SOON);
	ck_assert_int_eq(h, 3);
	/* Reminded at 3 (or skipped straight to 3): nothing more before the deadline. */
	ck_assert_int_eq(decide(1, 3, -1, &policy, &h), DIGEST_NONE);
	ck_assert_int_eq(decide(10, 3, -1, &policy, &h), DIGEST_NONE);
}
END_TEST

START_TEST(test_decide_overdue_every)
{
	int h;
	/* Overdue and never reminded as such (a backfilled item, late by years): now. */
	ck_assert_int_eq(decide(-1, -1, -1, &policy, &h), DIGEST_OVERDUE);
	ck_assert_int_eq(decide(-2400, 3, -1, &policy, &h), DIGEST_OVERDUE);
	/* Then every 7 days. */
	for (int ago = 0; ago < 7; ago++)
		ck_assert_int_eq(decide(-10, -1, ago, &policy, &h), DIGEST_NONE);
	ck_assert_int_eq(decide(-10, -1, 7, &policy, &h), DIGEST_OVERDUE);
	ck_assert_int_eq(decide(-10, -1, 30, &policy, &h), DIGEST_OVERDUE);

	struct digest_policy once = {horizons, 2, 0};
	ck_assert_int_eq(decide(-1, -1, -1, &once, &h), DIGEST_OVERDUE);
	ck_assert_int_eq(decide(-365, -1, 364, &once, &h), DIGEST_NONE);

	struct digest_policy daily = {horizons, 2, 1};
	ck_assert_int_eq(decide(-5, -1, 1, &daily, &h), DIGEST_OVERDUE);
	ck_assert_int_eq(decide(-5, -1, 0, &daily, &h), DIGEST_NONE); /* never twice a day */
}
END_TEST

START_TEST(test_sort_overdue_first)
{
	struct digest_item items[4];
	memcpy(items, sample_items, sizeof items);
	digest_sort(items, 4);
	ck_assert_str_eq(items[0].ref, "bamako-2019/1");
	ck_assert_str_eq(items[1].ref, "bamako-2019/3");
	ck_assert_str_eq(items[2].ref, "eu-ca-2023/1");
	ck_assert_str_eq(items[3].ref, "eu-ca-2023/2");
}
END_TEST

START_TEST(test_digest_english)
{
	struct digest_item items[4];
	memcpy(items, sample_items, sizeof items);
	digest_sort(items, 4);
	struct digest d = {"OCRTIS France", REPORT_EN, "2026-11-22", items, 4, false, NULL, 0};
	char *subject = digest_subject(&d);
	char *body = digest_body(&d);

	ck_assert_str_eq(subject, "suivi reminder: 2 overdue recommendations, 2 due soon");
	ck_assert_ptr_nonnull(strstr(body, "Dear OCRTIS France,\n"));
	ck_assert_ptr_nonnull(strstr(body, "As of 2026-11-22, 4 recommendations you lead need"));
	ck_assert_ptr_nonnull(strstr(body, "\nOverdue (2)\n"));
	ck_assert_ptr_nonnull(strstr(body, "\nDue soon (2)\n"));
	ck_assert_ptr_nonnull(strstr(body, "bamako-2019/1 — due 2026-11-07, 15 days overdue"));
	ck_assert_ptr_nonnull(strstr(body, "bamako-2019/3 — due 2026-11-21, 1 day overdue"));
	ck_assert_ptr_nonnull(strstr(body, "eu-ca-2023/1 — due 2026-11-25, in 3 days"));
	ck_assert_ptr_nonnull(strstr(body, "eu-ca-2023/2 — due 2026-12-06, in 14 days"));
	/* overdue section before due soon, each sorted by due date */
	ck_assert(strstr(body, "bamako-2019/1") < strstr(body, "bamako-2019/3"));
	ck_assert(strstr(body, "bamako-2019/3") < strstr(body, "Due soon"));
	ck_assert(strstr(body, "eu-ca-2023/1") < strstr(body, "eu-ca-2023/2"));
	/* a line break inside a text cannot break the layout */
	ck_assert_ptr_nonnull(strstr(body, "base de données partagée entre services"));
	ck_assert_ptr_nonnull(strstr(body, "Meeting: Atelier régional de Bamako (bamako-2019)"));
	free(subject);
	free(body);

	struct digest one = {"X", REPORT_EN, "2026-11-22", items + 2, 1, false, NULL, 0};
	subject = digest_subject(&one);
	ck_assert_str_eq(subject, "suivi reminder: 1 recommendation due soon");
	free(subject);
	one.items = items;
	subject = digest_subject(&one);
	ck_assert_str_eq(subject, "suivi reminder: 1 overdue recommendation");
	free(subject);
}
END_TEST

START_TEST(test_digest_french)
{
	struct digest_item items[4];
	memcpy(items, sample_items, sizeof items);
	digest_sort(items, 4);
	struct digest d = {"Office central", REPORT_FR, "2026-11-22", items, 4, false, NULL, 0};
	char *subject = digest_subject(&d);
	char *body = digest_body(&d);

	ck_assert_str_eq(subject, "Rappel suivi" NBSP ": 2 recommandations en retard, 2 à "
				  "échéance prochaine");
	ck_assert_ptr_nonnull(strstr(body, "Bonjour Office central,\n"));
	ck_assert_ptr_nonnull(strstr(body, "Au 22/11/2026, 4 recommandations dont vous êtes "
					   "responsable demandent votre attention."));
	ck_assert_ptr_nonnull(strstr(body, "\nEn retard (2)\n"));
	ck_assert_ptr_nonnull(strstr(body, "\nÀ échéance prochaine (2)\n"));
	ck_assert_ptr_nonnull(
	    strstr(body, "bamako-2019/1 — échéance le 07/11/2026, en retard de 15 jours"));
	ck_assert_ptr_nonnull(
	    strstr(body, "bamako-2019/3 — échéance le 21/11/2026, en retard de 1 jour\n"));
	ck_assert_ptr_nonnull(strstr(body, "eu-ca-2023/2 — échéance le 06/12/2026, dans 14 jours"));
	ck_assert_ptr_nonnull(strstr(body, "\xc2\xab" NBSP "Former les agents" NBSP "\xc2\xbb"));
	ck_assert_ptr_nonnull(strstr(body, "Réunion" NBSP ": Atelier régional de Bamako"));
	ck_assert_ptr_nonnull(strstr(body, "suivi" NNBSP "; si une échéance n’est plus"));
	ck_assert_ptr_nonnull(strstr(body, "Une question" NNBSP "? "));
	ck_assert_ptr_nonnull(strstr(body, "automatiquement" NNBSP "!"));
	/* no ordinary space before the high punctuation anywhere */
	ck_assert_ptr_null(strstr(body, " :"));
	ck_assert_ptr_null(strstr(body, " ;"));
	ck_assert_ptr_null(strstr(body, " ?"));
	ck_assert_ptr_null(strstr(body, " !"));
	ck_assert_ptr_null(strstr(subject, " :"));
	free(subject);
	free(body);

	struct digest one = {"X", REPORT_FR, "2026-11-22", items, 1, false, NULL, 0};
	subject = digest_subject(&one);
	ck_assert_str_eq(subject, "Rappel suivi" NBSP ": 1 recommandation en retard");
	free(subject);
	body = digest_body(&one);
	ck_assert_ptr_nonnull(strstr(body, "1 recommandation dont vous êtes responsable demande "));
	free(body);
}
END_TEST

/* suivi_report_overdue_mail()'s document. */
static const char *overdue_doc =
    "{\"as_of\":\"2026-11-22\",\"timezone\":\"UTC\",\"total\":1,\"owners_total\":1,"
    "\"owners\":[{\"handle\":\"ocrtis\",\"name\":\"OCRTIS\",\"total\":1,"
    "\"items\":[{\"ref\":\"bamako-2019/3\",\"text\":\"Base\",\"status\":\"accepted\","
    "\"due_on\":\"2026-11-18\",\"days_overdue\":4}]}],\"meetings_total\":1,"
    "\"meetings\":[{\"code\":\"bamako-2019\",\"title\":\"Atelier\",\"total\":1}],"
    "\"unowned_total\":0,\"unowned\":[]}";

static const char *changes_doc =
    "{\"previous\":\"2026-11-15\",\"since\":\"2026-11-15\","
    "\"became_overdue\":[{\"ref\":\"bamako-2019/3\",\"text\":\"Base\",\"owner\":\"ocrtis\","
    "\"owner_name\":\"OCRTIS\",\"due_on\":\"2026-11-18\",\"days_overdue\":4}],"
    "\"closed\":[{\"ref\":\"bamako-2019/5\",\"text\":\"Fermer\",\"owner\":null,"
    "\"owner_name\":null,\"status\":\"implemented\",\"due_on\":\"2026-11-01\","
    "\"closed_on\":\"2026-11-20\"}],"
    "\"owners_without_email\":[{\"handle\":\"douanes\",\"name\":\"Douanes\",\"items\":2}]}";

START_TEST(test_report_sections)
{
	json_t *overdue = json_loads(overdue_doc, 0, NULL);
	json_t *changes = json_loads(changes_doc, 0, NULL);
	ck_assert_ptr_nonnull(overdue);
	ck_assert_ptr_nonnull(changes);

	char *subject = digest_report_subject(overdue, REPORT_EN);
	ck_assert_str_eq(subject,
			 "suivi overdue report as of 2026-11-22: 1 overdue recommendation");
	free(subject);
	char *body = digest_report_body(overdue, changes, REPORT_EN);
	ck_assert_ptr_nonnull(body);
	/* report.c's part first */
	ck_assert_ptr_eq(strstr(body, "Overdue recommendations as of 2026-11-22"), body);
	ck_assert_ptr_nonnull(strstr(body, "OCRTIS (ocrtis) — 1"));
	ck_assert_ptr_nonnull(strstr(body,
				     "\nOverdue since the report of 2026-11-15: 1\n"
				     "  bamako-2019/3 — OCRTIS (ocrtis) — due 2026-11-18, 4 days "
				     "overdue\n    Base\n"));
	ck_assert_ptr_nonnull(strstr(body,
				     "\nClosed since the report of 2026-11-15: 1\n"
				     "  bamako-2019/5 — no lead owner — due 2026-11-01, closed "
				     "on 2026-11-20 (implemented)\n"));
	ck_assert_ptr_nonnull(strstr(body,
				     "Owners without an email address (reminders not sent): "
				     "1\n  Douanes (douanes) — 2 recommendations to remind\n"));
	free(body);

	body = digest_report_body(overdue, changes, REPORT_FR);
	ck_assert_ptr_nonnull(strstr(body, "En retard depuis le rapport du 15/11/2026" NBSP ": 1"));
	ck_assert_ptr_nonnull(strstr(body, "Clôturées depuis le rapport du 15/11/2026" NBSP ": 1"));
	free(body);

	/* no previous report: "since <date>", and no section for owners without email */
	json_object_set_new(changes, "previous", json_null());
	json_object_set_new(changes, "owners_without_email", json_array());
	body = digest_report_body(overdue, changes, REPORT_EN);
	ck_assert_ptr_nonnull(strstr(body, "\nOverdue since 2026-11-15: 1\n"));
	ck_assert_ptr_null(strstr(body, "without an email"));
	free(body);

	ck_assert_ptr_null(digest_report_body(changes, changes, REPORT_EN));
	json_decref(overdue);
	json_decref(changes);
}
END_TEST

/* A report larger than its caps: every list left short says how many it leaves out, and the
 * totals are the document's, not the lengths of its lists. */
START_TEST(test_report_capped)
{
	json_t *overdue =
	    json_pack("{s:s,s:s,s:i,s:i,s:[{s:s,s:s,s:i,s:[{s:s,s:s,s:s,s:s,s:i}]}],s:i,"
		      "s:[{s:s,s:s,s:i}],s:i,s:[{s:s,s:s,s:s,s:s,s:i}]}",
		      "as_of", "2026-11-22", "timezone", "UTC", "total", 1000, "owners_total", 40,
		      "owners", "handle", "ocrtis", "name", "OCRTIS", "total", 300, "items", "ref",
		      "b/1", "text", "Base", "status", "accepted", "due_on", "2025-01-01",
		      "days_overdue", 690, "meetings_total", 12, "meetings", "code", "b", "title",
		      "Atelier", "total", 600, "unowned_total", 7, "unowned", "ref", "b/9", "text",
		      "Sans", "status", "accepted", "due_on", "2025-02-01", "days_overdue", 659);
	json_t *changes = json_loads(changes_doc, 0, NULL);
	json_object_set_new(changes, "became_overdue_total", json_integer(61));
	json_object_set_new(changes, "closed_total", json_integer(1));
	ck_assert_ptr_nonnull(overdue);
	char *body = digest_report_body(overdue, changes, REPORT_EN);
	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(
	    strstr(body, "1000 overdue recommendations, led by 40 owners, from 12 meetings.\n"));
	ck_assert_ptr_nonnull(strstr(body, "\nOCRTIS (ocrtis) — 300\n    b/1 — due 2025-01-01"));
	ck_assert_ptr_nonnull(
	    strstr(body, "    … and 299 more: suivi list --overdue --owner ocrtis\n"));
	/* 1000 − 7 unowned − 300 listed */
	ck_assert_ptr_nonnull(
	    strstr(body, "\n… and 39 more owners, 693 overdue recommendations\n"));
	ck_assert_ptr_nonnull(strstr(body,
				     "  b — Atelier — 600\n"
				     "  … and 11 more meetings, 400 overdue recommendations\n"));
	ck_assert_ptr_nonnull(strstr(body, "\nWithout a lead owner — 7\n    b/9"));
	ck_assert_ptr_nonnull(strstr(body, "    … and 6 more\n"));
	ck_assert_ptr_nonnull(strstr(body, "\nOverdue since the report of 2026-11-15: 61\n"));
	ck_assert_ptr_nonnull(strstr(body, "    Base\n  … and 60 more\n\nClosed"));
	ck_assert_ptr_null(strstr(body, "(implemented)\n    Fermer\n  … and"));
	free(body);
	body = digest_report_body(overdue, changes, REPORT_FR);
	ck_assert_ptr_nonnull(
	    strstr(body, "    … et 299 autres" NBSP ": suivi list --overdue --owner ocrtis\n"));
	ck_assert_ptr_nonnull(strstr(body, "\n… et 39 autres responsables, 693 recommandations"));
	free(body);
	json_decref(overdue);
	json_decref(changes);
}
END_TEST

/* Text slips found reading the mails against real data: an item due today (a horizon of the
 * ledger) is not "in 0 days", and a closed item's status reads as its label, in both
 * languages. */
/* With [server] public_url set, the digest carries the owner's sign-in link and says how
 * long it lasts, in both languages; without it, nothing of the kind. */
START_TEST(test_signin_link)
{
	struct digest_item item = {"bamako-2019/1",
				   "Mettre en place une base",
				   "bamako-2019",
				   "Atelier",
				   "2026-11-07",
				   -15,
				   false};
	const char *url = "https://suivi.example.org/signin?l=12.1800000000.0.abc";
	struct digest en = {"X", REPORT_EN, "2026-11-22", &item, 1, false, url, 14};
	char *body = digest_body(&en);
	ck_assert_ptr_nonnull(strstr(body,
				     "\nOpen your items in suivi (this link signs you in "
				     "for 14 days; do not forward it):\n  "
				     "https://suivi.example.org/signin?l=12.1800000000.0.abc\n"));
	free(body);
	struct digest fr = {"X", REPORT_FR, "2026-11-22", &item, 1, false, url, 3};
	body = digest_body(&fr);
	ck_assert_ptr_nonnull(strstr(body, "ce lien vous connecte pendant 3" NBSP "jours"));
	ck_assert_ptr_nonnull(strstr(body, ":\n  https://suivi.example.org/signin?l=12."));
	free(body);
	struct digest none = {"X", REPORT_EN, "2026-11-22", &item, 1, false, NULL, 14};
	body = digest_body(&none);
	ck_assert_ptr_null(strstr(body, "signin"));
	ck_assert_ptr_null(strstr(body, "this link"));
	free(body);
	none.lang = REPORT_FR;
	body = digest_body(&none);
	ck_assert_ptr_null(strstr(body, "signin"));
	ck_assert_ptr_null(strstr(body, "ce lien"));
	free(body);
}
END_TEST

START_TEST(test_due_today_and_closed_label)
{
	struct digest_item today = {"eu-ca-2023/4", "Publier le rapport",
				    "eu-ca-2023",   "Dialogue UE–Asie centrale",
				    "2026-11-22",   0,
				    false};
	struct digest d = {"Office central", REPORT_FR, "2026-11-22", &today, 1, false, NULL, 0};
	char *body = digest_body(&d);
	ck_assert_ptr_nonnull(strstr(body, "eu-ca-2023/4 — échéance aujourd’hui (22/11/2026)\n"));
	ck_assert_ptr_null(strstr(body, "dans 0 jour"));
	free(body);
	d.lang = REPORT_EN;
	body = digest_body(&d);
	ck_assert_ptr_nonnull(strstr(body, "eu-ca-2023/4 — due today (2026-11-22)\n"));
	ck_assert_ptr_null(strstr(body, "in 0 days"));
	free(body);

	json_t *overdue = json_loads(overdue_doc, 0, NULL);
	json_t *changes = json_loads(changes_doc, 0, NULL);
	json_object_set_new(
	    overdue, "status_labels",
	    json_pack("{s:{s:s,s:s}}", "implemented", "en", "Implemented", "fr", "Mise en œuvre"));
	body = digest_report_body(overdue, changes, REPORT_FR);
	ck_assert_ptr_nonnull(strstr(body, "close le 20/11/2026 (Mise en œuvre)\n"));
	free(body);
	body = digest_report_body(overdue, changes, REPORT_EN);
	ck_assert_ptr_nonnull(strstr(body, "closed on 2026-11-20 (Implemented)\n"));
	free(body);
	json_decref(overdue);
	json_decref(changes);
}
END_TEST

Suite *make_digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("digest");

	tcase_add_test(tc, test_decide_horizons);
	tcase_add_test(tc, test_decide_overdue_every);
	tcase_add_test(tc, test_sort_overdue_first);
	tcase_add_test(tc, test_digest_english);
	tcase_add_test(tc, test_digest_french);
	tcase_add_test(tc, test_report_sections);
	tcase_add_test(tc, test_report_capped);
	tcase_add_test(tc, test_due_today_and_closed_label);
	tcase_add_test(tc, test_signin_link);
	suite_add_tcase(s, tc);
	return s;
}
