-- 00-helpers.sql — the API inside PostgreSQL: JSON representations, one PL/pgSQL function
-- per write (one round trip, atomic), reads that build their JSON here so that suivid passes
-- text through, reports, and accent-insensitive search. This file: the conventions every
-- file of sql/api/ follows, and the small helpers they share.
--
-- The files of sql/api/ are applied in name order into the schema suivi_api, which suivid
-- drops and re-creates (in the transaction of the pending migrations, under the migration
-- lock) whenever sql/ changes: edit a function here, in place. suivid's connections use
-- search_path = suivi_api, public. Tables live in public and change only by migrations.
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
--   status=S (one)                   r.status = $n
--   status=S… (several; one $n)      r.status = ANY($n::text[])
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
--   suivi_rec_get(key text, today date)             key = id or ref; SU404 (the daemon
--     sends SELECT x.rec::text FROM suivi_rec_by_key($1, $2) AS x: plain SQL, inlined
--     into its prepared statement; no row when there is none)
--   suivi_rec_history(key text, after text, lim int) oldest first; SU404
--   suivi_report_overdue(as_of, owner, meeting, timezone)
--   suivi_report_summary(as_of)                     suivi_report_brief(meeting, as_of)

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
