/* api-metrics.h — GET /metrics: Prometheus' text exposition format. */
#ifndef SUIVI_API_METRICS_H
#define SUIVI_API_METRICS_H

#include "http/http.h"

extern const struct route api_metrics_routes[];
extern const struct db_stmt api_metrics_stmts[];

#endif
