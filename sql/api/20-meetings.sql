-- 20-meetings.sql — meetings: representation with counts per status, GET one and list,
-- create, patch.

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

CREATE FUNCTION suivi_meeting_repr(m meetings) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', m.code, 'title', m.title,
				  'starts_on', suivi_date(m.starts_on),
				  'ends_on', suivi_date(m.ends_on), 'place', m.place,
				  'organisers', to_jsonb(m.organisers), 'notes', m.notes,
				  'series', m.series, 'created_at', suivi_ts(m.created_at),
				  'updated_at', suivi_ts(m.updated_at))
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
