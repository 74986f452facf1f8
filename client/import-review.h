/* import-review.h — what suivi import does with the candidates the server finds in minutes
 * (POST /v1/meetings/{code}/import?mode=candidates) before anything is recorded: keep those
 * at or above a confidence or those picked by number (--pick 1-5,8), let the secretariat edit
 * them as a text file (--review, like git rebase -i), and turn what is left into the JSON
 * items of an ordinary all-or-nothing import, each with its provenance in its details.
 *
 * The review file has one candidate a line, "N) text", under a comment with its confidence,
 * line and source sentence. Deleting a line drops the candidate; its text may be edited; a
 * line without "N)" is a new recommendation; "@handle" and "due:DATE" (YYYY-MM-DD, +3m,
 * tomorrow … as every date suivi takes) at the end of a line set its owner and deadline;
 * lines starting with '#' and blank lines are ignored. The parsers are pure functions. */
#ifndef SUIVI_IMPORT_REVIEW_H
#define SUIVI_IMPORT_REVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "date.h"

/* Parse "1-5,8" into sel[1..max] (sel has max + 1 entries). False with *cause (caller frees)
 * for anything else: numbers outside 1..max, reversed ranges, empty parts. */
bool review_pick_parse(const char *spec, size_t max, bool *sel, char **cause);

/* The review file for the candidates (an array of the API's candidate objects). */
char *review_text(const json_t *cands, const char *file, const char *meeting);

/* Read an edited review file back into JSON import items (text, details, owner, due_on):
 * cands are the candidates it was written from (by their "n"), file names the source in
 * the details. False with *cause naming the line for a bad annotation or number. */
bool review_parse(const char *text, const json_t *cands, const char *file, const struct date *today,
		  json_t **items, char **cause);

/* The JSON import item of a candidate: its text and its provenance as details. */
json_t *review_item(const json_t *cand, const char *file);

#endif
