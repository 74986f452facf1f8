/* test-import-files.c — suivi import reads the files secretariats receive.
 *
 * The fixtures are made here from the seed reports (make-documents.py: .docx and .odt with
 * Python's zipfile, .html, .pdf with groff -Tpdf), and so are the bad files. Against a real
 * PostgreSQL and suivid: every format gives the same candidates as the text, with the paragraph
 * or page they come from; each bad file (truncated zip, zip bomb, a zip that is no document, a
 * PNG named .docx, an encrypted PDF, a PDF without text, 50 MB of text) is refused with one
 * sentence and nothing is created. The time of each format's import of the largest seed is
 * printed as a TAP comment. */
#include "suivi-config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "apitest.h"
#include "client-run.h"

static char workdir[] = "/tmp/suivi-files-XXXXXX";
static const char *const seeds[] = {"000", "001", "002", "003", "004"};
static const char *const formats[] = {"txt", "docx", "odt", "html", "pdf"};

static json_t *dry_texts(const char *meeting, const char *file, double *ms);
static char *fixture(const char *name);

START_TEST(every_format_gives_the_texts_candidates)
{
	mk_meeting("fi-all", "2024-05-30", NULL);
	char *before = state_digest();
	for (size_t s = 0; s < ARRAY_LEN(seeds); s++) {
		char *txt = xasprintf("%s.txt", seeds[s]);
		char *path = fixture(txt);
		json_t *want = dry_texts("fi-all", path, NULL);
		free(path);
		free(txt);
		ck_assert_uint_gt(json_array_size(want), 0);
		for (size_t f = 1; f < ARRAY_LEN(formats); f++) {
			char *name = xasprintf("%s.%s", seeds[s], formats[f]);
			path = fixture(name);
			json_t *got = dry_texts("fi-all", path, NULL);
			ck_assert_msg(json_equal(want, got), "%s: %s\nthe text gives %s", name,
				      json_dumps(got, 0), json_dumps(want, 0));
			json_decref(got);
			free(path);
			free(name);
		}
		json_decref(want);
	}
	assert_same_state(before);
	free(before);

	/* The largest seed (003), each format's whole import run, dry. */
	for (size_t f = 0; f < ARRAY_LEN(formats); f++) {
		char *name = xasprintf("003.%s", formats[f]);
		char *path = fixture(name);
		double ms = 0;
		json_decref(dry_texts("fi-all", path, &ms));
		printf("# suivi import --dry-run 003.%s: %.0f ms\n", formats[f], ms);
		free(path);
		free(name);
	}
	fflush(stdout);
}
END_TEST

START_TEST(provenance_paragraph_and_page)
{
	mk_meeting("fi-prov", "2019-10-01", NULL);
	static const struct {
		const char *file, *where;
	} cases[] = {
	    {"001.docx", "From 001.docx, paragraph 6: “C’est pourquoi"},
	    {"001.odt", "From 001.odt, paragraph 6: “C’est pourquoi"},
	    {"001.html", "From 001.html, paragraph 6: “C’est pourquoi"},
	    {"001.pdf", "From 001.pdf, page 1: “C’est pourquoi"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *path = fixture(cases[i].file);
		struct run r =
		    suivi_run(at.secretariat, NULL, "import", "fi-prov", path, "--pick", "1", NULL);
		expect(&r, 0);
		run_free(&r);
		char *ref = xasprintf("fi-prov/%zu", i + 1);
		r = suivi_run(at.viewer, NULL, "show", ref, NULL);
		expect(&r, 0);
		ck_assert_msg(strstr(r.out, cases[i].where) != NULL, "%s", r.out);
		ck_assert_ptr_nonnull(strstr(r.out, "La mise en place d’un cadre de concertation"));
		run_free(&r);
		free(ref);
		free(path);
	}
}
END_TEST

START_TEST(bad_files_refused_with_one_sentence)
{
	mk_meeting("fi-bad", "2019-10-01", NULL);
	static const struct {
		const char *file, *says;
	} bad[] = {
	    {"truncated.docx", "truncated.docx is a damaged zip archive"},
	    {"bomb.docx", "bomb.docx expands beyond 32 MB (word/document.xml): refused as a zip "
			  "bomb"},
	    {"photos.docx", "photos.docx is a zip archive but neither a Word (.docx) nor an "
			    "OpenDocument text (.odt) document"},
	    {"png.docx", "png.docx is a PNG image, not a document suivi reads"},
	    {"encrypted.pdf", "encrypted.pdf is encrypted (password-protected)"},
	    {"scan.pdf", "scan.pdf has no text layer (a scan?): run OCR on it first"},
	    {"big.txt", "big.txt is larger than 16 MB: refused"},
	};
	char *before = state_digest();
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *path = fixture(bad[i].file);
		struct run r = suivi_run(at.secretariat, NULL, "import", "fi-bad", path, NULL);
		expect(&r, 1);
		ck_assert_msg(strstr(r.err, bad[i].says) != NULL, "%s: %s", bad[i].file, r.err);
		ck_assert_msg(count_lines(r.err) == 1, "%s: more than one line: %s", bad[i].file,
			      r.err);
		run_free(&r);
		free(path);
	}
	assert_same_state(before);
	free(before);
}
END_TEST

