-- gin.sql — the two GIN indexes of recommendations (tags, folded-text trigrams), the slowest
-- to build: run.sh runs this in a second session while history.sql loads the history.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET jit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '1GB';
SELECT def FROM bench_load.saved WHERE kind = 'index' AND def ~ ' USING gin ' ORDER BY name
\gexec
