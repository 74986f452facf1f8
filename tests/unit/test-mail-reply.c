/* test-mail-reply.c — what an owner typed in a reply: quotes, attributions, Outlook blocks and
 * signatures left out, inline answers kept; one command per line in English and French. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "import/inbound.h"
#include "import/mail-reply.h"
#include "render/digest.h"
#include "suites.h"
#include "util.h"

/* The default workflow's words, as db/workflow.c gives them from GET /v1/workflow. */
static const struct mail_status_word words[] = {
    {"proposed", "proposed"},         {"proposed", "proposée"},
    {"accepted", "accepted"},         {"accepted", "acceptée"},
    {"in_progress", "in_progress"},   {"in_progress", "in progress"},
    {"in_progress", "en cours"},      {"blocked", "blocked"},
    {"blocked", "bloquée"},           {"implemented", "implemented"},
    {"implemented", "mise en œuvre"}, {"not_accepted", "not_accepted"},
    {"not_accepted", "not accepted"}, {"not_accepted", "non acceptée"},
    {"obsolete", "obsolete"},         {"obsolete", "caduque"},
};

static struct mail_reply parse(const char *text)
{
	char *kept = mail_reply_strip(text);
	struct mail_reply r;
	mail_reply_parse(kept, words, ARRAY_LEN(words), &r);
	free(kept);
	return r;
}

START_TEST(test_commands_both_languages)
{
	struct mail_reply r =
	    parse("Bonjour,\n"
		  "bamako-2019/1 implemented: the regional database went live on 3 March\n"
		  "bamako-2019/3 en cours : le guide est en relecture\n"
		  "bamako-2019/5 comment: waiting for the ministry's answer\n"
		  "bamako-2019/6 bloqué : budget non voté\n"
		  "  bamako-2019/7 MISE EN OEUVRE\n"
		  "bamako-2019/8 Commentaire\u00a0: à suivre\n"
		  "eu-ca-2023/2 in_progress\n"
		  "Cordialement\n");
	ck_assert_uint_eq(r.n, 7);
	ck_assert_str_eq(r.commands[0].ref, "bamako-2019/1");
	ck_assert_int_eq(r.commands[0].action, MAIL_ACTION_STATUS);
	ck_assert_str_eq(r.commands[0].status, "implemented");
	ck_assert_str_eq(r.commands[0].comment, "the regional database went live on 3 March");
	ck_assert_str_eq(r.commands[1].status, "in_progress");
	ck_assert_str_eq(r.commands[1].comment, "le guide est en relecture");
	ck_assert_int_eq(r.commands[2].action, MAIL_ACTION_COMMENT);
	ck_assert_str_eq(r.commands[2].comment, "waiting for the ministry's answer");
	ck_assert_str_eq(r.commands[3].status, "blocked"); /* bloqué for bloquée */
	ck_assert_str_eq(r.commands[3].comment, "budget non voté");
	ck_assert_str_eq(r.commands[4].status, "implemented"); /* case and accents */
	ck_assert_ptr_null(r.commands[4].comment);
	ck_assert_int_eq(r.commands[5].action, MAIL_ACTION_COMMENT);
	ck_assert_str_eq(r.commands[5].comment, "à suivre");
	ck_assert_str_eq(r.commands[6].status, "in_progress");
	ck_assert_uint_eq(r.n_not_understood, 2);
	ck_assert_str_eq(r.not_understood[0], "Bonjour,");
	ck_assert_str_eq(r.not_understood[1], "Cordialement");
	mail_reply_free(&r);
}
END_TEST

START_TEST(test_not_commands)
{
	struct mail_reply r = parse("bamako-2019/1 done already\n"        /* no such status */
				    "bamako-2019 implemented\n"           /* no number */
				    "Bamako-2019/1 implemented\n"         /* a code is lower case */
				    "bamako-2019/1implemented\n"          /* no space */
				    "bamako-2019/1 implementedly\n"       /* a longer word */
				    "bamako-2019/1 not accepted: non\n"); /* two words */
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.commands[0].status, "not_accepted");
	ck_assert_uint_eq(r.n_not_understood, 5);
	mail_reply_free(&r);
}
END_TEST

