/* test-import-review.c — candidates reviewed before they are recorded, end to end.
 *
 * Against a real PostgreSQL and a real suivid: POST /v1/meetings/{code}/import?mode=candidates
 * answers the seed reports' candidates (list items and prose, with line, confidence and source
 * sentence) and creates nothing; the client's --dry-run lists them by number, --pick and
 * --min-confidence choose, --review hands them to a scripted $EDITOR (lines deleted, edited,
 * added, @owner and due: set), and what is left is imported all or nothing, each
 * recommendation keeping its provenance (file, line, sentence) in its details, shown by
 * suivi show. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "client-run.h"

static char workdir[] = "/tmp/suivi-review-XXXXXX";

static char *seed_path(const char *name);
static char *write_file(const char *name, const char *text);
static json_t *meeting_recs(const char *code);

static const char seed001[] = "001_e6407ce75b95ac61.txt";

START_TEST(api_candidates_create_nothing)
{
	mk_meeting("rv-api", "2019-10-01", NULL);
	size_t len;
	char *text = read_data("seeds/001_e6407ce75b95ac61.txt", &len);
	char *before = state_digest();

	struct http_response *r =
	    hreq(at.secretariat, "POST", "/v1/meetings/rv-api/import?mode=candidates",
		 "text/plain; charset=utf-8", text, NULL);
	ck_assert_msg(r->status == 200, "%d %s", r->status, r->body);
	json_t *j = json_loads(r->body, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(JSTR(j, "meeting"), "rv-api");
	json_t *c = json_object_get(j, "candidates");
	ck_assert_uint_eq(json_array_size(c), 8);
	json_t *first = json_array_get(c, 0);
	ck_assert_int_eq(JINT(first, "n"), 1);
	ck_assert_int_eq(JINT(first, "line"), 6);
	ck_assert_str_eq(JSTR(first, "unit"), "line");
	ck_assert_int_eq(JINT(first, "confidence"), 75);
	ck_assert(json_is_false(json_object_get(first, "list")));
	ck_assert_str_eq(JSTR(first, "text"),
			 "La mise en place d’un cadre de concertation périodique des acteurs.");
	ck_assert_ptr_nonnull(strstr(JSTR(first, "source"), "ont suggéré entre autre :"));
	ck_assert_int_eq(JINT(json_array_get(c, 7), "n"), 8);
	json_decref(j);
	http_response_free(r);
	assert_same_state(before);

	/* The meeting must exist; the mode is one of two; a bad body is refused as always. */
	r = hreq(at.secretariat, "POST", "/v1/meetings/rv-nope/import?mode=candidates",
		 "text/plain", text, NULL);
	ck_assert_int_eq(r->status, 404);
	http_response_free(r);
	r = hreq(at.secretariat, "POST", "/v1/meetings/rv-api/import?mode=maybe", "text/plain",
		 text, NULL);
	ck_assert_int_eq(r->status, 422);
	ck_assert_ptr_nonnull(strstr(r->body, "must be items or candidates"));
	http_response_free(r);
	r = hreq(at.secretariat, "POST", "/v1/meetings/rv-api/import?mode=candidates", "text/plain",
		 "Le séminaire a eu lieu.\n", NULL);
	ck_assert_int_eq(r->status, 422);
	ck_assert_ptr_nonnull(strstr(r->body, "no recommendation found"));
	http_response_free(r);
	r = hreq(at.viewer, "POST", "/v1/meetings/rv-api/import?mode=candidates", "text/plain",
		 text, NULL);
	ck_assert_int_eq(r->status, 403);
	http_response_free(r);
	/* Without the mode, minutes import their list items only, as before. */
	r = hreq(at.secretariat, "POST", "/v1/meetings/rv-api/import", "text/plain", text, NULL);
	ck_assert_int_eq(r->status, 422);
	http_response_free(r);
	assert_same_state(before);
	free(before);
	free(text);
}
END_TEST

