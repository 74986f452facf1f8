-- load.sql — first step of the benchmark dataset (run.sh runs the steps; README section
-- "Performance" says what the data looks like): owners, meetings and recommendations, built
-- set-based in one transaction.
--
-- psql variables: recs, owners, meetings, writes (counts) and today (YYYY-MM-DD, the daemon's
-- date).
--
-- Speed without cheating the schema. The secondary indexes and the foreign keys and unique
-- constraint of the three big tables are dropped here and re-created from their own saved
-- definitions by gin.sql, history.sql and finish.sql (as pg_restore does): one sort per index
-- instead of a million insertions into each, one join per foreign key instead of a million
-- row checks. The per-row trigger recommendations_follow_status is disabled during the insert
-- because it would stamp every closed item with closed_at = now() — one instant, which would
-- put every closed item into the overdue report's "closed since the last report" section.
-- The insert computes is_open from statuses itself and a closed_at in the past, and
-- finish.sql refuses the dataset if any row differs from what the trigger writes (is_open
-- from the status, closed_at set exactly when closed). The statement triggers that keep
-- recommendation_counts stay enabled.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
SET work_mem = '256MB';

BEGIN;

-- What to restore, in order: 1 indexes, 2 unique constraints, 3 foreign keys.
CREATE SCHEMA bench_load;
CREATE TABLE bench_load.saved (ord int, tbl text, name text, kind text, def text);
INSERT INTO bench_load.saved
SELECT 1, c.relname, i.relname, 'index', pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
WHERE c.relname IN ('recommendations', 'history', 'recommendation_supporters')
  AND c.relnamespace = 'public'::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid);
INSERT INTO bench_load.saved
SELECT CASE k.contype WHEN 'u' THEN 2 ELSE 3 END, c.relname, k.conname,
       'constraint', pg_get_constraintdef(k.oid)
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
WHERE c.relname IN ('recommendations', 'history', 'recommendation_supporters')
  AND c.relnamespace = 'public'::regnamespace AND k.contype IN ('u', 'f');

DO $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT * FROM bench_load.saved ORDER BY ord DESC LOOP
		IF s.kind = 'index' THEN
			EXECUTE format('DROP INDEX public.%I', s.name);
		ELSE
			EXECUTE format('ALTER TABLE public.%I DROP CONSTRAINT %I', s.tbl, s.name);
		END IF;
	END LOOP;
END;
$$;

-- Owners: 20 % French-speaking, 2 % without an email (their reminders are skipped and
-- reported), 3 % inactive. Handles are the numbers 1, 2, … (a valid handle): pgbench can only
-- draw numbers, and its scripts must send the same owner handles as wrk's.
INSERT INTO owners (handle, name, email, locale, active, created_at, updated_at)
SELECT g::text,
       (ARRAY['Élodie', 'Jean', 'Amadou', 'Maria', 'Søren', 'Chen', 'Fatou', 'Łukasz',
	      'Nadia', 'Pedro'])[1 + g % 10] || ' '
       || (ARRAY['Dupont', 'Mbaye', 'García', 'Müller', 'N''Diaye', 'Okafor', 'Lefèvre',
		 'Nakamura', 'Silva', 'Kowalski', 'Haddad'])[1 + (g / 10) % 11] || ' ' || g,
       CASE WHEN g % 50 = 7 THEN '' ELSE format('owner-%s@example.org', g) END,
       CASE WHEN g % 5 = 0 THEN 'fr' ELSE 'en' END,
       g % 33 <> 0,
       now() - interval '4000 days', now() - interval '4000 days'
FROM generate_series(1, :owners) AS g;

-- Meetings over ten years up to five months ago, four in five in one of 200 series; last_n
-- is set below.
INSERT INTO meetings (code, title, starts_on, ends_on, place, organisers, notes, series,
		      created_at, updated_at)
SELECT format('m-%s', lpad(g::text, 5, '0')),
       (ARRAY['Plenary session', 'Working group', 'Conférence des parties', 'Expert meeting',
	      'Comité de suivi', 'Regional consultation'])[1 + g % 6] || ' ' || g,
       d, d + g % 5,
       (ARRAY['Genève', 'Dakar', 'Bruxelles', 'Nairobi', 'Bangkok', 'Lima'])[1 + g % 6],
       ARRAY['secretariat'], '',
       CASE WHEN g % 5 <> 0 THEN format('series-%s', g % 200) END,
       d::timestamptz, d::timestamptz
FROM generate_series(1, :meetings) AS g,
     LATERAL (SELECT :'today'::date - 3650 + (g * 3500 / :meetings) AS d) AS x;

-- Texts: 20,000 sentences of 5 to 13 words from a bilingual vocabulary (with accents, for the
-- folded search index); a recommendation's text is one of them, or two for one in four.
CREATE TABLE bench_load.words AS
SELECT string_to_array('implement review strengthen national capacity climate finance report '
	'adaptation stratégie mise en œuvre évaluation coopération régionale données qualité '
	'santé éducation water sanitation gender equality biodiversité forêts océans énergie '
	'transparence mécanisme suivi indicateurs budget partnership training workshop guidelines '
	'framework monitoring compliance secretariat parties observers délégations accès '
	'information publique consultation réforme institutions legislation measures emissions '
	'inventaire technique assistance développement durable resilience early warning systems '
	'financement innovation technologie transfert communautés locales peuples autochtones',
	' ') AS w;
CREATE TABLE bench_load.sentences AS
SELECT k, initcap(w.w[1 + k % cardinality(w.w)]) || ' ' || array_to_string(ARRAY(
	SELECT w.w[1 + floor(random() * cardinality(w.w))::int]
	FROM generate_series(1, 4 + k % 9)), ' ') || '.' AS s
