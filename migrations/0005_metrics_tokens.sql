-- 0005_metrics_tokens.sql — tokens of role metrics: for a Prometheus server that scrapes
-- GET /metrics from another host (a scrape from loopback needs no token). Such a token opens
-- /metrics only (the route table says so) and reads no data of the API.

ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
	CHECK (role IN ('admin', 'secretariat', 'owner', 'viewer', 'feed', 'mail', 'metrics'));