START_TEST(dry_run_pick_and_provenance)
{
	mk_meeting("rv-pick", "2019-10-01", NULL);
	char *path = seed_path(seed001);
	char *before = state_digest();

	struct run r =
	    suivi_run(at.secretariat, NULL, "import", "rv-pick", path, "--dry-run", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "   1   75%      6  La mise en place d’un cadre") != NULL, "%s",
		      r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "   8   75%      6  Faire des plaidoyers"));
	ck_assert_ptr_nonnull(strstr(r.out, "← C’est pourquoi, les trois groupes"));
	ck_assert_ptr_nonnull(
	    strstr(r.out, "dry run: 8 recommendations would be added to rv-pick"));
	run_free(&r);
	assert_same_state(before);

	/* Bad picks are usage errors, nothing sent. */
	r = suivi_run(at.secretariat, NULL, "import", "rv-pick", path, "--pick", "3-1", NULL);
	expect(&r, 2);
	run_free(&r);
	r = suivi_run(at.secretariat, NULL, "import", "rv-pick", path, "--pick", "9", NULL);
	expect(&r, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "not among the 8 candidates"));
	run_free(&r);
	assert_same_state(before);
	free(before);

	r = suivi_run(at.secretariat, NULL, "import", "rv-pick", path, "--pick", "1-3,8", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "4 recommendations added to rv-pick"));
	run_free(&r);
	json_t *recs = meeting_recs("rv-pick");
	ck_assert_uint_eq(json_array_size(recs), 4);
	json_decref(recs);

	/* Provenance: the file, the line and the sentence, shown by suivi show. */
	r = suivi_run(at.viewer, NULL, "show", "rv-pick/4", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "Faire des plaidoyers") != NULL, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "From 001_e6407ce75b95ac61.txt, line 6: “C’est "
					    "pourquoi, les trois groupes de travail ont suggéré"));
	run_free(&r);
	free(path);
}
END_TEST

START_TEST(min_confidence_and_lists)
{
	mk_meeting("rv-conf", "2024-05-30", NULL);
	char *path = seed_path("003_478cbb3d9346e4ba.txt");
	struct run r = suivi_run(at.secretariat, NULL, "--json", "import", "rv-conf", path,
				 "--min-confidence", "80", NULL);
	expect(&r, 0);
	json_t *j = parse_json(&r);
	json_t *items = json_object_get(j, "items");
	ck_assert_uint_eq(json_array_size(items), 1);
	ck_assert_str_eq(JSTR(json_array_get(items, 0), "text"),
			 "Renforcer le partenariat en matière de justice et de sécurité pour "
			 "relever les défis communs posés par la criminalité transnationale "
			 "organisée.");
	json_decref(j);
	run_free(&r);
	r = suivi_run(at.secretariat, NULL, "import", "rv-conf", path, "--min-confidence", "101",
		      NULL);
	expect(&r, 2);
	run_free(&r);
	free(path);

	/* A bullet list keeps working: seed 000's eight dashes and its prose. */
	mk_meeting("rv-list", "2023-12-11", NULL);
	path = seed_path("000_22a1b08ae9fa8f8a.txt");
	r = suivi_run(at.secretariat, NULL, "import", "rv-list", path, NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "9 recommendations added to rv-list"));
	run_free(&r);
	r = suivi_run(at.viewer, NULL, "show", "rv-list/2", NULL);
	expect(&r, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "From 000_22a1b08ae9fa8f8a.txt, line 7."));
	run_free(&r);
	free(path);

	/* CSV says what it holds: no choosing among its rows. */
	char *csv = write_file("recs.csv", "text\nUn point\n");
	r = suivi_run(at.secretariat, NULL, "import", "rv-list", csv, "--pick", "1", NULL);
	expect(&r, 2);
	run_free(&r);
	free(csv);
}
END_TEST

