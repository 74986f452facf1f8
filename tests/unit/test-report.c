/* test-report.c — text and CSV renderings of the reports. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render/report.h"
#include "suites.h"

/* Labels travel with the documents, as PostgreSQL builds them (suivi_status_labels()). */
#define LABELS                                                                                     \
	"\"status_labels\":{\"in_progress\":{\"en\":\"in progress\",\"fr\":\"en cours\"},"         \
	"\"blocked\":{\"en\":\"blocked\",\"fr\":\"bloquée\"}},"

static const char *overdue_doc =
    "{" LABELS "\"as_of\":\"2026-11-22\",\"timezone\":\"Europe/Brussels\",\"total\":2,"
    "\"owners\":[{\"owner\":{\"handle\":\"ocrtis\",\"name\":\"OCRTIS France\",\"email\":\"o@x\"},"
    "\"total\":1,\"meetings\":[{\"code\":\"bamako-2019\",\"title\":\"Atelier régional\","
    "\"items\":[{\"ref\":\"bamako-2019/3\",\"id\":3,\"text\":\"Mettre en place une base de "
    "données régionale, \\\"partagée\\\"\\npar tous\",\"status\":\"in_progress\","
    "\"due_on\":\"2026-03-31\",\"days_overdue\":236}]}]}],"
    "\"unowned\":[{\"ref\":\"eu-ca-2023/1\",\"id\":9,\"text\":\"=cmd()\",\"status\":\"proposed\","
    "\"due_on\":\"2026-11-21\",\"days_overdue\":1}]}";

START_TEST(test_overdue_text_english)
{
	json_t *doc = json_loads(overdue_doc, 0, NULL);
	char *t = report_overdue_text(doc, REPORT_EN);

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(strstr(t, "Overdue recommendations as of 2026-11-22"));
	ck_assert_ptr_nonnull(strstr(t, "2 overdue recommendations."));
	ck_assert_ptr_nonnull(strstr(t, "OCRTIS France (ocrtis) — 1"));
	ck_assert_ptr_nonnull(
	    strstr(t, "bamako-2019/3 — due 2026-03-31, 236 days overdue (in progress)"));
	ck_assert_ptr_nonnull(strstr(t, "Without a lead owner — 1"));
	ck_assert_ptr_nonnull(strstr(t, "1 day overdue"));
	free(t);
	json_decref(doc);
}
END_TEST

START_TEST(test_overdue_text_french)
{
	json_t *doc = json_loads(overdue_doc, 0, NULL);
	char *t = report_overdue_text(doc, REPORT_FR);

	ck_assert_ptr_nonnull(strstr(t, "Recommandations en retard au 22/11/2026"));
	ck_assert_ptr_nonnull(strstr(t, "échéance 31/03/2026, en retard de 236 jours (en cours)"));
	ck_assert_ptr_nonnull(strstr(t, "Sans responsable — 1"));
	ck_assert_ptr_nonnull(strstr(t, "en retard de 1 jour ("));
	free(t);
	json_decref(doc);
}
END_TEST

START_TEST(test_overdue_csv_quotes_and_formulas)
{
	json_t *doc = json_loads(overdue_doc, 0, NULL);
	char *c = report_overdue_csv(doc);

	ck_assert_ptr_nonnull(c);
	ck_assert(strncmp(c, "owner,owner_name,meeting,ref,status,due_on,days_overdue,text\r\n",
			  62) == 0);
	ck_assert_ptr_nonnull(strstr(c, "ocrtis,OCRTIS France,bamako-2019,bamako-2019/3,"
					"in_progress,2026-03-31,236,\"Mettre en place une base de "
					"données régionale, \"\"partagée\"\"\npar tous\"\r\n"));
	/* A cell that a spreadsheet would run as a formula is neutralised. */
	ck_assert_ptr_nonnull(
	    strstr(c, ",,eu-ca-2023,eu-ca-2023/1,proposed,2026-11-21,1,\"'=cmd()\"\r\n"));
	free(c);
	json_decref(doc);
}
END_TEST

START_TEST(test_wrong_shape_is_refused)
{
	json_t *doc = json_loads("{\"x\":1}", 0, NULL);

	ck_assert_ptr_null(report_overdue_text(doc, REPORT_EN));
	ck_assert_ptr_null(report_overdue_csv(doc));
	ck_assert_ptr_null(report_summary_text(doc, REPORT_EN));
	ck_assert_ptr_null(report_brief_text(doc, REPORT_EN));
	json_decref(doc);
}
END_TEST

