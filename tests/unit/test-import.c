/* test-import.c — bulk import parsing: real-looking minutes (tests/data/minutes), CSV and JSON,
 * line-end and BOM variants, every refusal with its row and field, and the 10,000-item bound. */
#include "suivi-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "suites.h"
#include "test-import.h"
#include "util.h"

#define NBSP "\xc2\xa0"
#define NNBSP "\xe2\x80\xaf"

struct expect_minutes {
	const char *file;
	size_t n;
	int rows[10];
	const char *texts[10];
};

struct expect_error {
	const char *file;
	const char *media_type;
	int row;
	const char *unit;
	const char *field;   /* NULL: none expected */
	const char *message; /* exact */
};

static char *read_data(const char *name, size_t *len);
static char *crlf_bom(const char *data, size_t len, bool cr_only, size_t *out_len);
static void assert_same_items(const struct import_result *a, const struct import_result *b);
static void assert_str_or_null(const char *got, const char *want);

/* The default workflow and the limits of POST /v1/recommendations, as api-import.c passes them. */
static const char *const open_statuses[] = {"proposed", "accepted", "in_progress", "blocked", NULL};
static const char *const closed_statuses[] = {"implemented", "not_accepted", "obsolete", NULL};
static const char *const priorities[] = {"low", "normal", "high", NULL};
const struct import_options import_test_opts = {
    .open_statuses = open_statuses,
    .closed_statuses = closed_statuses,
    .priorities = priorities,
    .text_max = 4000,
    .details_max = 20000,
    .tag_max = 50,
    .tags_max = 20,
    .supporting_max = 20,
};

