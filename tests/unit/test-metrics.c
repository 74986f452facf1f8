/* test-metrics.c — the counters and their text: cumulative buckets ending in +Inf equal to
 * _count, unmatched routes under one label, escaping of label values, and which peers count
 * as this machine for a scrape without a token. (promtool reads a real scrape in
 * tests/integration/test-metrics.c.) */
#include "suivi-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <check.h>

#include "core/metrics.h"
#include "http/http-internal.h"
#include "suites.h"

START_TEST(test_histogram_text)
{
	metrics_reset();
	metrics_http_request("/v1/owners", "GET", 200, 0.003);
	metrics_http_request("/v1/owners", "GET", 200, 0.2);
	metrics_http_request("/v1/owners", "GET", 200, 20);
	metrics_http_request(NULL, "GET", 404, 0.001);
	struct metrics_text t = {0};
	metrics_render(&t);
	static const char *const want[] = {
	    "suivi_http_requests_total{route=\"/v1/owners\",method=\"GET\",code=\"200\"} 3\n",
	    "suivi_http_requests_total{route=\"(unmatched)\",method=\"GET\",code=\"404\"} 1\n",
	    "suivi_http_request_duration_seconds_bucket{route=\"/v1/owners\",le=\"0.005\"} 1\n",
	    "suivi_http_request_duration_seconds_bucket{route=\"/v1/owners\",le=\"0.25\"} 2\n",
	    "suivi_http_request_duration_seconds_bucket{route=\"/v1/owners\",le=\"10\"} 2\n",
	    "suivi_http_request_duration_seconds_bucket{route=\"/v1/owners\",le=\"+Inf\"} 3\n",
	    "suivi_http_request_duration_seconds_count{route=\"/v1/owners\"} 3\n",
	    "# TYPE suivi_http_request_duration_seconds histogram\n",
	    "# TYPE suivi_hook_runs_total counter\n",
	    "suivi_scheduler_leader 0\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++)
		ck_assert_msg(strstr(t.s, want[i]) != NULL, "missing %s in:\n%s", want[i], t.s);
	free(t.s);

	metrics_hook_run("delivered");
	metrics_hook_run("retry");
	metrics_hook_run("nonsense");
	metrics_scheduler_leader(true);
	metrics_scheduler_run("reminders", false);
	memset(&t, 0, sizeof t);
	metrics_render(&t);
	ck_assert_ptr_nonnull(strstr(t.s, "suivi_hook_runs_total{result=\"delivered\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t.s, "suivi_hook_runs_total{result=\"failed\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t.s, "suivi_scheduler_leader 1\n"));
	ck_assert_ptr_nonnull(
	    strstr(t.s, "suivi_scheduler_runs_total{job=\"reminders\",outcome=\"failed\"} 1\n"));
	free(t.s);
	metrics_reset();
}
END_TEST

START_TEST(test_escape)
{
	char out[64];
	ck_assert_str_eq(metrics_escape("a\"b\\c\nd", out, sizeof out), "a\\\"b\\\\c\\nd");
	ck_assert_str_eq(metrics_escape("0123456789", out, 8), "01234");
}
END_TEST

START_TEST(test_local_peers)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
	struct sockaddr_un un = {.sun_family = AF_UNIX};

	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	ck_assert(http_peer_is_local((struct sockaddr *)&in));
	inet_pton(AF_INET, "127.8.9.10", &in.sin_addr);
	ck_assert(http_peer_is_local((struct sockaddr *)&in));
	inet_pton(AF_INET, "10.0.0.1", &in.sin_addr);
	ck_assert(!http_peer_is_local((struct sockaddr *)&in));
	inet_pton(AF_INET, "128.0.0.1", &in.sin_addr);
	ck_assert(!http_peer_is_local((struct sockaddr *)&in));
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	ck_assert(http_peer_is_local((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &in6.sin6_addr);
	ck_assert(http_peer_is_local((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "::ffff:192.168.1.1", &in6.sin6_addr);
	ck_assert(!http_peer_is_local((struct sockaddr *)&in6));
	inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	ck_assert(!http_peer_is_local((struct sockaddr *)&in6));
	ck_assert(http_peer_is_local((struct sockaddr *)&un));
	ck_assert(!http_peer_is_local(NULL));
}
END_TEST

Suite *make_metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("text");
	tcase_add_test(tc, test_histogram_text);
	tcase_add_test(tc, test_escape);
	tcase_add_test(tc, test_local_peers);
	suite_add_tcase(s, tc);
	return s;
}
