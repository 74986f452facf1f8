/* cmd-meeting.c — suivi meeting add|list|show: the meetings that make recommendations. */
#include "suivi-config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"
#include "request.h"
#include "table.h"

struct meeting_args {
	const char *title;
	const char *date;
	const char *end;
	const char *place;
	const char *series;
	const char *notes;
	json_t *organisers;
};

static int cmd_meeting_exec(struct client *c, int argc, char **argv);
static int meeting_add(struct client *c, const char *code, const struct meeting_args *a);
static int meeting_list(struct client *c);
static int meeting_show(struct client *c, const char *code);
static int meeting_dispatch(struct client *c, int argc, char **argv,
			    const struct meeting_args *a);

const struct cmd_entry cmd_meeting_entry = {
	.name = "meeting",
	.alias = "meetings",
	.usage = "meeting add CODE --title TITLE --date DATE [--end DATE] [--place PLACE]\n"
		 "        [--organiser NAME]... [--series SERIES] [--notes TEXT]\n"
		 "meeting list\n"
		 "meeting show CODE",
	.summary = "add, list or show meetings",
	.options = "  --title TITLE      the meeting's title (add)\n"
		   "  --date DATE        its first day (add)\n"
		   "  --end DATE         its last day, default the first (add)\n"
		   "  --place PLACE      where it was held (add)\n"
		   "  --organiser NAME   an organiser; repeat for more (add)\n"
		   "  --series SERIES    the periodic framework it belongs to (add)\n"
		   "  --notes TEXT       free notes (add)\n",
	.exec = cmd_meeting_exec,
};

static int cmd_meeting_exec(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"title", required_argument, NULL, 't'},
		{"date", required_argument, NULL, 'd'},
		{"end", required_argument, NULL, 'e'},
		{"place", required_argument, NULL, 'p'},
		{"organiser", required_argument, NULL, 'o'},
		{"organizer", required_argument, NULL, 'o'},
		{"series", required_argument, NULL, 's'},
		{"notes", required_argument, NULL, 'N'},
		CMD_OPT_END,
	};
	struct meeting_args a = {.organisers = json_array()};
	int ch, code = EXIT_DONE;

	while ((ch = cmd_getopt(c, &cmd_meeting_entry, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case 't':
			a.title = optarg;
			break;
		case 'd':
			a.date = optarg;
			break;
		case 'e':
			a.end = optarg;
			break;
		case 'p':
			a.place = optarg;
			break;
		case 'o':
			json_array_append_new(a.organisers, json_string(optarg));
			break;
		case 's':
			a.series = optarg;
			break;
		case 'N':
			a.notes = optarg;
			break;
		case 'h':
			json_decref(a.organisers);
			return EXIT_DONE;
		default:
			json_decref(a.organisers);
			return EXIT_USAGE;
		}
	}
	code = meeting_dispatch(c, argc - optind, argv + optind, &a);
	json_decref(a.organisers);
	return code;
}

static int meeting_dispatch(struct client *c, int argc, char **argv,
			    const struct meeting_args *a)
{
	const char *sub = argc > 0 ? argv[0] : "list";
	bool add_options = a->title != NULL || a->date != NULL || a->end != NULL ||
			   a->place != NULL || a->series != NULL || a->notes != NULL ||
			   json_array_size(a->organisers) > 0;

	if (strcmp(sub, "add") == 0) {
		if (argc != 2)
			return cmd_usage(c, &cmd_meeting_entry, "meeting add needs one CODE");
		if (a->title == NULL || a->date == NULL)
			return cmd_usage(c, &cmd_meeting_entry,
					 "meeting add needs --title and --date");
		return meeting_add(c, argv[1], a);
	}
	if (add_options)
		return cmd_usage(c, &cmd_meeting_entry, "those options go with meeting add");
	if (strcmp(sub, "list") == 0) {
		if (argc > 1)
			return cmd_usage(c, &cmd_meeting_entry, "meeting list takes no argument");
		return meeting_list(c);
	}
	if (strcmp(sub, "show") == 0) {
		if (argc != 2)
			return cmd_usage(c, &cmd_meeting_entry, "meeting show needs one CODE");
		return meeting_show(c, argv[1]);
	}
	return cmd_usage(c, &cmd_meeting_entry, "unknown subcommand \"%s\"", sub);
}

static int meeting_add(struct client *c, const char *mcode, const struct meeting_args *a)
{
	char start[11], end[11];
	struct request_reply r;

	if (!client_date(c, "--date", a->date, false, start))
		return EXIT_USAGE;
	if (a->end != NULL && !client_date(c, "--end", a->end, false, end))
		return EXIT_USAGE;
	if (a->end != NULL && strcmp(end, start) < 0)
		return client_fail(c, EXIT_USAGE, "--end %s is before --date %s", end, start);
	json_t *body = json_object();
	json_object_set_new(body, "code", json_string(mcode));
	json_object_set_new(body, "title", json_string(a->title));
	json_object_set_new(body, "starts_on", json_string(start));
	if (a->end != NULL)
		json_object_set_new(body, "ends_on", json_string(end));
	if (a->place != NULL)
		json_object_set_new(body, "place", json_string(a->place));
	if (json_array_size(a->organisers) > 0)
		json_object_set(body, "organisers", a->organisers);
	if (a->series != NULL)
		json_object_set_new(body, "series", json_string(a->series));
	if (a->notes != NULL)
		json_object_set_new(body, "notes", json_string(a->notes));
	int code = request_json(c, "POST", "/v1/meetings", body, &r);
	json_decref(body);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		fprintf(c->out, "meeting %s added\n", client_str(r.json, "code"));
	request_reply_free(&r);
	return EXIT_DONE;
}

static int meeting_list(struct client *c)
{
	json_t *items;
	bool more;
	char *next;

	int code = request_list(c, "/v1/meetings", 0, &items, &more, &next);
	if (code != EXIT_DONE)
		return code;
	if (c->json) {
		json_t *doc = json_pack("{s:O,s:s?}", "items", items, "next", next);
		client_print_json(c, doc);
		json_decref(doc);
	} else {
		struct table *t = table_new(4);
		size_t i;
		json_t *m;
		table_header(t, 0, "CODE");
		table_header(t, 1, "DATES");
		table_header(t, 2, "PLACE");
		table_header(t, 3, "TITLE");
		table_shrink_column(t, 3);
		json_array_foreach(items, i, m) {
			char *dates = render_dates(m);
			table_add_row(t, TABLE_PLAIN);
			table_cell(t, 0, client_str(m, "code"));
			table_cell(t, 1, dates);
			table_cell(t, 2, client_str(m, "place"));
			table_cell(t, 3, client_str(m, "title"));
			free(dates);
		}
		table_print(t, c->out, c->width, c->colour);
		table_free(t);
	}
	json_decref(items);
	free(next);
	return EXIT_DONE;
}

static int meeting_show(struct client *c, const char *mcode)
{
	char *m = client_escape(mcode, false);
	char *path = xasprintf("/v1/meetings/%s", m);
	struct request_reply r;

	int code = request_json(c, "GET", path, NULL, &r);
	free(m);
	free(path);
	if (code != EXIT_DONE)
		return code;
	if (c->json)
		client_print_json(c, r.json);
	else
		render_meeting(c, r.json);
	request_reply_free(&r);
	return EXIT_DONE;
}