static const struct expect_minutes minutes[] = {
    {"minutes/bamako-2019.txt",
     8,
     {18, 20, 23, 24, 25, 27, 29, 30},
     {"Mettre en place un cadre de concertation périodique des acteurs de la lutte contre "
      "les stupéfiants, au niveau national et régional.",
      "Élaborer un guide pratique en matière de trafic de stupéfiants à l’usage des "
      "enquêteurs et des magistrats.",
      "désigner dans chaque pays un point de contact joignable en permanence ;",
      "mettre en place une base de données régionale partagée sur les saisies ;",
      "organiser des opérations conjointes sur le terrain, en partenariat avec les acteurs "
      "et les gouvernements locaux.",
      "Assurer une surveillance accrue des flux financiers liés au trafic, avec l’appui des "
      "cellules de renseignement financier.",
      "Institutionnaliser un séminaire national annuel.",
      "Faire des plaidoyers pour la mise en œuvre des recommandations du séminaire national "
      "de 2016 sur la lutte contre les stupéfiants."}},
    {"minutes/eu-ca-2023.txt",
     7,
     {16, 18, 20, 22, 24, 26, 27},
     {"Renforcer la coopération afin de mettre en place des stratégies équilibrées et "
      "intégrées dans le domaine de la lutte contre la drogue ;",
      "Partager les bonnes pratiques sur les conséquences de la consommation de drogue sur "
      "la santé ;",
      "Drogues de synthèse et précurseurs : cartographier les laboratoires et les routes "
      "d’approvisionnement ;",
      "Enquêtes transfrontalières et blanchiment d’argent provenant des drogues de "
      "synthèse, notamment l’application des normes du GAFI ;",
      "Fonctionnement des marchés du darknet et contre-mesures à prendre par les décideurs "
      "et les services répressifs ;",
      "Renforcement de l’échange de connaissances et des capacités ;",
      "Approche globale fondée sur les droits : mesures préventives, traitements et "
      "réduction des risques plutôt que criminalisation."}},
    {"minutes/benelux-postal-2024.txt",
     6,
     {18, 20, 22, 27, 29, 30},
     {"Diffuser le «" NBSP "modèle de barrière" NBSP "» à l’ensemble des services "
      "répressifs et douaniers des États membres participants.",
      "Mettre en place un réseau de points de contact entre la police, les douanes et les "
      "opérateurs postaux et de messagerie.",
      "Développer des outils de détection précoce des envois de drogues de synthèse, en "
      "lien avec le projet de détection de l’OMD et les programmes de l’OICS.",
      "Renforcer le partage d’informations avec les opérateurs postaux privés, dans le "
      "respect du cadre de protection des données.",
      "Organiser une réunion de suivi en 2025" NNBSP ";", "Évaluer l’efficacité des barrières"}},
    {"minutes/cosi-clasi-2024.txt",
     6,
     {16, 18, 20, 23, 25, 26},
     {"établir des procédures de travail conjointes entre le COSI et le CLASI, définissant "
      "le cycle des prochaines réunions ;",
      "favoriser les synergies entre SOCTA et IDEAL 3.0, qui soutiendra les plans d’action "
      "opérationnels des pays du CLASI ;",
      "donner suite à la déclaration commune UE-CLASI du 28 septembre 2023.",
      "de mobiliser l’Alliance portuaire européenne contre l’infiltration des ports par la "
      "criminalité organisée ;",
      "de renforcer la coopération contre la traite des êtres humains ;",
      "d’étudier l’usage criminel des plateformes de cryptographie avec l’appui "
      "d’EUROPOL."}},
    {"minutes/eu-ca-ct-2015.txt",
     6,
     {17, 19, 20, 24, 26, 28},
     {"Cooperate more closely on countering violent extremism and radicalisation, "
      "including the risks posed by foreign terrorist fighters.",
      "Share best practices on counter-terrorism legislation.",
      "Draw on the practical experience of the Central Asian countries facing terrorist "
      "threats in the region bordering Afghanistan.",
      "Report on progress to the next EU–Central Asia High-Level Security Dialogue (the "
      "second round was held in Dushanbe on 11 March 2015).",
      "Identify new priorities and joint activities for the EU and Central Asia to "
      "counter terrorism.",
      "Circulate these conclusions to all participants before 30 April 2015."}},
    /* A real report as published, untouched: eight "- " items between prose lines. */
    {"seeds/000_22a1b08ae9fa8f8a.txt",
     8,
     {7, 8, 9, 10, 11, 12, 13, 14},
     {"Renforcer la coopération afin de mettre en place des stratégies équilibrées et "
      "intégrées dans le domaine de la lutte contre la drogue.",
      "Bonnes pratiques sur les conséquences de la consommation de drogue sur la santé.",
      "Drogues de synthèse et précurseurs.",
      "Enquêtes transfrontalières et blanchiment d’argent provenant des drogues de "
      "synthèse ainsi que comment appliquer les normes du GAFI.",
      "Fonctionnement des marchés du darknet et contre-mesures que doivent prendre les "
      "décideurs politiques et les services répressifs.",
      "Renforcement de l’échange de connaissances.", "Renforcement des capacités.",
      "Approche globale fondée sur les droits, préconisant des mesures préventives, des "
      "traitements et la réduction des risques plutôt que la criminalisation."}},
};

