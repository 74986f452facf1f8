-- 0002_tracking.sql — the recommendation-tracking API inside PostgreSQL: JSON
-- representations, one PL/pgSQL function per write (one round trip, atomic), reads that build
-- their JSON here so that suivid passes text through, reports, and accent-insensitive search.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.
--
-- Refusals. Every function refuses with RAISE EXCEPTION and a custom SQLSTATE 'SUnnn' where
-- nnn is the HTTP status (SU400, SU404, SU409, SU412, SU422); MESSAGE is one plain sentence
-- (the problem's "detail"), HINT the problem's "code" (not_found, invalid_transition,
-- comment_required, stale_version, unknown_owner, unknown_meeting, unknown_status, duplicate,
-- invalid, bad_cursor, not_in_series), DETAIL, when present, a JSON object whose members are
-- added to the problem ({"allowed":[…]}, {"errors":[{"field":…,"message":…}]},
-- {"current_version":5}). A refused call changes nothing.
--
-- Dates are YYYY-MM-DD text, timestamps RFC 3339 UTC text. `today` (or `as_of`) is always a
-- parameter: the date in the deployment's time zone, which only the daemon knows.
--
-- Output. Everything that represents a recommendation (suivi_rec_json, suivi_rec_page, the
-- writes on recommendations, import, brief) returns json, not jsonb: json keeps doc/api.md's
-- key order and is several times cheaper to build for thousands of items. The rest returns
-- jsonb. Either way the daemon sends `SELECT f(…)::text` and passes the text through.
--
-- Recommendation list (GET /v1/recommendations). The daemon composes one statement from these
-- pieces, every value a $n parameter, never inlined ($1 = today, $2 = limit, 1–500):
--
--   SELECT suivi_rec_page(ARRAY(
--            SELECT r.id FROM recommendations r
--            WHERE <pieces joined with AND, or TRUE>
--            ORDER BY <order> LIMIT $2 + 1),
--          $2, $1::date, <by_due>)::text
--
--   status=S… (one $n, all values)   r.status = ANY($n::text[])
--   open=true | open=false           r.is_open | NOT r.is_open
--   overdue=true                     r.is_open AND r.due_on < $1::date
--   overdue=false                    (NOT r.is_open OR r.due_on IS NULL OR r.due_on >= $1::date)
--   owner=H (lead owner)             r.owner_id = (SELECT o.id FROM owners o WHERE o.handle = $n)
--   meeting=C                        r.meeting_id = (SELECT m.id FROM meetings m WHERE m.code = $n)
--   tag=T (repeat the piece)         r.tags @> ARRAY[$n::text]
--   due_before=D (strictly before)   r.due_on < $n::date
--   due_after=D (strictly after)     r.due_on > $n::date
--   q=TEXT                           suivi_fold(r.text || ' ' || r.details) LIKE suivi_like_pattern($n)
--   after=CURSOR, by id              r.id > suivi_cursor_id($n)
--   after=CURSOR, by due date        (r.due_on, r.id) > (suivi_cursor_due($n), suivi_cursor_due_id($n))
--
--   <by_due> is true when overdue=true, due_before or due_after is given; <order> is then
--   "r.due_on, r.id" (every such row has a due date, so "nulls last" never arises), otherwise
--   "r.id". The answer is {"items":[…],"next":cursor|null}; the cursor is opaque to clients
--   ("42" by id, "2026-03-31,42" by due date) and the suivi_cursor_* functions refuse a
--   malformed one, or one of the other order, with SU400 bad_cursor. An unknown owner or
--   meeting simply matches nothing. q of fewer than 3 characters cannot use the trigram index:
--   the daemon should refuse it (422) or accept a slower answer. Send the statement unnamed
--   (PQsendQueryParams) so that it is planned with its values.
--
-- Other reads, each one call (send them as `SELECT f(…)::text`):
--   suivi_owner_get(handle)                         SU404
--   suivi_owner_list(after text, lim int)           by handle; cursor = the last handle
--   suivi_meeting_json(code, today date)            with "counts"; SU404
--   suivi_meeting_list(after text, lim int)         by starts_on desc, code
--   suivi_rec_get(key text, today date)             key = id or ref; SU404
--   suivi_rec_history(key text, after text, lim int) oldest first; SU404
--   suivi_report_overdue(as_of, owner, meeting, timezone)
--   suivi_report_summary(as_of)                     suivi_report_brief(meeting, as_of)

CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- --- small helpers ---------------------------------------------------------------------------

-- Refuse: see "Refusals" above.
CREATE FUNCTION suivi_raise(status integer, code text, message text, extra jsonb DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF extra IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'SU' || status::text, MESSAGE = message, HINT = code;
	END IF;
	RAISE EXCEPTION USING ERRCODE = 'SU' || status::text, MESSAGE = message, HINT = code,
		DETAIL = extra::text;
END;
$$;

-- One {"field","message"} member of a 422's "errors".
CREATE FUNCTION suivi_error(field text, message text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('field', field, 'message', message)
$$;

CREATE FUNCTION suivi_ts(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- to_char, not ::text, so that a session's DateStyle cannot change the format. STABLE like
-- to_char itself, so that the planner inlines it (and suivi_ts).
CREATE FUNCTION suivi_date(d date) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
	SELECT to_char(d, 'YYYY-MM-DD')
$$;

-- Case- and accent-insensitive form of a text for search. The extension's schema is written
-- into the body (and the dictionary named with two arguments) so that the function does not
-- depend on the caller's search_path: that is what makes IMMUTABLE, and an index on it, safe.
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'unaccent';
	EXECUTE format(
		'CREATE FUNCTION suivi_fold(t text) RETURNS text '
		'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L',
		format('SELECT lower(%I.unaccent(%L::regdictionary, t))', ext_schema,
		       quote_ident(ext_schema) || '.unaccent'));
END;
$$;

-- LIKE pattern "contains q" over folded text, with LIKE's metacharacters in q escaped.
CREATE FUNCTION suivi_like_pattern(q text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT '%' || replace(replace(replace(suivi_fold(q), '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;

-- Cursors of the keyset lists (see the top of this file).
CREATE FUNCTION suivi_cursor_id(c text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF c IS NULL OR c !~ '^[0-9]{1,18}$' THEN
		PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	END IF;
	RETURN c::bigint;
END;
$$;

CREATE FUNCTION suivi_cursor_due(c text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF c IS NULL OR c !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2},[0-9]{1,18}$' THEN
		PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	END IF;
	RETURN to_date(split_part(c, ',', 1), 'YYYY-MM-DD');
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
	PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	RETURN NULL;
END;
$$;

CREATE FUNCTION suivi_cursor_due_id(c text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	RETURN suivi_cursor_id(split_part(c, ',', 2));
END;
$$;

-- --- indexes ---------------------------------------------------------------------------------

-- Lists by meeting and keyset pages in due-date order over every recommendation (0001 has the
-- open-only due index, owner, status and tags).
CREATE INDEX recommendations_meeting_idx ON recommendations (meeting_id, id);
CREATE INDEX recommendations_due_idx ON recommendations (due_on, id);

-- Search: trigram index over the folded text and details. The operator class is named with
-- its extension's schema for the same reason as suivi_fold.
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_trgm';
	EXECUTE format('CREATE INDEX recommendations_search_idx ON recommendations '
		       'USING gin (suivi_fold(text || '' '' || details) %I.gin_trgm_ops)', ext_schema);
END;
$$;

-- History of a series since a date, for the follow-up brief.
CREATE INDEX history_rec_at_idx ON history (rec_id, at, id);

-- --- counts ----------------------------------------------------------------------------------

-- Recommendations per meeting, lead owner (0 = none) and status, kept by statement triggers,
-- so that the summary report and the meeting counts never read the whole table. Concurrent
-- writers lock these rows in key order (ORDER BY below) and so cannot deadlock on them.
CREATE TABLE recommendation_counts (
	meeting_id bigint NOT NULL,
	owner_key  bigint NOT NULL,
	status     text NOT NULL,
	n          bigint NOT NULL,
	PRIMARY KEY (meeting_id, owner_key, status)
);

CREATE FUNCTION recommendation_counts_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, coalesce(owner_id, 0), status, count(*)
		FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, coalesce(owner_id, 0), status, -count(*)
		FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, owner_key, status, sum(d)
		FROM (SELECT meeting_id, coalesce(owner_id, 0) AS owner_key, status, 1 AS d
		      FROM new_rows
		      UNION ALL
		      SELECT meeting_id, coalesce(owner_id, 0), status, -1 FROM old_rows) AS x
		GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER recommendation_counts_insert AFTER INSERT ON recommendations
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();
CREATE TRIGGER recommendation_counts_update AFTER UPDATE ON recommendations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();
CREATE TRIGGER recommendation_counts_delete AFTER DELETE ON recommendations
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();

INSERT INTO recommendation_counts (meeting_id, owner_key, status, n)
SELECT meeting_id, coalesce(owner_id, 0), status, count(*) FROM recommendations GROUP BY 1, 2, 3;

-- Counts of one meeting: every status, total, open and overdue (as of `today`).
CREATE FUNCTION suivi_meeting_counts(meeting bigint, today date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_object_agg(s.name, coalesce(c.n, 0))
	       || jsonb_build_object(
			'total', coalesce(sum(c.n), 0),
			'open', coalesce(sum(c.n) FILTER (WHERE s.is_open), 0),
			'overdue', (SELECT count(*) FROM recommendations r
				    WHERE r.meeting_id = meeting AND r.is_open AND r.due_on < today))
	FROM statuses s
	LEFT JOIN (SELECT rc.status, sum(rc.n) AS n FROM recommendation_counts rc
		   WHERE rc.meeting_id = meeting GROUP BY rc.status) AS c ON c.status = s.name
$$;

-- --- representations -------------------------------------------------------------------------

CREATE FUNCTION suivi_owner_json(o owners) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('handle', o.handle, 'name', o.name, 'email', o.email,
				  'locale', o.locale, 'active', o.active,
				  'created_at', suivi_ts(o.created_at),
				  'updated_at', suivi_ts(o.updated_at))
$$;

CREATE FUNCTION suivi_meeting_repr(m meetings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', m.code, 'title', m.title,
				  'starts_on', suivi_date(m.starts_on),
				  'ends_on', suivi_date(m.ends_on), 'place', m.place,
				  'organisers', to_jsonb(m.organisers), 'notes', m.notes,
				  'series', m.series, 'created_at', suivi_ts(m.created_at),
				  'updated_at', suivi_ts(m.updated_at))
$$;

-- The representations of recommendations are set-returning SQL functions over an array of
-- ids: the planner inlines them into the calling query, so that a page, a report or an
-- import of 10,000 items is a few joins rather than a query per row.

-- The fields a client edits, as history records them: owner and supporting by handle
-- (supporting sorted), due_on a date string or null.
CREATE FUNCTION suivi_recs_fields(ids bigint[]) RETURNS TABLE (id bigint, fields jsonb)
LANGUAGE sql STABLE AS $$
	SELECT r.id, jsonb_build_object(
		'text', r.text, 'details', r.details, 'owner', o.handle,
		'supporting', coalesce(sp.handles, '[]'::jsonb),
		'status', r.status, 'priority', r.priority, 'due_on', suivi_date(r.due_on),
		'tags', to_jsonb(r.tags))
	FROM unnest(ids) AS u(id)
	JOIN recommendations r ON r.id = u.id
	LEFT JOIN owners o ON o.id = r.owner_id
	LEFT JOIN (SELECT s.rec_id, jsonb_agg(so.handle ORDER BY so.handle) AS handles
		   FROM unnest(ids) AS su(id)
		   JOIN recommendation_supporters s ON s.rec_id = su.id
		   JOIN owners so ON so.id = s.owner_id
		   GROUP BY s.rec_id) AS sp ON sp.rec_id = r.id
$$;

-- The recommendation objects of doc/api.md, overdue and days_overdue as of today. json, not
-- jsonb: it keeps the document's key order and is several times cheaper to build and
-- aggregate for a page or an import of thousands. The fields are those of suivi_recs_fields.
CREATE FUNCTION suivi_recs_json(ids bigint[], today date) RETURNS TABLE (id bigint, rec json)
LANGUAGE sql STABLE AS $$
	SELECT r.id, CASE WHEN NOT coalesce(r.is_open AND r.due_on < today, false) THEN j
			  -- json_build_object text always ends with '}': add the member.
			  ELSE (left(j::text, -1) || ', "days_overdue" : ' || (today - r.due_on)
				|| '}')::json END
	FROM unnest(ids) AS u(id)
	JOIN recommendations r ON r.id = u.id
	JOIN meetings m ON m.id = r.meeting_id
	LEFT JOIN owners o ON o.id = r.owner_id
	LEFT JOIN (SELECT s.rec_id, json_agg(so.handle ORDER BY so.handle) AS handles
		   FROM unnest(ids) AS su(id)
		   JOIN recommendation_supporters s ON s.rec_id = su.id
		   JOIN owners so ON so.id = s.owner_id
		   GROUP BY s.rec_id) AS sp ON sp.rec_id = r.id
	CROSS JOIN LATERAL (SELECT json_build_object(
		'id', r.id, 'ref', m.code || '/' || r.n, 'meeting', m.code, 'n', r.n,
		'text', r.text, 'details', r.details, 'owner', o.handle,
		'supporting', coalesce(sp.handles, '[]'::json), 'status', r.status,
		'priority', r.priority, 'due_on', suivi_date(r.due_on), 'tags', to_json(r.tags),
		'version', r.version, 'open', r.is_open,
		'overdue', coalesce(r.is_open AND r.due_on < today, false),
		'created_at', suivi_ts(r.created_at), 'updated_at', suivi_ts(r.updated_at),
		'closed_at', suivi_ts(r.closed_at)) AS j) AS x
$$;

-- PL/pgSQL, not SQL, for the functions called once per request: PostgreSQL 15 plans a SQL
-- function's body on every call, while PL/pgSQL caches the plan of each statement (and the
-- SQL set-returning functions inside it are still inlined into that plan).
CREATE FUNCTION suivi_rec_json(rec_id bigint, today date) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT x.rec FROM suivi_recs_json(ARRAY[rec_id], today) AS x);
END;
$$;

CREATE FUNCTION suivi_history_json(h history) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', h.id, 'version', h.version, 'at', suivi_ts(h.at),
				  'actor', h.actor, 'kind', h.kind, 'before', h.before,
				  'after', h.after, 'comment', h.comment)
$$;

-- id (all digits) or ref "<meeting code>/<n>" (split at the last '/') → id, NULL when none.
CREATE FUNCTION suivi_rec_resolve(key text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
	found_id bigint;
BEGIN
	IF key ~ '^[0-9]{1,18}$' THEN
		SELECT r.id INTO found_id FROM recommendations r WHERE r.id = key::bigint;
	ELSIF key ~ '^.+/[0-9]{1,9}$' THEN
		SELECT r.id INTO found_id FROM recommendations r JOIN meetings m ON m.id = r.meeting_id
		 WHERE m.code = substring(key FROM '^(.+)/[0-9]+$')
		   AND r.n = substring(key FROM '/([0-9]+)$')::integer;
	END IF;
	RETURN found_id;
END;
$$;

-- One page of a list: items from the first lim ids of page (fetched with LIMIT lim + 1),
-- next = the cursor of the last item when there was one more.
CREATE FUNCTION suivi_rec_page(page bigint[], lim integer, today date, by_due boolean)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN json_build_object(
		'items', coalesce((SELECT json_agg(x.rec ORDER BY array_position(page, x.id))
				   FROM suivi_recs_json(page[1:lim], today) AS x), '[]'::json),
		'next', CASE WHEN cardinality(page) > lim THEN
				(SELECT CASE WHEN by_due THEN suivi_date(r.due_on) || ',' || r.id
					     ELSE r.id::text END
				 FROM recommendations r WHERE r.id = page[lim])
			END);
END;
$$;

-- --- reads -----------------------------------------------------------------------------------

CREATE FUNCTION suivi_owner_get(handle text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	o owners;
BEGIN
	SELECT * INTO o FROM owners WHERE owners.handle = suivi_owner_get.handle;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no owner ''%s''', handle));
	END IF;
	RETURN suivi_owner_json(o);
END;
$$;

-- Owners by handle; the cursor is the last handle of the page.
CREATE FUNCTION suivi_owner_list(after text, lim integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	page owners[];
BEGIN
	IF after IS NOT NULL AND after !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
		PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	END IF;
	page := ARRAY(SELECT o FROM owners o WHERE o.handle > coalesce(after, '')
		      ORDER BY o.handle LIMIT lim + 1);
	RETURN jsonb_build_object(
		'items', coalesce((SELECT jsonb_agg(suivi_owner_json(page[i]) ORDER BY i)
				   FROM generate_subscripts(page, 1) AS i WHERE i <= lim), '[]'),
		'next', CASE WHEN cardinality(page) > lim THEN (page[lim]).handle END);
END;
$$;

CREATE FUNCTION suivi_meeting_json(code text, today date) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	m meetings;
BEGIN
	SELECT * INTO m FROM meetings WHERE meetings.code = suivi_meeting_json.code;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no meeting ''%s''', code));
	END IF;
	RETURN suivi_meeting_repr(m) || jsonb_build_object('counts', suivi_meeting_counts(m.id, today));
END;
$$;

-- Meetings by starts_on descending, then code; the cursor is "starts_on,code" of the last.
CREATE FUNCTION suivi_meeting_list(after text, lim integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	page meetings[];
	after_on date := 'infinity';
	after_code text := '';
BEGIN
	IF after IS NOT NULL THEN
		IF after !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2},[a-z0-9][a-z0-9-]{0,62}$' THEN
			PERFORM suivi_raise(400, 'bad_cursor',
					    'the cursor "after" is not one this list gave');
		END IF;
		after_on := suivi_cursor_due(split_part(after, ',', 1) || ',0');
		after_code := split_part(after, ',', 2);
	END IF;
	page := ARRAY(SELECT m FROM meetings m
		      WHERE m.starts_on < after_on OR (m.starts_on = after_on AND m.code > after_code)
		      ORDER BY m.starts_on DESC, m.code LIMIT lim + 1);
	RETURN jsonb_build_object(
		'items', coalesce((SELECT jsonb_agg(suivi_meeting_repr(page[i]) ORDER BY i)
				   FROM generate_subscripts(page, 1) AS i WHERE i <= lim), '[]'),
		'next', CASE WHEN cardinality(page) > lim
			THEN suivi_date((page[lim]).starts_on) || ',' || (page[lim]).code END);
END;
$$;

-- The recommendation by id or ref; SU404 when there is none.
CREATE FUNCTION suivi_rec_find(key text, lock boolean) RETURNS recommendations
LANGUAGE plpgsql AS $$
DECLARE
	r recommendations;
BEGIN
	IF lock THEN
		SELECT * INTO r FROM recommendations WHERE id = suivi_rec_resolve(key) FOR UPDATE;
	ELSE
		SELECT * INTO r FROM recommendations WHERE id = suivi_rec_resolve(key);
	END IF;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no recommendation ''%s''', key));
	END IF;
	RETURN r;
END;
$$;

CREATE FUNCTION suivi_rec_get(key text, today date) RETURNS json
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN suivi_rec_json((suivi_rec_find(key, false)).id, today);
END;
$$;

-- History of one recommendation, oldest first; the cursor is the last event's id.
CREATE FUNCTION suivi_rec_history(key text, after text, lim integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	rid bigint := (suivi_rec_find(key, false)).id;
	after_id bigint := 0;
	page history[];
BEGIN
	IF after IS NOT NULL THEN
		after_id := suivi_cursor_id(after);
	END IF;
	page := ARRAY(SELECT h FROM history h WHERE h.rec_id = rid
		      AND h.id > after_id ORDER BY h.id LIMIT lim + 1);
	RETURN jsonb_build_object(
		'items', coalesce((SELECT jsonb_agg(suivi_history_json(page[i]) ORDER BY i)
				   FROM generate_subscripts(page, 1) AS i WHERE i <= lim), '[]'),
		'next', CASE WHEN cardinality(page) > lim THEN (page[lim]).id::text END);
END;
$$;

-- --- write helpers ---------------------------------------------------------------------------

-- Refuse a body that is not an object or has members other than allowed (the daemon checks
-- first; this keeps a mistake there from being silently ignored).
CREATE FUNCTION suivi_check_keys(body jsonb, allowed text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	errors jsonb;
BEGIN
	IF jsonb_typeof(body) IS DISTINCT FROM 'object' THEN
		PERFORM suivi_raise(422, 'invalid', 'the request body must be a JSON object');
	END IF;
	SELECT jsonb_agg(suivi_error(k, 'is not a field of this request') ORDER BY k) INTO errors
	FROM jsonb_object_keys(body) AS k WHERE k <> ALL (allowed);
	IF errors IS NOT NULL THEN
		PERFORM suivi_raise(422, 'invalid',
				    format('unknown field ''%s''', errors->0->>'field'),
				    jsonb_build_object('errors', errors));
	END IF;
END;
$$;

-- Refuse with 422 when errors (an array of suivi_error) is not empty.
CREATE FUNCTION suivi_raise_errors(code text, errors jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	n integer := jsonb_array_length(errors);
BEGIN
	IF n = 0 THEN
		RETURN;
	END IF;
	PERFORM suivi_raise(422, code,
			    (errors->0->>'field') || ': ' || (errors->0->>'message')
			    || CASE WHEN n > 1 THEN format(' (and %s more problems)', n - 1) ELSE '' END,
			    jsonb_build_object('errors', errors));
END;
$$;

-- Owner ids of a JSON array of handles (duplicates once) and an error per unknown handle.
CREATE FUNCTION suivi_owner_ids(handles jsonb, field text, OUT ids bigint[], OUT errors jsonb)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(array_agg(DISTINCT o.id) FILTER (WHERE o.id IS NOT NULL), '{}'),
	       coalesce(jsonb_agg(suivi_error(field, format('there is no owner ''%s''', x.h))
				  ORDER BY x.ord) FILTER (WHERE o.id IS NULL), '[]')
	FROM jsonb_array_elements_text(CASE jsonb_typeof(handles) WHEN 'array' THEN handles
					ELSE '[]' END) WITH ORDINALITY AS x(h, ord)
	LEFT JOIN owners o ON o.handle = x.h
$$;

-- Tags of a JSON array, each once, in their first order.
CREATE FUNCTION suivi_tags(tags jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(array_agg(t ORDER BY first), '{}')
	FROM (SELECT x.t, min(x.ord) AS first
	      FROM jsonb_array_elements_text(CASE jsonb_typeof(tags) WHEN 'array' THEN tags
					     ELSE '[]' END) WITH ORDINALITY AS x(t, ord)
	      GROUP BY x.t) AS d
$$;

-- The history fields (as suivi_recs_fields) of a row not stored yet, with supporting owners
-- sup: what a change would make of a recommendation.
CREATE FUNCTION suivi_fields_of(r recommendations, sup bigint[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'text', r.text, 'details', r.details,
		'owner', (SELECT o.handle FROM owners o WHERE o.id = r.owner_id),
		'supporting', coalesce((SELECT jsonb_agg(o.handle ORDER BY o.handle) FROM owners o
					WHERE o.id = ANY (sup)), '[]'::jsonb),
		'status', r.status, 'priority', r.priority, 'due_on', suivi_date(r.due_on),
		'tags', to_jsonb(r.tags))
$$;

CREATE FUNCTION suivi_rec_ref(r recommendations) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT m.code || '/' || r.n FROM meetings m WHERE m.id = r.meeting_id
$$;

-- 412 when the client's If-Match version is not r's.
CREATE FUNCTION suivi_check_version(r recommendations, if_match integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF if_match IS NOT NULL AND if_match <> r.version THEN
		PERFORM suivi_raise(412, 'stale_version',
				    format('%s is at version %s, not %s', suivi_rec_ref(r), r.version,
					   if_match),
				    jsonb_build_object('current_version', r.version));
	END IF;
END;
$$;

-- --- owners and meetings ---------------------------------------------------------------------

CREATE FUNCTION suivi_owner_create(actor text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o owners;
BEGIN
	PERFORM suivi_check_keys(body, '{handle,name,email,locale,active}');
	INSERT INTO owners (handle, name, email, locale, active)
	VALUES (body->>'handle', body->>'name', coalesce(body->>'email', ''),
		coalesce(body->>'locale', 'en'), coalesce((body->>'active')::boolean, true))
	ON CONFLICT (handle) DO NOTHING
	RETURNING * INTO o;
	IF NOT FOUND THEN
		PERFORM suivi_raise(409, 'duplicate',
				    format('there is already an owner ''%s''', body->>'handle'));
	END IF;
	RETURN suivi_owner_json(o);
END;
$$;

CREATE FUNCTION suivi_owner_patch(actor text, handle text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o owners;
	n owners;
BEGIN
	PERFORM suivi_check_keys(body, '{name,email,locale,active}');
	SELECT * INTO o FROM owners WHERE owners.handle = suivi_owner_patch.handle FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no owner ''%s''', handle));
	END IF;
	n := o;
	IF body ? 'name' THEN n.name := body->>'name'; END IF;
	IF body ? 'email' THEN n.email := coalesce(body->>'email', ''); END IF;
	IF body ? 'locale' THEN n.locale := body->>'locale'; END IF;
	IF body ? 'active' THEN n.active := (body->>'active')::boolean; END IF;
	IF (n.name, n.email, n.locale, n.active) IS NOT DISTINCT FROM
	   (o.name, o.email, o.locale, o.active) THEN
		RETURN suivi_owner_json(o);
	END IF;
	UPDATE owners SET name = n.name, email = n.email, locale = n.locale, active = n.active,
			  updated_at = now()
	WHERE id = o.id RETURNING * INTO o;
	RETURN suivi_owner_json(o);
END;
$$;

-- 422 when a meeting would end before it starts (the daemon cannot see the stored dates).
CREATE FUNCTION suivi_check_meeting_dates(m meetings) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF m.ends_on < m.starts_on THEN
		PERFORM suivi_raise_errors('invalid', jsonb_build_array(suivi_error('ends_on',
			format('%s is before starts_on %s', suivi_date(m.ends_on),
			       suivi_date(m.starts_on)))));
	END IF;
END;
$$;

CREATE FUNCTION suivi_meeting_create(actor text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	m meetings;
BEGIN
	PERFORM suivi_check_keys(body,
		'{code,title,starts_on,ends_on,place,organisers,notes,series}');
	m.code := body->>'code';
	m.title := body->>'title';
	m.starts_on := (body->>'starts_on')::date;
	m.ends_on := coalesce((body->>'ends_on')::date, m.starts_on);
	m.place := coalesce(body->>'place', '');
	m.organisers := ARRAY(SELECT jsonb_array_elements_text(
		CASE jsonb_typeof(body->'organisers') WHEN 'array' THEN body->'organisers'
		ELSE '[]' END));
	m.notes := coalesce(body->>'notes', '');
	m.series := body->>'series';
	PERFORM suivi_check_meeting_dates(m);
	INSERT INTO meetings (code, title, starts_on, ends_on, place, organisers, notes, series)
	VALUES (m.code, m.title, m.starts_on, m.ends_on, m.place, m.organisers, m.notes, m.series)
	ON CONFLICT (code) DO NOTHING
	RETURNING * INTO m;
	IF NOT FOUND THEN
		PERFORM suivi_raise(409, 'duplicate',
				    format('there is already a meeting ''%s''', body->>'code'));
	END IF;
	RETURN suivi_meeting_repr(m);
END;
$$;

CREATE FUNCTION suivi_meeting_patch(actor text, code text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o meetings;
	m meetings;
BEGIN
	PERFORM suivi_check_keys(body, '{title,starts_on,ends_on,place,organisers,notes,series}');
	SELECT * INTO o FROM meetings WHERE meetings.code = suivi_meeting_patch.code FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no meeting ''%s''', code));
	END IF;
	m := o;
	IF body ? 'title' THEN m.title := body->>'title'; END IF;
	IF body ? 'starts_on' THEN m.starts_on := (body->>'starts_on')::date; END IF;
	IF body ? 'ends_on' THEN m.ends_on := (body->>'ends_on')::date; END IF;
	IF body ? 'place' THEN m.place := coalesce(body->>'place', ''); END IF;
	IF body ? 'organisers' THEN
		m.organisers := ARRAY(SELECT jsonb_array_elements_text(
			CASE jsonb_typeof(body->'organisers') WHEN 'array' THEN body->'organisers'
			ELSE '[]' END));
	END IF;
	IF body ? 'notes' THEN m.notes := coalesce(body->>'notes', ''); END IF;
	IF body ? 'series' THEN m.series := body->>'series'; END IF;
	PERFORM suivi_check_meeting_dates(m);
	IF (m.title, m.starts_on, m.ends_on, m.place, m.organisers, m.notes, m.series)
	   IS NOT DISTINCT FROM
	   (o.title, o.starts_on, o.ends_on, o.place, o.organisers, o.notes, o.series) THEN
		RETURN suivi_meeting_repr(o);
	END IF;
	UPDATE meetings SET title = m.title, starts_on = m.starts_on, ends_on = m.ends_on,
			    place = m.place, organisers = m.organisers, notes = m.notes,
			    series = m.series, updated_at = now()
	WHERE id = o.id RETURNING * INTO m;
	RETURN suivi_meeting_repr(m);
END;
$$;

-- --- recommendations -------------------------------------------------------------------------

CREATE FUNCTION suivi_rec_create(actor text, body jsonb, today date) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	m meetings;
	st statuses;
	r recommendations;
	lead bigint;
	sup bigint[];
	sup_errors jsonb;
	errors jsonb := '[]';
	code text;
BEGIN
	PERFORM suivi_check_keys(body,
		'{meeting,text,details,owner,supporting,status,priority,due_on,tags}');
	SELECT * INTO m FROM meetings WHERE meetings.code = body->>'meeting';
	IF NOT FOUND THEN
		errors := errors || suivi_error('meeting',
			format('there is no meeting ''%s''', body->>'meeting'));
		code := 'unknown_meeting';
	END IF;
	IF body->>'owner' IS NOT NULL THEN
		SELECT o.id INTO lead FROM owners o WHERE o.handle = body->>'owner';
		IF NOT FOUND THEN
			errors := errors || suivi_error('owner',
				format('there is no owner ''%s''', body->>'owner'));
			code := coalesce(code, 'unknown_owner');
		END IF;
	END IF;
	SELECT x.ids, x.errors INTO sup, sup_errors FROM suivi_owner_ids(body->'supporting',
									 'supporting') AS x;
	IF jsonb_array_length(sup_errors) > 0 THEN
		errors := errors || sup_errors;
		code := coalesce(code, 'unknown_owner');
	END IF;
	SELECT * INTO st FROM statuses WHERE name = coalesce(body->>'status', 'proposed');
	IF NOT FOUND THEN
		errors := errors || suivi_error('status',
			format('there is no status ''%s''', body->>'status'));
		code := coalesce(code, 'unknown_status');
	ELSIF NOT st.is_open THEN
		errors := errors || suivi_error('status',
			format('a new recommendation cannot be %s (a closed status)', st.name));
		code := coalesce(code, 'invalid');
	END IF;
	PERFORM suivi_raise_errors(code, errors);

	-- The row lock on the meeting serialises concurrent creators; numbers are never reused.
	UPDATE meetings SET last_n = last_n + 1 WHERE id = m.id RETURNING last_n INTO r.n;
	INSERT INTO recommendations (meeting_id, n, text, details, owner_id, status, priority,
				     due_on, tags)
	VALUES (m.id, r.n, body->>'text', coalesce(body->>'details', ''), lead, st.name,
		coalesce(body->>'priority', 'normal'), (body->>'due_on')::date,
		suivi_tags(body->'tags'))
	RETURNING * INTO r;
	INSERT INTO recommendation_supporters (rec_id, owner_id)
	SELECT r.id, s FROM unnest(sup) AS s WHERE s IS DISTINCT FROM lead;
	INSERT INTO history (rec_id, version, actor, kind, before, after)
	VALUES (r.id, r.version, actor, 'created', NULL,
		(SELECT f.fields FROM suivi_recs_fields(ARRAY[r.id]) AS f));
	RETURN suivi_rec_json(r.id, today);
END;
$$;

CREATE FUNCTION suivi_rec_patch(actor text, key text, body jsonb, if_match integer, today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	r recommendations := suivi_rec_find(key, true);
	n recommendations;
	sup bigint[];
	sup_errors jsonb;
	errors jsonb := '[]';
	before_d jsonb;
	after_d jsonb;
BEGIN
	PERFORM suivi_check_version(r, if_match);
	PERFORM suivi_check_keys(body, '{text,details,owner,supporting,priority,due_on,tags}');
	n := r;
	IF body ? 'text' THEN n.text := body->>'text'; END IF;
	IF body ? 'details' THEN n.details := coalesce(body->>'details', ''); END IF;
	IF body ? 'priority' THEN n.priority := coalesce(body->>'priority', 'normal'); END IF;
	IF body ? 'due_on' THEN n.due_on := (body->>'due_on')::date; END IF;
	IF body ? 'tags' THEN n.tags := suivi_tags(body->'tags'); END IF;
	IF body ? 'owner' THEN
		n.owner_id := NULL;
		IF body->>'owner' IS NOT NULL THEN
			SELECT o.id INTO n.owner_id FROM owners o WHERE o.handle = body->>'owner';
			IF NOT FOUND THEN
				errors := errors || suivi_error('owner',
					format('there is no owner ''%s''', body->>'owner'));
			END IF;
		END IF;
	END IF;
	IF body ? 'supporting' THEN
		SELECT x.ids, x.errors INTO sup, sup_errors
		FROM suivi_owner_ids(body->'supporting', 'supporting') AS x;
		errors := errors || sup_errors;
	ELSE
		sup := ARRAY(SELECT s.owner_id FROM recommendation_supporters s
			     WHERE s.rec_id = r.id);
	END IF;
	PERFORM suivi_raise_errors('unknown_owner', errors);
	-- The lead owner is not also a supporting owner.
	sup := array_remove(sup, n.owner_id);

	SELECT jsonb_object_agg(k, o.f->k), jsonb_object_agg(k, a.f->k) INTO before_d, after_d
	FROM (SELECT f.fields AS f FROM suivi_recs_fields(ARRAY[r.id]) AS f) AS o,
	     (SELECT suivi_fields_of(n, sup) AS f) AS a,
	     jsonb_object_keys(a.f) AS k
	WHERE o.f->k IS DISTINCT FROM a.f->k;
	IF before_d IS NULL THEN
		RETURN suivi_rec_json(r.id, today); -- nothing changes: no version, no history
	END IF;

	UPDATE recommendations
	SET text = n.text, details = n.details, owner_id = n.owner_id, priority = n.priority,
	    due_on = n.due_on, tags = n.tags, version = version + 1, updated_at = now()
	WHERE id = r.id RETURNING * INTO r;
	IF after_d ? 'supporting' THEN
		DELETE FROM recommendation_supporters s
		WHERE s.rec_id = r.id AND s.owner_id <> ALL (sup);
		INSERT INTO recommendation_supporters (rec_id, owner_id)
		SELECT r.id, s FROM unnest(sup) AS s ON CONFLICT DO NOTHING;
	END IF;
	INSERT INTO history (rec_id, version, actor, kind, before, after)
	VALUES (r.id, r.version, actor, 'edit', before_d, after_d);
	RETURN suivi_rec_json(r.id, today);
END;
$$;

CREATE FUNCTION suivi_rec_transition(actor text, key text, to_status text, comment text,
				     if_match integer, today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	r recommendations := suivi_rec_find(key, true);
	st statuses;
	old_status text := r.status;
	allowed jsonb;
BEGIN
	PERFORM suivi_check_version(r, if_match);
	SELECT * INTO st FROM statuses WHERE name = to_status;
	IF NOT FOUND THEN
		PERFORM suivi_raise_errors('unknown_status', jsonb_build_array(suivi_error('to',
			format('there is no status ''%s''', to_status))));
	END IF;
	IF to_status = r.status
	   OR NOT EXISTS (SELECT 1 FROM transitions t
			  WHERE t.from_status = r.status AND t.to_status = st.name) THEN
		SELECT coalesce(jsonb_agg(s.name ORDER BY s.position), '[]') INTO allowed
		FROM transitions t JOIN statuses s ON s.name = t.to_status
		WHERE t.from_status = r.status;
		PERFORM suivi_raise(409, 'invalid_transition',
			CASE WHEN to_status = r.status
			     THEN format('%s is already %s', suivi_rec_ref(r), r.status)
			     ELSE format('cannot move %s from %s to %s', suivi_rec_ref(r), r.status,
					 to_status) END,
			jsonb_build_object('allowed', allowed));
	END IF;
	IF st.comment_required AND coalesce(comment, '') ~ '^[[:space:]]*$' THEN
		PERFORM suivi_raise(422, 'comment_required',
			format('moving %s to %s requires a comment', suivi_rec_ref(r), st.name),
			jsonb_build_object('errors', jsonb_build_array(suivi_error('comment',
				format('a comment is required to move to %s', st.name)))));
	END IF;
	UPDATE recommendations SET status = st.name, version = version + 1, updated_at = now()
	WHERE id = r.id RETURNING * INTO r;
	INSERT INTO history (rec_id, version, actor, kind, before, after, comment)
	VALUES (r.id, r.version, actor, 'transition', jsonb_build_object('status', old_status),
		jsonb_build_object('status', r.status),
		CASE WHEN comment !~ '^[[:space:]]*$' THEN comment END);
	RETURN suivi_rec_json(r.id, today);
END;
$$;

CREATE FUNCTION suivi_rec_comment(actor text, key text, comment text, if_match integer,
				  today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	r recommendations := suivi_rec_find(key, true);
BEGIN
	PERFORM suivi_check_version(r, if_match);
	IF coalesce(comment, '') ~ '^[[:space:]]*$' THEN
		PERFORM suivi_raise_errors('invalid', jsonb_build_array(suivi_error('comment',
			'a comment cannot be empty')));
	END IF;
	UPDATE recommendations SET version = version + 1, updated_at = now()
	WHERE id = r.id RETURNING * INTO r;
	INSERT INTO history (rec_id, version, actor, kind, before, after, comment)
	VALUES (r.id, r.version, actor, 'comment', NULL, NULL, comment);
	RETURN suivi_rec_json(r.id, today);
END;
$$;

-- Bulk creation, all or nothing. items: an array of creation bodies without "meeting", each
-- with its "row" (and optionally "unit": "line", "row" or "element", default "row") so that a
-- refusal names it: {"errors":[{"field":"row 7: owner","message":"there is no owner 'x'"}]}.
-- Set-based so that 10,000 items take well under a second. dry_run: the same work inside a
-- subtransaction that is then rolled back, so that what it shows is exactly what a real
-- import would create (without id and timestamps) and nothing stays, last_n included.
CREATE FUNCTION suivi_rec_import(actor text, meeting_code text, items jsonb, dry_run boolean,
				 today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	m meetings;
	total integer;
	errors jsonb;
	code text;
	result json;
BEGIN
	SELECT * INTO m FROM meetings WHERE meetings.code = meeting_code;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no meeting ''%s''', meeting_code));
	END IF;
	IF jsonb_typeof(items) IS DISTINCT FROM 'array' OR jsonb_array_length(items) = 0 THEN
		PERFORM suivi_raise(422, 'invalid', 'there is nothing to import');
	END IF;
	total := jsonb_array_length(items);

	WITH src AS (
		SELECT x.ord, x.item,
		       coalesce(x.item->>'unit', 'row') || ' ' || coalesce(x.item->>'row', x.ord::text)
		       || ': ' AS at
		FROM jsonb_array_elements(items) WITH ORDINALITY AS x(item, ord)
	), problems AS (
		SELECT ord, 1 AS k, 'invalid' AS code, suivi_error(at || 'text', 'is required') AS e
		FROM src WHERE coalesce(item->>'text', '') = ''
		UNION ALL
		SELECT ord, 2, 'unknown_owner',
		       suivi_error(at || 'owner', format('there is no owner ''%s''', item->>'owner'))
		FROM src WHERE item->>'owner' IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.handle = item->>'owner')
		UNION ALL
		SELECT ord, 3, 'unknown_owner',
		       suivi_error(at || 'supporting', format('there is no owner ''%s''', h))
		FROM src, jsonb_array_elements_text(CASE jsonb_typeof(item->'supporting')
			WHEN 'array' THEN item->'supporting' ELSE '[]' END) AS h
		WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.handle = h)
		UNION ALL
		SELECT ord, 4, CASE WHEN s.name IS NULL THEN 'unknown_status' ELSE 'invalid' END,
		       suivi_error(at || 'status',
				   CASE WHEN s.name IS NULL
					THEN format('there is no status ''%s''', item->>'status')
					ELSE format('a new recommendation cannot be %s (a closed status)',
						    s.name) END)
		FROM src LEFT JOIN statuses s ON s.name = coalesce(item->>'status', 'proposed')
		WHERE s.name IS NULL OR NOT s.is_open
	), firsts AS (
		SELECT * FROM problems ORDER BY ord, k LIMIT 100
	)
	SELECT jsonb_agg(e ORDER BY ord, k), (array_agg(firsts.code ORDER BY ord, k))[1]
	INTO errors, code FROM firsts;
	IF errors IS NOT NULL THEN
		PERFORM suivi_raise_errors(code, errors);
	END IF;

	IF NOT dry_run THEN
		RETURN json_build_object('dry_run', false, 'created', total,
					 'items', suivi_rec_import_rows(actor, m.id, items, today));
	END IF;
	BEGIN
		result := suivi_rec_import_rows(actor, m.id, items, today);
		RAISE EXCEPTION USING ERRCODE = 'SU000'; -- undo everything but result
	EXCEPTION WHEN SQLSTATE 'SU000' THEN
		NULL;
	END;
	SELECT json_agg(x::jsonb - '{id,created_at,updated_at,closed_at}'::text[] ORDER BY ord)
	INTO result FROM json_array_elements(result) WITH ORDINALITY AS e(x, ord);
	RETURN json_build_object('dry_run', true, 'created', total, 'items', result);
END;
$$;

-- The writing half of suivi_rec_import, on items already checked: returns the created
-- recommendations in item order.
CREATE FUNCTION suivi_rec_import_rows(actor text, meeting bigint, items jsonb, today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	total integer := jsonb_array_length(items);
	base integer;
	ids bigint[];
BEGIN
	-- One row lock and one jump of last_n for the whole batch.
	UPDATE meetings SET last_n = last_n + total WHERE id = meeting
	RETURNING last_n - total INTO base;
	WITH src AS (
		SELECT x.ord, x.item, o.id AS owner_id
		FROM jsonb_array_elements(items) WITH ORDINALITY AS x(item, ord)
		LEFT JOIN owners o ON o.handle = x.item->>'owner'
	), ins AS (
		INSERT INTO recommendations (meeting_id, n, text, details, owner_id, status, priority,
					     due_on, tags)
		SELECT meeting, base + ord, item->>'text', coalesce(item->>'details', ''), owner_id,
		       coalesce(item->>'status', 'proposed'), coalesce(item->>'priority', 'normal'),
		       (item->>'due_on')::date,
		       -- Not suivi_tags (a function call per row): the import parser has already
		       -- kept each tag once.
		       ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(item->'tags')
				WHEN 'array' THEN item->'tags' ELSE '[]' END))
		FROM src ORDER BY ord
		RETURNING id, n, owner_id
	), sup AS (
		INSERT INTO recommendation_supporters (rec_id, owner_id)
		SELECT DISTINCT ins.id, o.id
		FROM ins JOIN src ON base + src.ord = ins.n,
		     jsonb_array_elements_text(CASE jsonb_typeof(src.item->'supporting')
			WHEN 'array' THEN src.item->'supporting' ELSE '[]' END) AS h
		JOIN owners o ON o.handle = h
		WHERE o.id IS DISTINCT FROM ins.owner_id
	)
	SELECT array_agg(ins.id ORDER BY ins.n) INTO ids FROM ins;
	INSERT INTO history (rec_id, version, actor, kind, before, after)
	SELECT f.id, 1, actor, 'created', NULL, f.fields
	FROM suivi_recs_fields(ids) AS f ORDER BY f.id;
	-- Identities were taken in item order, so id order is item order.
	RETURN (SELECT json_agg(x.rec ORDER BY x.id) FROM suivi_recs_json(ids, today) AS x);
END;
$$;

-- --- reports ---------------------------------------------------------------------------------

-- Overdue items (open, due before as_of) grouped by lead owner, then meeting; items without a
-- lead owner under "unowned". owner and meeting (may be NULL) narrow the report.
CREATE FUNCTION suivi_report_overdue(as_of date, owner text, meeting text,
				     timezone text DEFAULT NULL)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	oid bigint;
	mid bigint;
	result jsonb;
BEGIN
	IF owner IS NOT NULL THEN
		SELECT o.id INTO oid FROM owners o WHERE o.handle = owner;
		IF NOT FOUND THEN
			PERFORM suivi_raise_errors('unknown_owner', jsonb_build_array(suivi_error(
				'owner', format('there is no owner ''%s''', owner))));
		END IF;
	END IF;
	IF meeting IS NOT NULL THEN
		SELECT m.id INTO mid FROM meetings m WHERE m.code = meeting;
		IF NOT FOUND THEN
			PERFORM suivi_raise_errors('unknown_meeting', jsonb_build_array(suivi_error(
				'meeting', format('there is no meeting ''%s''', meeting))));
		END IF;
	END IF;
	WITH items AS (
		SELECT r.id, r.owner_id, r.due_on, m.code, m.title, m.starts_on,
		       jsonb_build_object('ref', m.code || '/' || r.n, 'id', r.id, 'text', r.text,
					  'status', r.status, 'due_on', suivi_date(r.due_on),
					  'days_overdue', as_of - r.due_on) AS j
		FROM recommendations r JOIN meetings m ON m.id = r.meeting_id
		WHERE r.is_open AND r.due_on < as_of
		  AND (oid IS NULL OR r.owner_id = oid) AND (mid IS NULL OR r.meeting_id = mid)
	), per_meeting AS (
		SELECT owner_id, code, starts_on, count(*) AS c,
		       jsonb_build_object('code', code, 'title', title,
					  'items', jsonb_agg(j ORDER BY due_on, id)) AS j
		FROM items WHERE owner_id IS NOT NULL
		GROUP BY owner_id, code, title, starts_on
	), per_owner AS (
		SELECT o.handle,
		       jsonb_build_object('owner', jsonb_build_object('handle', o.handle,
					  'name', o.name, 'email', o.email),
					  'total', sum(pm.c),
					  'meetings', jsonb_agg(pm.j ORDER BY pm.starts_on, pm.code)) AS j
		FROM per_meeting pm JOIN owners o ON o.id = pm.owner_id
		GROUP BY o.id
	)
	SELECT jsonb_build_object(
		'as_of', suivi_date(as_of), 'timezone', timezone,
		'total', (SELECT count(*) FROM items),
		'owners', coalesce((SELECT jsonb_agg(j ORDER BY handle) FROM per_owner), '[]'),
		'unowned', coalesce((SELECT jsonb_agg(j ORDER BY due_on, id) FROM items
				     WHERE owner_id IS NULL), '[]'))
	INTO result;
	RETURN result;
END;
$$;

-- Counts by status, per meeting and per owner, from recommendation_counts; overdue counts
-- from the open-by-due-date index.
CREATE FUNCTION suivi_report_summary(as_of date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH c AS (
		SELECT rc.meeting_id, rc.owner_key, rc.status, rc.n, s.is_open
		FROM recommendation_counts rc JOIN statuses s ON s.name = rc.status
		WHERE rc.n <> 0
	), od AS (
		SELECT r.meeting_id, coalesce(r.owner_id, 0) AS owner_key, count(*) AS n
		FROM recommendations r WHERE r.is_open AND r.due_on < as_of
		GROUP BY 1, 2
	), zero AS (
		SELECT jsonb_object_agg(name, 0) AS j FROM statuses
	), per_meeting AS (
		SELECT meeting_id, jsonb_object_agg(status, n) AS by_status, sum(n) AS total,
		       coalesce(sum(n) FILTER (WHERE is_open), 0) AS open
		FROM (SELECT meeting_id, status, is_open, sum(n) AS n FROM c GROUP BY 1, 2, 3) AS x
		GROUP BY meeting_id
	), per_owner AS (
		SELECT owner_key, sum(n) FILTER (WHERE is_open) AS open FROM c GROUP BY owner_key
	)
	SELECT jsonb_build_object(
		'as_of', suivi_date(as_of),
		'by_status', (SELECT j FROM zero) || coalesce((SELECT jsonb_object_agg(status, n)
			FROM (SELECT status, sum(n) AS n FROM c GROUP BY status) AS s), '{}'),
		'total', (SELECT coalesce(sum(n), 0) FROM c),
		'open', (SELECT coalesce(sum(n), 0) FROM c WHERE is_open),
		'overdue', (SELECT coalesce(sum(n), 0) FROM od),
		'meetings', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'code', m.code, 'title', m.title,
				'counts', (SELECT j FROM zero) || coalesce(pm.by_status, '{}')
					  || jsonb_build_object('total', coalesce(pm.total, 0)),
				'open', coalesce(pm.open, 0),
				'overdue', coalesce((SELECT sum(od.n) FROM od
						     WHERE od.meeting_id = m.id), 0))
				ORDER BY m.starts_on DESC, m.code)
			FROM meetings m LEFT JOIN per_meeting pm ON pm.meeting_id = m.id), '[]'),
		'owners', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'handle', o.handle, 'name', o.name,
				'open', coalesce(po.open, 0),
				'overdue', coalesce((SELECT sum(od.n) FROM od
						     WHERE od.owner_key = o.id), 0))
				ORDER BY o.handle)
			FROM owners o LEFT JOIN per_owner po ON po.owner_key = o.id), '[]'),
		'unowned', jsonb_build_object(
			'open', coalesce((SELECT open FROM per_owner WHERE owner_key = 0), 0),
			'overdue', coalesce((SELECT sum(n) FROM od WHERE owner_key = 0), 0)))
