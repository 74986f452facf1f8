-- finish.sql — last step of the benchmark dataset: restore the unique constraints and foreign
-- keys (each validated by one join), check that the data is what the schema's triggers and
-- rules would have written, and drop the loader's scratch schema. run.sh then runs
-- VACUUM ANALYZE (vacuumdb), so that no autovacuum starts during the measurements.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';

SELECT format('ALTER TABLE public.%I ADD CONSTRAINT %I %s', tbl, name, def)
FROM bench_load.saved WHERE kind = 'constraint' ORDER BY ord, name
\gexec

DO $$
DECLARE
	bad bigint;
BEGIN
	-- recommendations_follow_status: is_open from the status, closed_at exactly when closed.
	SELECT count(*) INTO bad FROM recommendations r JOIN statuses s ON s.name = r.status
	WHERE r.is_open <> s.is_open OR r.is_open = (r.closed_at IS NOT NULL);
	IF bad > 0 THEN
		RAISE EXCEPTION '% recommendations disagree with recommendations_follow_status', bad;
	END IF;
	-- Every item has a 'created' row and as many history rows as its version.
	SELECT count(*) INTO bad FROM recommendations r
	LEFT JOIN (SELECT rec_id, count(*) AS n, count(*) FILTER (WHERE kind = 'created') AS c
		   FROM history GROUP BY rec_id) AS h ON h.rec_id = r.id
	WHERE r.version IS DISTINCT FROM h.n OR h.c <> 1;
	IF bad > 0 THEN
		RAISE EXCEPTION '% recommendations whose history does not match their version', bad;
	END IF;
	-- meetings.last_n is the highest n of each meeting.
	SELECT count(*) INTO bad FROM meetings m
	WHERE m.last_n <> coalesce((SELECT max(n) FROM recommendations r
				    WHERE r.meeting_id = m.id), 0);
	IF bad > 0 THEN
		RAISE EXCEPTION '% meetings whose last_n is not their highest n', bad;
	END IF;
	-- recommendation_counts (kept by statement triggers) agrees with the table.
	SELECT count(*) INTO bad FROM (
		SELECT meeting_id, coalesce(owner_id, 0) AS owner_key, status, count(*) AS n
		FROM recommendations GROUP BY 1, 2, 3) AS a
	FULL JOIN (SELECT * FROM recommendation_counts WHERE n <> 0) AS c
	USING (meeting_id, owner_key, status)
	WHERE a.n IS DISTINCT FROM c.n;
	IF bad > 0 THEN
		RAISE EXCEPTION '% recommendation_counts rows disagree with recommendations', bad;
	END IF;
END;
$$;

DROP SCHEMA bench_load CASCADE;