/* Top-posted, the digest quoted below with "> " after an attribution. */
START_TEST(test_top_posted)
{
	char *kept =
	    mail_reply_strip("bamako-2019/1 implemented: done\n"
			     "\n"
			     "On Mon, 3 Mar 2025 at 10:00, suivi <suivi@example.org> wrote:\n"
			     "> " DIGEST_REPLY_SEPARATOR "\n"
			     "> bamako-2019/3 — due 2025-03-31\n");
	ck_assert_str_eq(kept, "bamako-2019/1 implemented: done\n\n");
	free(kept);
	kept = mail_reply_strip("bamako-2019/1 en cours\n"
				"Le lun. 3 mars 2025 à 10:00, suivi <suivi@example.org> a écrit :\n"
				"> bamako-2019/3 — échéance\n");
	ck_assert_str_eq(kept, "bamako-2019/1 en cours\n");
	free(kept);
}
END_TEST

/* Outlook quotes without "> ": the digest's own ref lines come back unquoted below its
 * header block, and must not be read as commands. */
START_TEST(test_outlook_blocks)
{
	static const char *const shapes[] = {
	    "bamako-2019/1 implemented: done\r\n\r\n-----Original Message-----\r\n"
	    "From: suivi <suivi@example.org>\r\nSent: Monday\r\n\r\n"
	    "bamako-2019/3 implemented\r\n",
	    "bamako-2019/1 implemented: done\n\nDe : suivi <suivi@example.org>\n"
	    "Envoyé : lundi 3 mars 2025 10:00\nÀ : ocrtis\n\nbamako-2019/3 implemented\n",
	    "bamako-2019/1 implemented: done\n________________________________\n"
	    "From: suivi\nSent: Monday\n\nbamako-2019/3 implemented\n",
	    "bamako-2019/1 implemented: done\n" DIGEST_REPLY_SEPARATOR
	    "\nbamako-2019/3 implemented\n",
	    "bamako-2019/1 implemented: done\n-- \nOCRTIS\nbamako-2019/3 implemented\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(shapes); i++) {
		struct mail_reply r = parse(shapes[i]);
		ck_assert_msg(r.n == 1, "shape %zu: %zu commands", i, r.n);
		ck_assert_str_eq(r.commands[0].ref, "bamako-2019/1");
		mail_reply_free(&r);
	}
}
END_TEST

/* An answer typed between quoted lines counts; the quoted lines do not. */
START_TEST(test_inline_answer)
{
	struct mail_reply r = parse("> bamako-2019/1 — due 2025-03-31\n"
				    "bamako-2019/1 comment: the vote is on Friday\n"
				    "> bamako-2019/3 — due 2025-04-30\n"
				    ">> bamako-2019/4 implemented\n"
				    "bamako-2019/3 en cours\n");
	ck_assert_uint_eq(r.n, 2);
	ck_assert_str_eq(r.commands[0].comment, "the vote is on Friday");
	ck_assert_str_eq(r.commands[1].ref, "bamako-2019/3");
	ck_assert_uint_eq(r.n_not_understood, 0);
	mail_reply_free(&r);
}
END_TEST

START_TEST(test_fold)
{
	char *f = mail_reply_fold("  Mise   en Œuvre_Totale ");
	ck_assert_str_eq(f, "mise en oeuvre totale");
	free(f);
	f = mail_reply_fold("Non acceptée");
	ck_assert_str_eq(f, "non accepte");
	free(f);
}
END_TEST