START_TEST(review_in_an_editor)
{
	mk_owner("rv-ocs");
	mk_meeting("rv-edit", "2019-10-01", NULL);
	char *path = seed_path(seed001);
	/* The secretariat's edit: drop 2 and 5, reword 1, give 3 an owner and a deadline, 4 a
	 * relative deadline, and add a recommendation of its own. */
	char *script = write_file(
	    "edit.py",
	    "import sys\n"
	    "p = sys.argv[1]\n"
	    "out = []\n"
	    "for line in open(p, encoding='utf-8'):\n"
	    "    if line.startswith(('2) ', '5) ')):\n"
	    "        continue\n"
	    "    if line.startswith('1) '):\n"
	    "        line = '1) Créer un cadre de concertation périodique des acteurs\\n'\n"
	    "    if line.startswith('3) '):\n"
	    "        line = line.rstrip('\\n') + ' @rv-ocs due:2031-01-15\\n'\n"
	    "    if line.startswith('4) '):\n"
	    "        line = line.rstrip('\\n') + ' due:+3m\\n'\n"
	    "    out.append(line)\n"
	    "out.append('Publier un bilan annuel @rv-ocs\\n')\n"
	    "open(p, 'w', encoding='utf-8').write(''.join(out))\n");
	char *editor = xasprintf("python3 %s", script);
	setenv("VISUAL", editor, 1);
	struct run r = suivi_run(at.secretariat, NULL, "import", "rv-edit", path, "--review", NULL);
	expect(&r, 0);
	ck_assert_msg(strstr(r.out, "7 recommendations added to rv-edit") != NULL, "%s", r.out);
	run_free(&r);
	json_t *recs = meeting_recs("rv-edit");
	ck_assert_uint_eq(json_array_size(recs), 7);
	json_t *first = NULL, *third = NULL, *fourth = NULL, *mine = NULL;
	size_t i;
	json_t *rec;
	json_array_foreach (recs, i, rec) {
		const char *t = JSTR(rec, "text");
		if (strcmp(t, "Créer un cadre de concertation périodique des acteurs") == 0)
			first = rec;
		else if (strncmp(t, "L’application stricte", strlen("L’application stricte")) == 0)
			third = rec;
		else if (strcmp(t, "Institutionnaliser un séminaire national annuel.") == 0)
			fourth = rec;
		else if (strcmp(t, "Publier un bilan annuel") == 0)
			mine = rec;
		ck_assert_msg(strstr(t, "élaboration") == NULL &&
				  strstr(t, "base de données") == NULL,
			      "a deleted line was imported: %s", t);
	}
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(strstr(JSTR(first, "details"), "From 001_e6407ce75b95ac61.txt"));
	ck_assert_ptr_nonnull(third);
	ck_assert_str_eq(JSTR(third, "owner"), "rv-ocs");
	ck_assert_str_eq(JSTR(third, "due_on"), "2031-01-15");
	ck_assert_ptr_nonnull(fourth);
	ck_assert_ptr_nonnull(JSTR(fourth, "due_on"));
	ck_assert_ptr_nonnull(mine);
	ck_assert_str_eq(JSTR(mine, "owner"), "rv-ocs");
	json_decref(recs);
	free(editor);
	free(script);

	/* All or nothing: an unknown owner, a bad date, a failing editor, an emptied file. */
	char *before = state_digest();
	static const char append2[] =
	    "import sys\np = sys.argv[1]\n"
	    "lines = open(p, encoding='utf-8').read().split('\\n')\n"
	    "lines = [l + ' %s' if l.startswith('2) ') else l for l in lines]\n"
	    "open(p, 'w', encoding='utf-8').write('\\n'.join(lines))\n";
	char *ghost = xasprintf(append2, "@ghost-owner");
	char *baddate = xasprintf(append2, "due:someday");
	const char *const edits[][2] = {
	    {"ghost.py", ghost},
	    {"baddate.py", baddate},
	    {"fail.py", "import sys\nsys.exit(1)\n"},
	    {"empty.py", "import sys\nopen(sys.argv[1], 'w').write('# nothing\\n')\n"},
	};
	static const int codes[] = {1, 2, 2, 0};
	for (size_t k = 0; k < ARRAY_LEN(edits); k++) {
		script = write_file(edits[k][0], edits[k][1]);
		editor = xasprintf("python3 %s", script);
		setenv("VISUAL", editor, 1);
		r = suivi_run(at.secretariat, NULL, "import", "rv-edit", path, "--review", NULL);
		expect(&r, codes[k]);
		if (k == 1)
			ck_assert_ptr_nonnull(strstr(r.err, "someday is not a date"));
		if (k == 3)
			ck_assert_ptr_nonnull(strstr(r.out, "nothing imported into rv-edit"));
		run_free(&r);
		assert_same_state(before);
		free(editor);
		free(script);
	}
	unsetenv("VISUAL");
	free(ghost);
	free(baddate);
	free(before);
	free(path);
}
END_TEST

/* The seed file's path under $SUIVI_TEST_DATA (caller frees). */
static char *seed_path(const char *name)
{
	return xasprintf("%s/seeds/%s", getenv("SUIVI_TEST_DATA"), name);
}

/* A file of the test's own directory (caller frees the path). */
static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", workdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* A meeting's recommendations as the API lists them (caller decrefs). */
static json_t *meeting_recs(const char *code)
{
	char *p = xasprintf("/v1/recommendations?meeting=%s&limit=100", code);
	json_t *j = hcall(at.viewer, "GET", p, NULL, 200);
	free(p);
	json_t *items = json_incref(json_object_get(j, "items"));
	json_decref(j);
	return items;
}

static Suite *review_suite(void)
{
	Suite *s = suite_create("import_review");
	TCase *tc = tcase_create("review");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, api_candidates_create_nothing);
	tcase_add_test(tc, dry_run_pick_and_provenance);
	tcase_add_test(tc, min_confidence_and_lists);
	tcase_add_test(tc, review_in_an_editor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (mkdtemp(workdir) == NULL)
		return EXIT_FAILURE;
	apitest_start();
	char *url = xasprintf("http://127.0.0.1:%d", at.port);
	client_run_init(url, "/nonexistent");
	SRunner *sr = srunner_create(review_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	free(url);
	static const char *const files[] = {"recs.csv",   "edit.py", "ghost.py",
					    "baddate.py", "fail.py", "empty.py"};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *f = xasprintf("%s/%s", workdir, files[i]);
		unlink(f);
		free(f);
	}
	rmdir(workdir);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