START_TEST(test_brief_text)
{
	json_t *doc = json_loads(
	    "{" LABELS
	    "\"meeting\":{\"code\":\"eu-ca-2024\",\"title\":\"Dialogue UE–Asie centrale\","
	    "\"place\":\"Bruxelles\",\"starts_on\":\"2024-06-01\"},\"series\":\"eu-ca\","
	    "\"previous\":{\"code\":\"eu-ca-2023\",\"title\":\"Réunion EU ACT\",\"starts_on\":"
	    "\"2023-12-11\"},\"open\":[{\"ref\":\"eu-ca-2023/1\",\"status\":\"blocked\","
	    "\"due_on\":\"2024-01-31\",\"overdue\":true,\"text\":\"Partager les données\"}],"
	    "\"changes\":[{\"ref\":\"eu-ca-2023/1\",\"text\":\"Partager les données\",\"events\":"
	    "[{\"at\":\"2024-02-01T10:00:00Z\",\"kind\":\"transition\",\"actor\":\"sec\","
	    "\"after\":{\"status\":\"blocked\"},\"comment\":\"Budget gelé\"}]}]}",
	    0, NULL);
	char *t = report_brief_text(doc, REPORT_FR);

	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(
	    strstr(t, "Note de suivi — Dialogue UE–Asie centrale (Bruxelles, 01/06/2024)"));
	ck_assert_ptr_nonnull(strstr(t, "Réunion précédente : Réunion EU ACT (11/12/2023)"));
	ck_assert_ptr_nonnull(
	    strstr(t, "eu-ca-2023/1 [bloquée] — échéance 31/01/2024 (en retard)"));
	/* The event in French: its date and kind as people read them, its comment quoted
	 * with both quotes. */
	ck_assert_ptr_nonnull(strstr(t, "    - 01/02/2024 changement d’état (sec) → bloquée\n"));
	ck_assert_ptr_nonnull(strstr(t, "      \xc2\xab\xc2\xa0"
					"Budget gelé\xc2\xa0\xc2\xbb\n"));
	free(t);

	t = report_brief_text(doc, REPORT_EN);
	ck_assert_ptr_nonnull(
	    strstr(t, "Follow-up brief — Dialogue UE–Asie centrale (Bruxelles, 2024-06-01)\n"));
	ck_assert_ptr_nonnull(strstr(t, "    - 2024-02-01 status changed (sec) → blocked\n"));
	ck_assert_ptr_nonnull(strstr(t, "      \xe2\x80\x9c"
					"Budget gelé\xe2\x80\x9d\n"));
	free(t);

	/* A meeting without a place: its date alone, no "(, …)". */
	json_object_set_new(json_object_get(doc, "meeting"), "place", json_string(""));
	t = report_brief_text(doc, REPORT_FR);
	ck_assert_ptr_nonnull(
	    strstr(t, "Note de suivi — Dialogue UE–Asie centrale (01/06/2024)\n"));
	ck_assert_ptr_null(strstr(t, "(,"));
	free(t);
	t = report_brief_text(doc, REPORT_EN);
	ck_assert_ptr_nonnull(
	    strstr(t, "Follow-up brief — Dialogue UE–Asie centrale (2024-06-01)\n"));
	free(t);
	json_decref(doc);
}
END_TEST