static const struct expect_error bad_files[] = {
    {"minutes/bad-utf8.txt", "text/plain", 4, "line", NULL,
     "is not valid UTF-8 (save the file as UTF-8)"},
    {"minutes/bad-control.txt", "text/plain", 3, "line", "text",
     "contains the control character U+0007"},
    {"minutes/bad-empty.txt", "text/plain", 0, NULL, NULL,
     "no recommendation found in the minutes"},
    /* Prose reports without a list: nothing to import, and said so. */
    {"seeds/001_e6407ce75b95ac61.txt", "text/plain", 0, NULL, NULL,
     "no recommendation found in the minutes"},
    {"seeds/003_478cbb3d9346e4ba.txt", "text/plain", 0, NULL, NULL,
     "no recommendation found in the minutes"},
    {"minutes/bad-unbalanced.csv", "text/csv", 3, "row", "details",
     "has a quote that is never closed"},
    {"minutes/bad-column.csv", "text/csv", 1, "row", "responsable",
     "unknown column (the columns are text, details, owner, due_on, priority, status, tags "
     "and supporting)"},
    {"minutes/bad-date.csv", "text/csv", 3, "row", "due_on",
     "2019-02-30 is not a date (YYYY-MM-DD)"},
    {"minutes/bad-fields.csv", "text/csv", 3, "row", NULL, "has 3 fields, the header has 2"},
    {"minutes/bad-owner.json", "application/json", 2, "element", "owner",
     "the owner \"OCRTIS France\" is not a handle (a-z, 0-9 and '-', 1 to 63 characters, "
     "not starting with '-')"},
    {"minutes/bad-status.json", "application/json", 1, "element", "status",
     "implemented is a closed status: an import creates open recommendations (proposed, "
     "accepted, in_progress, blocked)"},
    {"minutes/bad-key.json", "application/json", 2, "element", "meeting",
     "unknown field: the meeting is the one in the URL"},
    {"minutes/bad-type.json", "application/json", 1, "element", "tags",
     "must be an array of strings"},
    {"minutes/bad-duplicate.json", "application/json", 0, NULL, NULL,
     "not valid JSON (line 1, column 55): duplicate object key near '\"text\"'"},
};

static char *read_data(const char *name, size_t *len)
{
	const char *dir = getenv("SUIVI_TEST_DATA");
	ck_assert_msg(dir != NULL, "SUIVI_TEST_DATA is not set");
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	size_t cap = 1 << 16, n, total = 0;
	char *buf = xmalloc(cap);
	while ((n = fread(buf + total, 1, cap - total, f)) > 0)
		total += n;
	ck_assert_msg(total < cap, "%s is too large for a test file", path);
	fclose(f);
	free(path);
	buf[total] = '\0';
	*len = total;
	return buf;
}

int import_test_parse(const char *type, const char *data, size_t len, struct import_result *res,
		      struct import_error *err)
{
	return import_parse(type, data, len, &import_test_opts, res, err);
}

void import_test_ok(const char *type, const char *data, size_t len, struct import_result *res)
{
	struct import_error err;
	if (import_test_parse(type, data, len, res, &err) == -1) {
		char *s = import_error_string(&err);
		ck_abort_msg("refused: %s", s);
	}
}

void import_test_err(const char *type, const char *data, struct import_error *err)
{
	struct import_result res = {(void *)1, 7};
	ck_assert_int_eq(import_test_parse(type, data, strlen(data), &res, err), -1);
	ck_assert_ptr_null(res.items);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_nonnull(err->message);
}

/* The same document with a BOM and CR LF (or CR alone) line ends. */
static char *crlf_bom(const char *data, size_t len, bool cr_only, size_t *out_len)
{
	char *out = xmalloc(3 + 2 * len + 1);
	size_t n = 0;
	memcpy(out, "\xef\xbb\xbf", 3);
	n = 3;
	for (size_t i = 0; i < len; i++) {
		if (data[i] == '\n') {
			out[n++] = '\r';
			if (!cr_only)
				out[n++] = '\n';
		} else {
			out[n++] = data[i];
		}
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got != NULL ? got : "(null)", want);
}

static void assert_same_items(const struct import_result *a, const struct import_result *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct import_item *x = &a->items[i], *y = &b->items[i];
		ck_assert_int_eq(x->row, y->row);
		ck_assert_str_eq(x->text, y->text);
		assert_str_or_null(x->details, y->details);
		assert_str_or_null(x->owner, y->owner);
		assert_str_or_null(x->due_on, y->due_on);
		assert_str_or_null(x->priority, y->priority);
		assert_str_or_null(x->status, y->status);
		ck_assert_uint_eq(x->ntags, y->ntags);
		for (size_t j = 0; j < x->ntags; j++)
			ck_assert_str_eq(x->tags[j], y->tags[j]);
		ck_assert_uint_eq(x->nsupporting, y->nsupporting);
		for (size_t j = 0; j < x->nsupporting; j++)
			ck_assert_str_eq(x->supporting[j], y->supporting[j]);
	}
}

