/* reldate.h — the dates people type (YYYY-MM-DD, today, tomorrow, +Nd, +Nw, +Nm) and the
 * relative words shown next to due dates ("overdue by 12 days", "due today", "in 3 days"). */
#ifndef SUIVI_RELDATE_H
#define SUIVI_RELDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

/* Parse s relative to today into out; false for anything else, impossible dates included
 * (2019-02-30) and results outside years 1..9999. */
bool reldate_parse(const char *s, const struct date *today, struct date *out);
/* Words for a due date seen from today: "overdue by 12 days", "due today", "due tomorrow",
 * "in 3 days". */
void reldate_describe(const struct date *due, const struct date *today, char *buf, size_t len);

#endif