/* suivi --json import MEETING FILE --dry-run --min-confidence 0: the texts it would create. */
static json_t *dry_texts(const char *meeting, const char *file, double *ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct run r = suivi_run(at.secretariat, NULL, "--json", "import", meeting, file,
				 "--dry-run", "--min-confidence", "0", NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ms != NULL)
		*ms =
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_msg(r.code == 0, "%s: %s", file, r.err);
	json_t *j = parse_json(&r);
	json_t *texts = json_array();
	size_t i;
	json_t *it;
	json_array_foreach (json_object_get(j, "items"), i, it)
		json_array_append_new(texts, json_string(JSTR(it, "text")));
	json_decref(j);
	run_free(&r);
	return texts;
}

static char *fixture(const char *name)
{
	return xasprintf("%s/%s", workdir, name);
}

/* make-documents.py writes every fixture into workdir: python3 run with its argv, no shell. */
static bool make_fixtures(void)
{
	const char *src = getenv("SUIVI_SRCDIR"), *data = getenv("SUIVI_TEST_DATA");
	if (src == NULL || data == NULL)
		return false;
	char *script = xasprintf("%s/tests/integration/make-documents.py", src);
	char *paths[ARRAY_LEN(seeds)];
	static const char *const files[] = {"000_22a1b08ae9fa8f8a.txt", "001_e6407ce75b95ac61.txt",
					    "002_676df5a59a77bd76.txt", "003_478cbb3d9346e4ba.txt",
					    "004_93118d7436fa3c47.txt"};
	static char python[] = "python3";
	char *argv[4 + ARRAY_LEN(seeds)];
	size_t n = 0;
	argv[n++] = python;
	argv[n++] = script;
	argv[n++] = workdir;
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		argv[n++] = paths[i] = xasprintf("%s/seeds/%s", data, files[i]);
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	int status = 0;
	bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 0;
	for (size_t i = 0; i < ARRAY_LEN(files); i++)
		free(paths[i]);
	free(script);
	return ok;
}

static void remove_fixtures(void)
{
	DIR *d = opendir(workdir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *p = fixture(e->d_name);
		unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(workdir);
}

static Suite *files_suite(void)
{
	Suite *s = suite_create("import_files");
	TCase *tc = tcase_create("files");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, every_format_gives_the_texts_candidates);
	tcase_add_test(tc, provenance_paragraph_and_page);
	tcase_add_test(tc, bad_files_refused_with_one_sentence);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	if (mkdtemp(workdir) == NULL)
		return EXIT_FAILURE;
	if (!make_fixtures()) {
		fprintf(stderr,
			"test-import-files: make-documents.py failed (python3, groff, qpdf: "
			"dev/deps installs them)\n");
		remove_fixtures();
		return EXIT_FAILURE;
	}
	apitest_start();
	char *url = xasprintf("http://127.0.0.1:%d", at.port);
	client_run_init(url, "/nonexistent");
	SRunner *sr = srunner_create(files_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	apitest_stop();
	free(url);
	remove_fixtures();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
