-- history.sql — second step of the benchmark dataset, run while gin.sql builds the two GIN
-- indexes in another session: supporting owners, the history of every recommendation, then
-- the B-tree indexes that load.sql dropped (from their saved definitions).
--
-- psql variables: owners (count).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';

BEGIN;

-- One in ten has one or two supporting owners (never its lead owner).
INSERT INTO recommendation_supporters (rec_id, owner_id)
SELECT DISTINCT r.id, 1 + (r.id * k * 7919) % :owners
FROM recommendations r, generate_series(1, 2) AS k
WHERE r.id % 10 = 3 AND (k = 1 OR r.id % 20 = 3)
  AND 1 + (r.id * k * 7919) % :owners IS DISTINCT FROM r.owner_id;

-- History, append-only: the creation (with the fields as they were then, as
-- suivi_recs_fields writes them), the transitions leading to the current status (step i is
-- version i + 1, twenty days apart, by the lead owner), and the comment of one in five
-- (the last version). Inserted step by step so that ids follow versions within each item,
-- as the API's oldest-first history pages expect.
INSERT INTO history (rec_id, version, at, actor, kind, before, after, comment)
SELECT r.id, 1, r.created_at, 'secretariat', 'created', NULL,
       jsonb_build_object('text', r.text, 'details', r.details, 'owner', o.handle,
			  'supporting', coalesce(sp.handles, '[]'::jsonb), 'status', 'proposed',
			  'priority', r.priority, 'due_on', to_char(r.due_on, 'YYYY-MM-DD'),
			  'tags', to_jsonb(r.tags)),
       NULL
FROM recommendations r LEFT JOIN owners o ON o.id = r.owner_id
LEFT JOIN (SELECT s.rec_id, jsonb_agg(so.handle ORDER BY so.handle) AS handles
	   FROM recommendation_supporters s JOIN owners so ON so.id = s.owner_id
	   GROUP BY s.rec_id) AS sp ON sp.rec_id = r.id;

CREATE TABLE bench_load.steps AS
SELECT s.name AS status, k.i::int AS i,
       jsonb_build_object('status', coalesce(s.steps[k.i - 1], 'proposed')) AS before,
       jsonb_build_object('status', k.step) AS after,
       CASE WHEN k.step IN ('blocked', 'not_accepted', 'obsolete')
	    THEN 'Waiting for the national focal point to confirm the budget.' END AS comment
FROM bench_load.status s CROSS JOIN LATERAL unnest(s.steps) WITH ORDINALITY AS k(step, i);

INSERT INTO history (rec_id, version, at, actor, kind, before, after, comment)
SELECT r.id, 1 + st.i, r.created_at + interval '20 days' * st.i,
       coalesce(o.handle, 'secretariat'), 'transition', st.before, st.after, st.comment
FROM generate_series(1, 3) AS step
JOIN bench_load.steps st ON st.i = step
JOIN recommendations r ON r.status = st.status
LEFT JOIN owners o ON o.id = r.owner_id
ORDER BY step;

INSERT INTO history (rec_id, version, at, actor, kind, before, after, comment)
SELECT r.id, r.version, r.updated_at, 'secretariat', 'comment', NULL, NULL,
       'Discussed at the follow-up call; the delegation will report at the next session.'
FROM recommendations r JOIN bench_load.status s ON s.name = r.status
WHERE r.version = 2 + cardinality(s.steps);

COMMIT;

-- The B-tree indexes (gin.sql builds the others).
SELECT def FROM bench_load.saved WHERE kind = 'index' AND def !~ ' USING gin ' ORDER BY name
\gexec
