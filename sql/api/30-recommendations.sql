-- 30-recommendations.sql — recommendations: representation, pages of the list (see
-- 00-helpers.sql for how suivid composes it), GET, history, create, patch, transitions and
-- comments.

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
				  'after', h.after, 'comment', h.comment,
				  -- 'mail' and the Message-ID for an owner's reply by mail.
				  'source', h.source, 'message_id', h.message_id)
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

-- GET /v1/recommendations/{key}: the recommendation by id or ref (suivi_rec_resolve's rules),
-- as suivi_recs_json; no row when there is none (the daemon answers 404). Plain SQL, not
-- PL/pgSQL: the daemon's prepared statement (SELECT … FROM suivi_rec_by_key($1, $2)) inlines
-- it and caches one plan, where suivi_rec_get ran four PL/pgSQL functions and their
-- statements. The CASEs keep a key of the other shape from reaching a cast, also when the
-- planner folds a constant key.
CREATE FUNCTION suivi_rec_by_key(key text, today date) RETURNS TABLE (rec json)
LANGUAGE sql STABLE AS $$
	SELECT x.rec
	FROM (SELECT r.id FROM recommendations r
	      WHERE r.id = CASE WHEN key ~ '^[0-9]{1,18}$' THEN key::bigint END
	      UNION ALL
	      SELECT r.id FROM recommendations r JOIN meetings m ON m.id = r.meeting_id
	      WHERE m.code = CASE WHEN key ~ '^.+/[0-9]{1,9}$'
				  THEN substring(key FROM '^(.+)/[0-9]+$') END
		AND r.n = CASE WHEN key ~ '^.+/[0-9]{1,9}$'
			       THEN substring(key FROM '/([0-9]+)$')::integer END) AS k
	-- ARRAY[k.id], not a sub-select: an argument holding a sub-select would keep the
	-- planner from inlining suivi_recs_json.
	CROSS JOIN LATERAL suivi_recs_json(ARRAY[k.id], today) AS x
$$;

-- The same for SQL callers: SU404 when there is none.
CREATE FUNCTION suivi_rec_get(key text, today date) RETURNS json
LANGUAGE plpgsql STABLE AS $$
DECLARE
	answer json;
BEGIN
	SELECT x.rec INTO answer FROM suivi_rec_by_key(key, today) AS x;
	IF answer IS NULL THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no recommendation ''%s''', key));
	END IF;
	RETURN answer;
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
