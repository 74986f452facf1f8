/* api-tokens.h */
#ifndef SUIVI_API_TOKENS_H
#define SUIVI_API_TOKENS_H
#include "http/http.h"
extern const struct route api_tokens_routes[];
extern const struct db_stmt api_tokens_stmts[];
#endif
