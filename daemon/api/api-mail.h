/* api-mail.h — POST and GET /v1/mail/inbound: owners' replies by mail. */
#ifndef SUIVI_API_MAIL_H
#define SUIVI_API_MAIL_H

#include "http/http.h"

extern const struct route api_mail_routes[];
extern const struct db_stmt api_mail_stmts[];

#endif