FROM bench_load.words w, generate_series(0, 19999) AS k;
CREATE TABLE bench_load.tags AS
SELECT string_to_array('climate,finance,gender,health,education,water,energy,forests,oceans,'
	'data,capacity,legal,budget,training,urgent,follow-up,regional,national,monitoring,'
	'transparency,adaptation,mitigation,technology,youth,indigenous,cities,agriculture,'
	'trade,migration,security', ',') AS t;
-- Tag sets: 0 to 3 distinct tags, 4,000 combinations.
CREATE TABLE bench_load.tagsets AS
SELECT k, ARRAY(SELECT DISTINCT t.t[1 + floor(random() * 30)::int]
		FROM generate_series(1, k % 4)) AS tags
FROM bench_load.tags t, generate_series(0, 3999) AS k;

ANALYZE bench_load.sentences, bench_load.tagsets;

-- Statuses: proposed 10 %, accepted 15 %, in_progress 25 %, blocked 5 % (55 % open),
-- implemented 30 %, not_accepted 8 %, obsolete 7 %; steps = the transitions leading there
-- from proposed (history.sql writes one history row each).
CREATE TABLE bench_load.status (lo float8, hi float8, name text, open boolean, steps text[]);
INSERT INTO bench_load.status VALUES
	(0.00, 0.10, 'proposed', true, '{}'),
	(0.10, 0.25, 'accepted', true, '{accepted}'),
	(0.25, 0.50, 'in_progress', true, '{accepted,in_progress}'),
	(0.50, 0.55, 'blocked', true, '{accepted,in_progress,blocked}'),
	(0.55, 0.85, 'implemented', false, '{accepted,in_progress,implemented}'),
	(0.85, 0.93, 'not_accepted', false, '{not_accepted}'),
	(0.93, 1.00, 'obsolete', false, '{obsolete}');

-- Recommendations. Every random choice comes from one uniform number per row: meetings get
-- skewed sizes (u1^1.5), lead owners a skewed load (u2^1.5, so that over a hundred owners
-- have 50 or more overdue items), 5 % have no lead owner. The last :writes ids are all
-- in_progress: the transition scenarios move them to blocked and back. Due dates: 36 % of
-- open items are overdue (so a fifth of all), the other open ones are due within a year or
-- (one in six) undated; closed items mostly had a due date in the past. Priorities low 20 %,
-- normal 65 %, high 15 %. One in five has had a comment (version + 1, history.sql writes it).
ALTER TABLE recommendations DISABLE TRIGGER recommendations_follow_status;
INSERT INTO recommendations (id, meeting_id, n, text, details, owner_id, status, is_open,
			     priority, due_on, tags, version, created_at, updated_at, closed_at)
OVERRIDING SYSTEM VALUE
SELECT b.g, b.meeting_id, b.n,
       CASE WHEN b.g % 4 = 0 THEN t1.s || ' ' || t2.s ELSE t1.s END,
       CASE WHEN b.g % 10 = 3 THEN t3.s ELSE '' END,
       b.owner_id, s.name, s.open,
       CASE WHEN b.u4 < 0.2 THEN 'low' WHEN b.u4 < 0.85 THEN 'normal' ELSE 'high' END,
       CASE WHEN s.open AND b.u5 < 0.364 THEN :'today'::date - 1 - (b.g % 400)
	    WHEN s.open AND b.u5 < 0.894 THEN :'today'::date + (b.g % 366)
	    WHEN s.open THEN NULL
	    WHEN b.u5 < 0.8 THEN :'today'::date - 30 - (b.g % 1500)
	    ELSE NULL END,
       ts.tags,
       1 + cardinality(s.steps) + CASE WHEN b.u6 < 0.2 THEN 1 ELSE 0 END,
       c.created, c.created + interval '20 days' * cardinality(s.steps) + interval '1 hour',
       CASE WHEN NOT s.open THEN c.created + interval '20 days' * cardinality(s.steps) END
FROM (SELECT a.*, row_number() OVER (PARTITION BY a.meeting_id ORDER BY a.g) AS n
      FROM (SELECT g, 1 + floor(power(random(), 1.5) * :meetings)::bigint AS meeting_id,
		   CASE WHEN random() < 0.95
			THEN 1 + floor(power(random(), 1.5) * :owners)::bigint END AS owner_id,
		   CASE WHEN g > :recs - :writes THEN 0.3 ELSE random() END AS u3,
		   random() AS u4, random() AS u5, random() AS u6
	    FROM generate_series(1, :recs) AS g) AS a) AS b
JOIN bench_load.sentences t1 ON t1.k = b.g % 20000
JOIN bench_load.sentences t2 ON t2.k = b.g * 7 % 20000
JOIN bench_load.sentences t3 ON t3.k = b.g * 13 % 20000
JOIN bench_load.tagsets ts ON ts.k = b.g * 31 % 4000
JOIN bench_load.status s ON b.u3 >= s.lo AND b.u3 < s.hi
JOIN meetings m ON m.id = b.meeting_id
CROSS JOIN LATERAL (SELECT m.ends_on + interval '1 hour' * (b.g % 1000) AS created) AS c;
ALTER TABLE recommendations ENABLE TRIGGER recommendations_follow_status;
SELECT setval(pg_get_serial_sequence('recommendations', 'id'), :recs) \gset

UPDATE meetings m SET last_n = x.n
FROM (SELECT meeting_id, max(n) AS n FROM recommendations GROUP BY meeting_id) AS x
WHERE x.meeting_id = m.id;

COMMIT;
