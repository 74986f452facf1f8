/* confirm.h — the confirmation an owner gets back after replying to its reminder by mail:
 * what was applied, what was refused and why (with the statuses allowed from where the item
 * stands), and what was not understood; in the owner's language. Pure. */
#ifndef SUIVI_CONFIRM_H
#define SUIVI_CONFIRM_H

#include <jansson.h>

#include "render/report.h"

/* outcome is suivi_mail_inbound()'s document (results, not_understood); subject is the
 * reply's. Caller frees both. */
char *confirm_subject(const char *subject, enum report_lang lang);
char *confirm_body(const json_t *outcome, enum report_lang lang);

#endif