char *import_test_repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = xmalloc(len * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

START_TEST(test_minutes_files)
{
	const struct expect_minutes *m = &minutes[_i];
	struct import_result res;
	size_t len;
	char *data = read_data(m->file, &len);
	import_test_ok("text/plain", data, len, &res);
	ck_assert_msg(res.n == m->n, "%s: %zu items, expected %zu", m->file, res.n, m->n);
	for (size_t i = 0; i < m->n; i++) {
		ck_assert_int_eq(res.items[i].row, m->rows[i]);
		ck_assert_str_eq(res.items[i].text, m->texts[i]);
		ck_assert_ptr_null(res.items[i].owner);
		ck_assert_ptr_null(res.items[i].details);
		ck_assert_uint_eq(res.items[i].ntags, 0);
	}
	import_result_free(&res);
	free(data);
}
END_TEST

/* CR LF + BOM and CR-only + BOM give the very same items as LF, rows included. */
static const char *const variant_files[][2] = {
    {"minutes/bamako-2019.txt", "text/plain"},
    {"minutes/eu-ca-2023.txt", "text/plain"},
    {"minutes/benelux-postal-2024.txt", "text/plain"},
    {"minutes/cosi-clasi-2024.txt", "text/plain"},
    {"minutes/eu-ca-ct-2015.txt", "text/plain"},
    {"minutes/recommendations.csv", "text/csv"},
    {"minutes/recommendations.json", "application/json"},
};

START_TEST(test_line_end_variants)
{
	const char *file = variant_files[_i][0], *type = variant_files[_i][1];
	struct import_result lf, crlf, cr;
	size_t len, len2, len3;
	char *data = read_data(file, &len);
	char *v2 = crlf_bom(data, len, false, &len2);
	char *v3 = crlf_bom(data, len, true, &len3);
	import_test_ok(type, data, len, &lf);
	import_test_ok(type, v2, len2, &crlf);
	assert_same_items(&lf, &crlf);
	if (strcmp(type, "application/json") != 0) { /* a lone CR is not JSON white space */
		import_test_ok(type, v3, len3, &cr);
		assert_same_items(&lf, &cr);
		import_result_free(&cr);
	}
	ck_assert_uint_gt(lf.n, 2);
	import_result_free(&lf);
	import_result_free(&crlf);
	free(data);
	free(v2);
	free(v3);
}
END_TEST

START_TEST(test_bad_files)
{
	const struct expect_error *x = &bad_files[_i];
	struct import_result res;
	struct import_error err;
	size_t len;
	char *data = read_data(x->file, &len);
	ck_assert_int_eq(import_parse(x->media_type, data, len, &import_test_opts, &res, &err), -1);
	ck_assert_ptr_null(res.items);
	ck_assert_int_eq(err.row, x->row);
	assert_str_or_null(err.unit, x->unit);
	assert_str_or_null(err.field, x->field);
	ck_assert_str_eq(err.message, x->message);
	import_error_clear(&err);
	free(data);
}
END_TEST

START_TEST(test_csv_file)
{
	struct import_result res;
	size_t len;
	char *data = read_data("minutes/recommendations.csv", &len);
	import_test_ok("text/csv", data, len, &res);
	ck_assert_uint_eq(res.n, 4);
	const struct import_item *a = &res.items[0], *b = &res.items[1], *c = &res.items[2],
				 *d = &res.items[3];
	ck_assert_int_eq(a->row, 2);
	ck_assert_str_eq(a->text,
			 "Mettre en place une base de données régionale partagée sur les saisies.");
	ck_assert_str_eq(a->details, "Hébergée par l’OCS ; accès pour les six pays.\nVoir le "
				     "compte rendu, « Recommandations », point 3 b).");
	ck_assert_str_eq(a->owner, "ocrtis");
	ck_assert_str_eq(a->due_on, "2026-03-31");
	ck_assert_str_eq(a->priority, "high");
	ck_assert_str_eq(a->status, "accepted");
	ck_assert_uint_eq(a->ntags, 2);
	ck_assert_str_eq(a->tags[0], "données");
	ck_assert_str_eq(a->tags[1], "coopération");
	ck_assert_uint_eq(a->nsupporting, 2);
	ck_assert_str_eq(a->supporting[0], "unodc");
	ck_assert_str_eq(a->supporting[1], "interpol");
	/* Row 2 spans two lines: rows count records, so this is row 3. */
	ck_assert_int_eq(b->row, 3);
	ck_assert_str_eq(b->text, "Élaborer un guide \"trafic de stupéfiants\" à l’usage des "
				  "enquêteurs, des magistrats et des douaniers.");
	ck_assert_ptr_null(b->details);
	ck_assert_ptr_null(b->due_on);
	ck_assert_ptr_null(b->priority);
	ck_assert_uint_eq(b->nsupporting, 0);
	ck_assert_int_eq(c->row, 4);
	ck_assert_ptr_null(c->owner);
	ck_assert_str_eq(c->due_on, "2020-12-31");
	ck_assert_str_eq(c->priority, "low");
	/* Row 5 is all empty: skipped but counted. */
	ck_assert_int_eq(d->row, 6);
	ck_assert_str_eq(d->text, "Organiser des opérations conjointes\nsur le terrain.");
	ck_assert_ptr_null(d->details); /* a cell of spaces */
	ck_assert_str_eq(d->owner, "minusma");
	ck_assert_str_eq(d->status, "proposed");
	ck_assert_uint_eq(d->ntags, 2); /* the repeated "terrain" is kept once */
	ck_assert_str_eq(d->tags[0], "terrain");
	ck_assert_str_eq(d->tags[1], "opérations");
	import_result_free(&res);
	free(data);

	/* A French spreadsheet: BOM, CR LF, ';' between fields, header in any case. */
	data = read_data("minutes/excel-fr.csv", &len);
	import_test_ok("text/csv; charset=UTF-8", data, len, &res);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_str_eq(
	    res.items[0].text,
	    "Diffuser le modèle de barrière aux services douaniers ; priorité aux ports.");
	ck_assert_str_eq(res.items[0].owner, "douanes-be");
	ck_assert_str_eq(res.items[0].due_on, "2024-09-30");
	ck_assert_uint_eq(res.items[0].ntags, 2);
	ck_assert_str_eq(res.items[0].tags[1], "empact");
	ck_assert_int_eq(res.items[1].row, 3);
	ck_assert_str_eq(res.items[1].owner, "police-be");
	ck_assert_ptr_null(res.items[1].due_on);
	import_result_free(&res);
	free(data);
}
END_TEST

START_TEST(test_json_file)
{
	struct import_result res;
	size_t len;
	char *data = read_data("minutes/recommendations.json", &len);
	import_test_ok("application/json", data, len, &res);
	ck_assert_uint_eq(res.n, 3);
	const struct import_item *a = &res.items[0], *b = &res.items[1], *c = &res.items[2];
	ck_assert_int_eq(a->row, 1);
	ck_assert_str_eq(a->text,
			 "Établir des procédures de travail conjointes entre le COSI et le CLASI.");
	ck_assert_str_eq(a->owner, "cosi");
	ck_assert_uint_eq(a->nsupporting, 2);
	ck_assert_str_eq(a->supporting[1], "europol");
	ck_assert_str_eq(a->status, "accepted");
	ck_assert_str_eq(a->priority, "high");
	ck_assert_str_eq(a->due_on, "2024-12-31");
	ck_assert_uint_eq(a->ntags, 2);
	ck_assert_str_eq(a->tags[0], "procédures");
	ck_assert_int_eq(b->row, 2);
	ck_assert_str_eq(b->details, "Voir la séance de l’après-midi.\nPlans d’action "
				     "opérationnels des pays du CLASI.");
	ck_assert_ptr_null(b->owner); /* null is "not given" */
	ck_assert_ptr_null(b->due_on);
	ck_assert_uint_eq(b->ntags, 0);
	ck_assert_str_eq(c->text, "Étudier l’usage criminel des plateformes de cryptographie.");
	import_result_free(&res);
	free(data);
}
END_TEST

/* Line rules of text/plain, one by one (import.h documents them). */
START_TEST(test_minutes_rules)
{
	static const struct {
		const char *in;
		size_t n;
		const char *texts[4];
		int rows[4];
	} cases[] = {
	    /* A heading closes an unpunctuated item instead of being joined to it. */
	    {"- Premier point sans point final\nAutres mesures :\n- Second point.\n",
	     2,
	     {"Premier point sans point final", "Second point."},
	     {1, 3}},
	    /* Prose after a punctuated item is not part of it; after an unpunctuated one,
	     * it is (wrapped text). */
	    {"- Point clos.\nLa séance est levée.\n- Point ouvert\net continué ici.\n",
	     2,
	     {"Point clos.", "Point ouvert et continué ici."},
	     {1, 3}},
	    /* ';' and '…' end a sentence too, also before closing quotes. */
	    {"- Un ;\nProse.\n- Deux\xe2\x80\xa6\nProse.\n- \xc2\xab Trois. \xc2\xbb\nProse.\n",
	     3,
	     {"Un ;", "Deux\xe2\x80\xa6", "\xc2\xab Trois. \xc2\xbb"},
	     {1, 3, 5}},
	    /* Indented lines continue even after a full stop; a blank line ends the item. */
	    {"1) Première phrase.\n   Deuxième phrase.\n\n   Paragraphe suivant.\n",
	     1,
	     {"Première phrase. Deuxième phrase."},
	     {1}},
	    /* A lead-in ending with ':' is dropped, its sub-items kept. */
	    {"1. Les États s’engagent à :\n  a) ratifier ;\n  b) appliquer.\n",
	     2,
	     {"ratifier ;", "appliquer."},
	     {2, 3}},
	    /* ... but a marker line ending with ':' that continues is an item. */
	    {"- Aux États membres :\n  ratifier la convention.\n",
	     1,
	     {"Aux États membres : ratifier la convention."},
	     {1}},
	    /* Not items: titles and honorifics, years, a dash without space, rules, rules after
	     * a marker (written back as "- * *" they would be a rule). */
	    {"A. Contexte\nM. Dupont ouvre la séance.\nII. Débats\n2023. Bilan.\n-pas un "
	     "point\n----\n* * *\n1. * *\n\xe2\x80\xa2 - -\n# Titre\n(b) Un point.\n",
	     1,
	     {"Un point."},
	     {11}},
	    /* Bullets from word processors; white space collapsed, a lone no-break space
	     * kept, a run with one no-break space becomes one space. */
	    {"\xe2\x80\xa2\tUn  point\t\t" NBSP " ici.\n\xe2\x80\x94 Deux" NBSP "!\n"
	     "\xef\x82\xb7 Trois.\n\xe2\x97\xa6 Quatre" NBSP NBSP "?\n",
	     4,
	     {"Un point ici.", "Deux" NBSP "!", "Trois.", "Quatre ?"},
	     {1, 2, 3, 4}},
	    /* A separator ends the item; form feeds (page breaks) are white space. */
	    {"12. Douze\n=====\nsuite ignorée\n\f\n13.\fTreize.\n",
	     2,
	     {"Douze", "Treize."},
	     {1, 5}},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct import_result res;
		import_test_ok("text/plain", cases[i].in, strlen(cases[i].in), &res);
		ck_assert_msg(res.n == cases[i].n, "case %zu: %zu items", i, res.n);
		for (size_t j = 0; j < res.n; j++) {
			ck_assert_str_eq(res.items[j].text, cases[i].texts[j]);
			ck_assert_int_eq(res.items[j].row, cases[i].rows[j]);
		}
		import_result_free(&res);
	}
}
END_TEST

START_TEST(test_minutes_refusals)
{
	struct import_error err;
	/* Invalid UTF-8 is refused even on a prose line, naming it. */
	import_test_err("text/plain", "Titre\n\nPr\xe9sents : tous.\n- Point.\n", &err);
	ck_assert_int_eq(err.row, 3);
	ck_assert_str_eq(err.unit, "line");
	import_error_clear(&err);

	char nul[] = "- Un.\n- Deux\0.\n";
	struct import_result res;
	ck_assert_int_eq(
	    import_parse("text/plain", nul, sizeof nul - 1, &import_test_opts, &res, &err), -1);
	ck_assert_int_eq(err.row, 2);
	ck_assert_str_eq(err.message, "contains the control character U+0000");
	import_error_clear(&err);

	/* 4000 characters (8000 bytes) pass, 4001 do not. */
	char *text = import_test_repeat("é", 4000);
	char *doc = xasprintf("- %s\n", text);
	import_test_ok("text/plain", doc, strlen(doc), &res);
	ck_assert_str_eq(res.items[0].text, text);
	import_result_free(&res);
	free(doc);
	doc = xasprintf("Intro.\n- %sé\n", text);
	import_test_err("text/plain", doc, &err);
	ck_assert_int_eq(err.row, 2);
	ck_assert_str_eq(err.field, "text");
	ck_assert_str_eq(err.message, "is 4001 characters long, more than 4000");
	import_error_clear(&err);
	free(doc);
	free(text);

	import_test_err("text/plain", "", &err);
	ck_assert_str_eq(err.message, "no recommendation found in the minutes");
	import_error_clear(&err);
}
END_TEST

START_TEST(test_csv_refusals)
{
	static const struct {
		const char *in;
		int row;
		const char *field;
		const char *message;
	} cases[] = {
	    {"", 0, NULL, "the CSV is empty: a header row is expected"},
	    {"text,owner\n", 0, NULL, "no recommendation found in the CSV"},
	    {"owner,due_on\nocrtis,2024-01-01\n", 1, "text", "the header has no text column"},
	    {"text,Owner,OWNER\n", 1, "OWNER", "the column is repeated"},
	    {"text,,owner\n", 1, NULL, "column 2 of the header has no name"},
	    {"text,owner\nUn point.,ocrtis\n,ocrtis\n", 3, "text", "is required"},
	    {"text,owner\nUn 12\" point.,ocrtis\n", 2, "text",
	     "has a quote inside an unquoted field (enclose the field in quotes and double "
	     "the quote)"},
	    {"text,owner\n\"Un point\" suite,ocrtis\n", 2, "text",
	     "has text after its closing quote"},
	    {"text,owner\nUn point.,OCRTIS\n", 2, "owner",
	     "the owner \"OCRTIS\" is not a handle (a-z, 0-9 and '-', 1 to 63 characters, not "
	     "starting with '-')"},
	    {"text,priority\nUn point.,urgent\n", 2, "priority",
	     "\"urgent\" is not one of low, normal, high"},
	    {"text,status\nUn point.,obsolete\n", 2, "status",
	     "obsolete is a closed status: an import creates open recommendations (proposed, "
	     "accepted, in_progress, blocked)"},
	    {"text,supporting\nUn point.,unodc;Interpol\n", 2, "supporting",
	     "a supporting owner \"Interpol\" is not a handle (a-z, 0-9 and '-', 1 to 63 "
	     "characters, not starting with '-')"},
	    {"text,details\nUn point.,\"d\xc3\"\n", 2, "details",
	     "is not valid UTF-8 (save the file as UTF-8)"},
	    {"text,tags\nUn point.,\"a\x01\"\n", 2, "tags",
	     "tag 1 contains the control character U+0001"},
	    {"text\n\"Un\x1bpoint.\"\n", 2, "text", "contains the control character U+001B"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct import_error err;
		import_test_err("text/csv", cases[i].in, &err);
		ck_assert_msg(err.row == cases[i].row, "case %zu: row %d", i, err.row);
		assert_str_or_null(err.field, cases[i].field);
		ck_assert_str_eq(err.message, cases[i].message);
		import_error_clear(&err);
	}
}
END_TEST

START_TEST(test_csv_dialect)
{
	struct import_result res;
	/* Tab-separated, padded quotes, CR line ends, a single-column file. */
	const char *tsv = "text\towner\r \"Un point.\" \tocrtis\rDeux points.\t\r";
	import_test_ok("text/csv", tsv, strlen(tsv), &res);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_str_eq(res.items[0].text, "Un point.");
	ck_assert_str_eq(res.items[0].owner, "ocrtis");
	ck_assert_ptr_null(res.items[1].owner);
	import_result_free(&res);
	const char *one = "Text\n\"Un, deux.\"\n\nTrois.";
	import_test_ok("text/csv", one, strlen(one), &res);
	ck_assert_uint_eq(res.n, 2);
	ck_assert_str_eq(res.items[0].text, "Un, deux.");
	ck_assert_int_eq(res.items[1].row, 4);
	import_result_free(&res);
}
END_TEST

START_TEST(test_json_refusals)
{
	static const struct {
		const char *in;
		int row;
		const char *field;
		const char *message;
	} cases[] = {
	    {"[]", 0, NULL, "no recommendation found in the JSON array"},
	    {"{\"text\":\"Un point.\"}", 0, NULL, "expected an array of recommendation objects"},
	    {"[{\"text\":\"a\"}] x", 0, NULL,
	     "not valid JSON (line 1, column 16): end of file expected near 'x'"},
	    {"[{\"text\":\"Un.\"}, \"Deux.\"]", 2, NULL, "is not an object"},
	    {"[{\"text\":\"Un.\", \"titre\":\"x\"}]", 1, "titre", "unknown field"},
	    {"[{\"text\":42}]", 1, "text", "must be a string"},
	    {"[{\"details\":\"x\"}]", 1, "text", "is required"},
	    {"[{\"text\":\" \\n \"}]", 1, "text", "is empty"},
	    {"[{\"text\":\"Un.\", \"supporting\":[\"unodc\", 3]}]", 1, "supporting",
	     "entry 2 is not a string"},
	    {"[{\"text\":\"Un.\", \"due_on\":\"31/12/2024\"}]", 1, "due_on",
	     "31/12/2024 is not a date (YYYY-MM-DD)"},
	    {"[{\"text\":\"Un.\", \"tags\":[\"a\", \"\"]}]", 1, "tags", "tag 2 is empty"},
	    {"[{\"text\":\"Un\\u0007.\"}]", 1, "text", "contains the control character U+0007"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct import_error err;
		import_test_err("application/json", cases[i].in, &err);
		ck_assert_msg(err.row == cases[i].row, "case %zu: row %d", i, err.row);
		assert_str_or_null(err.field, cases[i].field);
		ck_assert_str_eq(err.message, cases[i].message);
		import_error_clear(&err);
	}
}
END_TEST

Suite *make_import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("files");
	tcase_add_loop_test(tc, test_minutes_files, 0, (int)ARRAY_LEN(minutes));
	tcase_add_loop_test(tc, test_line_end_variants, 0, (int)ARRAY_LEN(variant_files));
	tcase_add_loop_test(tc, test_bad_files, 0, (int)ARRAY_LEN(bad_files));
	tcase_add_test(tc, test_csv_file);
	tcase_add_test(tc, test_json_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_test(tc, test_minutes_rules);
	tcase_add_test(tc, test_minutes_refusals);
	tcase_add_test(tc, test_csv_refusals);
	tcase_add_test(tc, test_csv_dialect);
	tcase_add_test(tc, test_json_refusals);
	suite_add_tcase(s, tc);
	return s;
}
