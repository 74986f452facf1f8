-- 90-metrics.sql — what GET /metrics reads from the database: the outbox by kind and state,
-- the age of the oldest pending notification, and the scheduler's last recorded runs.

CREATE FUNCTION suivi_metrics() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'outbox', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', n.kind,
									'state', n.state,
									'count', n.c))
				    FROM (SELECT kind, state, count(*) AS c FROM notifications
					  GROUP BY kind, state) n), '[]'),
		'oldest_pending_seconds',
			(SELECT extract(epoch FROM now() - min(created_at))::float8
			 FROM notifications WHERE state = 'pending'),
		'runs', coalesce((SELECT jsonb_agg(jsonb_build_object(
					'job', r.job,
					'ran_at', extract(epoch FROM r.ran_at)::float8))
				  FROM scheduler_runs r), '[]'))
$$;
