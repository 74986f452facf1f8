/* cmd-calendar-url.c — suivi calendar-url: create a feed token and print the address of the
 * deadline feed to paste into a calendar program (Thunderbird, Outlook, Evolution), which
 * cannot send a bearer header and passes the token as ?key=. The token reads only the feed,
 * only with the filters given here; revoke it with suivi token revoke. Needs an admin token,
 * like suivi token create. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "utf8.h"

static int cmd_calendar_url_exec(struct client *c, const struct cmd_args *a);
static void calendar_url_print(struct client *c, const struct cmd_args *a, const json_t *t);

static const struct cmd_option cmd_calendar_url_options[] = {
    {.name = "owner",
     .kind = CMD_OWNER,
     .value = "HANDLE",
     .key = "owner",
     .help = "only this owner's deadlines"},
    {.name = "meeting",
     .kind = CMD_MEETING,
     .value = "CODE",
     .key = "meeting",
     .help = "only this meeting's deadlines"},
    {.name = "tag", .kind = CMD_TEXT, .value = "TAG", .key = "tag", .help = "only this tag"},
    {.name = "name",
     .kind = CMD_TEXT,
     .value = "NAME",
     .help = "the feed token's name (default: calendar and the filters)"},
    CMD_OPTION_END,
};

const struct cmd_entry cmd_calendar_url_entry = {
    .name = "calendar-url",
    .usage = "calendar-url",
    .summary = "create a calendar feed key and print the feed's address (admin)",
    .options = cmd_calendar_url_options,
    .notes = "The address holds a feed token: it reads only the deadline feed, with these\n"
	     "filters. Anyone with the address can read the feed; suivi token revoke ID ends it.",
    .exec = cmd_calendar_url_exec,
};

/* The address as the client reaches the server, then the key: the same host and prefix. */
static void calendar_url_print(struct client *c, const struct cmd_args *a, const json_t *t)
{
	(void)a;
	const char *base = c->url_text;
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	char *key = client_escape(client_str(t, "token"), false);
	fprintf(c->err, "feed token %lld created; revoke it with suivi token revoke %lld\n",
		(long long)json_integer_value(json_object_get(t, "id")),
		(long long)json_integer_value(json_object_get(t, "id")));
	/* The address alone on stdout, for scripts. */
	fprintf(c->out, "%.*s/v1/calendar.ics?key=%s\n", (int)n, base, key);
	free(key);
}

static int cmd_calendar_url_exec(struct client *c, const struct cmd_args *a)
{
	if (c->url.unix_socket)
		return client_fail(c, EXIT_USAGE,
				   "a calendar program needs an http:// address, not a socket; "
				   "use --url http://HOST:PORT");
	json_t *body = cmd_body(a);
	const char *name = cmd_opt(a, "name");
	char *def = NULL;
	if (name == NULL) {
		const char *owner = cmd_opt(a, "owner"), *meeting = cmd_opt(a, "meeting");
		const char *tag = cmd_opt(a, "tag");
		def = xasprintf("calendar%s%s%s%s%s%s", owner ? " owner=" : "", owner ? owner : "",
				meeting ? " meeting=" : "", meeting ? meeting : "",
				tag ? " tag=" : "", tag ? tag : "");
		def[utf8_cut(def, 100)] = '\0'; /* a token name's limit, in characters */
		name = def;
	}
	json_object_set_new(body, "name", json_string(name));
	json_object_set_new(body, "role", json_string("feed"));
	free(def);
	return cmd_request(c, a, "POST", "/v1/tokens", body, calendar_url_print);
}