/* MIME through GMime: charsets, encodings, HTML-only, bounds. */
START_TEST(test_inbound_messages)
{
	inbound_init();
	struct inbound_message m;
	char *cause = NULL;
	static const char latin1[] =
	    "From: OCRTIS <OCRTIS@Example.org>\r\nTo: suivi+1-1-abc@example.org\r\n"
	    "Delivered-To: suivi+2-1-def@example.org\r\nMessage-ID: <m1@example.org>\r\n"
	    "Subject: =?UTF-8?Q?R=C3=A9ponse?=\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "bamako-2019/6 bloqu=E9 : budget non vot=E9\r\n";
	ck_assert_msg(inbound_parse(latin1, strlen(latin1), &m, &cause) == 0, "%s", cause);
	ck_assert_str_eq(m.from, "ocrtis@example.org");
	ck_assert_str_eq(m.message_id, "m1@example.org");
	ck_assert_str_eq(m.subject, "Réponse");
	ck_assert_uint_eq(m.n_recipients, 2);
	ck_assert_str_eq(m.recipients[1], "suivi+2-1-def@example.org");
	ck_assert_str_eq(m.text, "bamako-2019/6 bloqué : budget non voté\r\n");
	inbound_free(&m);

	static const char html[] =
	    "From: a@example.org\r\nTo: b@example.org\r\nMessage-ID: <h@x>\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n"
	    "<html><body><p>bamako-2019/1 en cours</p><div>bamako-2019/2 comment: ok</div>"
	    "<blockquote>bamako-2019/3 implemented</blockquote></body></html>\r\n";
	ck_assert_msg(inbound_parse(html, strlen(html), &m, &cause) == 0, "%s", cause);
	ck_assert_ptr_nonnull(strstr(m.text, "bamako-2019/1 en cours\n"));
	ck_assert_ptr_nonnull(strstr(m.text, "bamako-2019/2 comment: ok\n"));
	ck_assert_ptr_null(strstr(m.text, "bamako-2019/3")); /* quoted */
	inbound_free(&m);

	static const char bad_utf8[] = "From: a@example.org\r\nMessage-ID: <u@x>\r\n"
				       "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
				       "bamako-2019/1 \xff\xfe implemented\r\n";
	ck_assert_int_eq(inbound_parse(bad_utf8, strlen(bad_utf8), &m, &cause), -1);
	free(cause);
	cause = NULL;
	static const char nul[] = "From: a@example.org\r\nMessage-ID: <n@x>\r\n"
				  "Content-Type: text/plain; charset=UTF-8\r\n\r\nab\0cd\r\n";
	ck_assert_int_eq(inbound_parse(nul, sizeof nul - 1, &m, &cause), -1);
	free(cause);
	cause = NULL;
	ck_assert_int_eq(inbound_parse("not a message", 13, &m, &cause), -1);
	free(cause);
	cause = NULL;

	/* 200 nested multiparts: refused, not walked. */
	char *deep = xstrdup("From: a@example.org\r\nMessage-ID: <d@x>\r\nMIME-Version: 1.0\r\n");
	for (int i = 0; i < 200; i++) {
		char *next = xasprintf("%sContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
				       "--b%d\r\n",
				       deep, i, i);
		free(deep);
		deep = next;
	}
	char *full = xasprintf("%sContent-Type: text/plain\r\n\r\nhi\r\n", deep);
	ck_assert_int_eq(inbound_parse(full, strlen(full), &m, &cause), -1);
	ck_assert_ptr_nonnull(strstr(cause, "nested"));
	free(cause);
	free(full);
	free(deep);
	inbound_shutdown();
}
END_TEST

Suite *make_mail_reply_suite(void)
{
	Suite *s = suite_create("mail_reply");
	TCase *tc = tcase_create("reply");
	tcase_add_test(tc, test_commands_both_languages);
	tcase_add_test(tc, test_not_commands);
	tcase_add_test(tc, test_top_posted);
	tcase_add_test(tc, test_outlook_blocks);
	tcase_add_test(tc, test_inline_answer);
	tcase_add_test(tc, test_fold);
	tcase_add_test(tc, test_inbound_messages);
	suite_add_tcase(s, tc);
	return s;
}