$$;

-- The follow-up brief of a meeting of a series: the open recommendations of the series'
-- earlier meetings, the previous meeting, and for every recommendation of the earlier meetings
-- its history since the previous meeting started (up to as_of included). Dates become
-- timestamps in the session's TimeZone.
CREATE FUNCTION suivi_report_brief(meeting text, as_of date) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	m meetings;
	prev meetings;
	open_items json;
	changes jsonb;
BEGIN
	SELECT * INTO m FROM meetings WHERE code = meeting;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no meeting ''%s''', meeting));
	END IF;
	IF m.series IS NULL THEN
		PERFORM suivi_raise_errors('not_in_series', jsonb_build_array(suivi_error('meeting',
			format('meeting ''%s'' is not part of a series', meeting))));
	END IF;
	SELECT * INTO prev FROM meetings e
	WHERE e.series = m.series AND (e.starts_on, e.code) < (m.starts_on, m.code)
	ORDER BY e.starts_on DESC, e.code DESC LIMIT 1;
	SELECT json_agg(x.rec ORDER BY e.starts_on, e.code, r.n) INTO open_items
	FROM suivi_recs_json(ARRAY(
		SELECT r.id FROM meetings e JOIN recommendations r ON r.meeting_id = e.id
		WHERE e.series = m.series AND (e.starts_on, e.code) < (m.starts_on, m.code)
		  AND r.is_open), as_of) AS x
	JOIN recommendations r ON r.id = x.id JOIN meetings e ON e.id = r.meeting_id;
	IF prev.id IS NOT NULL THEN
		SELECT jsonb_agg(jsonb_build_object('ref', e.code || '/' || r.n, 'text', r.text,
						    'events', ev.events)
				 ORDER BY e.starts_on, e.code, r.n)
		INTO changes
		FROM meetings e JOIN recommendations r ON r.meeting_id = e.id
		CROSS JOIN LATERAL (
			SELECT jsonb_agg(suivi_history_json(h) ORDER BY h.id) AS events
			FROM history h
			WHERE h.rec_id = r.id AND h.at >= prev.starts_on AND h.at < as_of + 1) AS ev
		WHERE e.series = m.series AND (e.starts_on, e.code) < (m.starts_on, m.code)
		  AND ev.events IS NOT NULL;
	END IF;
	RETURN json_build_object(
		'meeting', suivi_meeting_repr(m), 'series', m.series,
		'previous', CASE WHEN prev.id IS NOT NULL THEN suivi_meeting_repr(prev) END,
		'open', coalesce(open_items, '[]'::json), 'changes', coalesce(changes, '[]'::jsonb));
END;
$$;