/* Every quote a rendering opens, it closes: « as many as », “ as many as ”. */
START_TEST(test_brief_quotes_balanced)
{
	json_t *doc = json_loads(
	    "{" LABELS "\"meeting\":{\"code\":\"m2\",\"title\":\"T\",\"place\":\"\","
	    "\"starts_on\":\"2024-06-01\"},\"series\":\"s\",\"previous\":{\"code\":\"m1\","
	    "\"title\":\"P\",\"starts_on\":\"2023-01-01\"},\"open\":[],\"changes\":[{\"ref\":"
	    "\"m1/1\",\"text\":\"X\",\"events\":[{\"at\":\"2024-02-01T10:00:00Z\",\"kind\":"
	    "\"comment\",\"actor\":\"a\",\"after\":null,\"comment\":\"un commentaire assez long "
	    "pour être coupé sur plusieurs lignes, car il dépasse largement les soixante-seize "
	    "colonnes de la note\"},{\"at\":\"2024-03-01T10:00:00Z\",\"kind\":\"created\","
	    "\"actor\":\"\",\"after\":null,\"comment\":null}]}]}",
	    0, NULL);
	ck_assert_ptr_nonnull(doc);
	for (int lang = 0; lang < 2; lang++) {
		char *t = report_brief_text(doc, (enum report_lang)lang);
		const char *open = lang == REPORT_FR ? "\xc2\xab" : "\xe2\x80\x9c";
		const char *close = lang == REPORT_FR ? "\xc2\xbb" : "\xe2\x80\x9d";
		int opened = 0, closed = 0;
		for (const char *p = t; (p = strstr(p, open)) != NULL; p++)
			opened++;
		for (const char *p = t; (p = strstr(p, close)) != NULL; p++)
			closed++;
		ck_assert_int_eq(opened, 1);
		ck_assert_int_eq(closed, 1);
		ck_assert_ptr_nonnull(strstr(t, lang == REPORT_FR
						    ? "    - 01/02/2024 commentaire (a)\n"
						    : "    - 2024-02-01 comment (a)\n"));
		/* An event without an actor has no empty parentheses. */
		ck_assert_ptr_nonnull(strstr(t, lang == REPORT_FR ? "    - 01/03/2024 création\n"
								  : "    - 2024-03-01 created\n"));
		ck_assert_ptr_null(strstr(t, "()"));
		free(t);
	}
	json_decref(doc);
}
END_TEST

/* The by-status table stays aligned with accented labels (columns count characters). */
START_TEST(test_summary_aligned)
{
	json_t *doc = json_loads(
	    "{\"status_labels\":{\"accepted\":{\"en\":\"accepted\",\"fr\":\"acceptée\"},"
	    "\"in_progress\":{\"en\":\"in progress\",\"fr\":\"en cours\"}},"
	    "\"as_of\":\"2026-11-22\",\"open\":5,\"overdue\":1,\"by_status\":{\"accepted\":3,"
	    "\"in_progress\":2},\"meetings\":[],\"owners\":[]}",
	    0, NULL);
	ck_assert_ptr_nonnull(doc);
	char *t = report_summary_text(doc, REPORT_FR);
	ck_assert_ptr_nonnull(strstr(t, "\n  acceptée           3\n  en cours           2\n"));
	free(t);
	json_decref(doc);
}
END_TEST

START_TEST(test_days_and_dates)
{
	char buf[32];

	ck_assert_str_eq(report_days(1, REPORT_EN, buf, sizeof buf), "1 day");
	ck_assert_str_eq(report_days(0, REPORT_EN, buf, sizeof buf), "0 days");
	ck_assert_str_eq(report_days(2, REPORT_FR, buf, sizeof buf), "2 jours");
	ck_assert_str_eq(report_days(1, REPORT_FR, buf, sizeof buf), "1 jour");
	ck_assert_str_eq(report_date("2019-10-01", REPORT_FR, buf, sizeof buf), "01/10/2019");
	ck_assert_str_eq(report_date("2019-10-01", REPORT_EN, buf, sizeof buf), "2019-10-01");
	/* Not a date: shown as it is, never cut inside a character (found by fuzz-report). */
	ck_assert_str_eq(report_date("2024-02-0\xce\xab", REPORT_FR, buf, sizeof buf),
			 "2024-02-0\xce\xab");
	ck_assert_str_eq(report_date("2024-02-\xce\xab\xce\xab", REPORT_FR, buf, 11),
			 "2024-02-\xce\xab");
	ck_assert_int_eq(report_lang_parse("fr_BE"), REPORT_FR);
	ck_assert_int_eq(report_lang_parse(NULL), REPORT_EN);
}
END_TEST

Suite *make_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("render");

	tcase_add_test(tc, test_overdue_text_english);
	tcase_add_test(tc, test_overdue_text_french);
	tcase_add_test(tc, test_overdue_csv_quotes_and_formulas);
	tcase_add_test(tc, test_wrong_shape_is_refused);
	tcase_add_test(tc, test_brief_text);
	tcase_add_test(tc, test_brief_quotes_balanced);
	tcase_add_test(tc, test_summary_aligned);
	tcase_add_test(tc, test_days_and_dates);
	suite_add_tcase(s, tc);
	return s;
}
