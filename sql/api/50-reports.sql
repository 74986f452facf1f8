-- 50-reports.sql — the documents of the reports (overdue, summary, brief) and of the overdue
-- report's extra sections; suivid renders them (daemon/render/report.c).

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
				     WHERE owner_id IS NULL), '[]'),
		'status_labels', suivi_status_labels())
	INTO result;
	RETURN result;
END;
$$;

-- The overdue report as mailed to the secretariat: counts computed here, lists capped so that
-- its size does not grow with the database (the full list is the API's export above). The
-- max_listed owners and meetings with the most overdue items, each listed owner's max_items
-- oldest items, and max_items oldest items without a lead owner; the totals say how many
-- more there are.
CREATE FUNCTION suivi_report_overdue_mail(as_of date, timezone text, max_listed integer,
					  max_items integer)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	WITH items AS MATERIALIZED (
		SELECT r.owner_id, r.meeting_id FROM recommendations r
		WHERE r.is_open AND r.due_on < as_of
	), by_owner AS (
		SELECT i.owner_id, count(*) AS n FROM items i WHERE i.owner_id IS NOT NULL
		GROUP BY i.owner_id
	), top_owners AS (
		SELECT b.owner_id, b.n, o.handle, o.name FROM by_owner b JOIN owners o ON o.id = b.owner_id
		ORDER BY b.n DESC, o.handle LIMIT max_listed
	), by_meeting AS (
		SELECT i.meeting_id, count(*) AS n FROM items i GROUP BY i.meeting_id
	), top_meetings AS (
		SELECT m.code, m.title, b.n FROM by_meeting b JOIN meetings m ON m.id = b.meeting_id
		ORDER BY b.n DESC, m.code LIMIT max_listed
	)
	SELECT jsonb_build_object(
		'as_of', suivi_date(as_of), 'timezone', timezone,
		'status_labels', suivi_status_labels(),
		'total', (SELECT count(*) FROM items),
		'owners_total', (SELECT count(*) FROM by_owner),
		'owners', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'handle', t.handle, 'name', t.name, 'total', t.n,
				'items', coalesce((
					SELECT jsonb_agg(jsonb_build_object(
						'ref', m.code || '/' || r.n, 'text', r.text,
						'status', r.status, 'due_on', suivi_date(r.due_on),
						'days_overdue', as_of - r.due_on)
						ORDER BY r.due_on, r.id)
					FROM (SELECT * FROM recommendations r
					      WHERE r.owner_id = t.owner_id AND r.is_open
						AND r.due_on < as_of
					      ORDER BY r.due_on, r.id LIMIT max_items) r
					JOIN meetings m ON m.id = r.meeting_id), '[]'))
				ORDER BY t.n DESC, t.handle)
			FROM top_owners t), '[]'),
		'meetings_total', (SELECT count(*) FROM by_meeting),
		'meetings', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'code', t.code, 'title', t.title, 'total', t.n)
				ORDER BY t.n DESC, t.code)
			FROM top_meetings t), '[]'),
		'unowned_total', (SELECT count(*) FROM items i WHERE i.owner_id IS NULL),
		'unowned', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text, 'status', r.status,
				'due_on', suivi_date(r.due_on), 'days_overdue', as_of - r.due_on)
				ORDER BY r.due_on, r.id)
			FROM (SELECT * FROM recommendations r
			      WHERE r.owner_id IS NULL AND r.is_open AND r.due_on < as_of
			      ORDER BY r.due_on, r.id LIMIT max_items) r
			JOIN meetings m ON m.id = r.meeting_id), '[]'))
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
		'status_labels', suivi_status_labels(),
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
		'open', coalesce(open_items, '[]'::json), 'changes', coalesce(changes, '[]'::jsonb),
		'status_labels', suivi_status_labels());
END;
$$;

-- The overdue report's other sections, as of a date in the deployment's time zone: what
-- became overdue and what was closed (while overdue) since the previous report (or in the
-- last 7 days when there is none), and the owners without email who had reminders due. lim
-- caps the lists of became_overdue and closed (NULL: all); their _total say how many.
CREATE FUNCTION suivi_report_changes(as_of date, timezone text, lim integer DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_variable
DECLARE
	previous date;
	since date;
	tz text := coalesce(timezone, 'UTC');
BEGIN
	SELECT max((n.payload->>'as_of')::date) INTO previous
	FROM notifications n
	WHERE n.kind = 'overdue_report' AND (n.payload->>'as_of')::date < as_of;
	since := coalesce(previous, as_of - 7);
	RETURN jsonb_build_object(
		'previous', to_char(previous, 'YYYY-MM-DD'),
		'since', to_char(since, 'YYYY-MM-DD'),
		'became_overdue_total', (
			SELECT count(*) FROM recommendations r
			WHERE r.is_open AND r.due_on < as_of AND r.due_on >= since),
		'became_overdue', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text,
				'owner', o.handle, 'owner_name', o.name,
				'due_on', to_char(r.due_on, 'YYYY-MM-DD'),
				'days_overdue', as_of - r.due_on) ORDER BY r.due_on, r.id)
			FROM (SELECT * FROM recommendations r
			      WHERE r.is_open AND r.due_on < as_of AND r.due_on >= since
			      ORDER BY r.due_on, r.id LIMIT lim) r
			JOIN meetings m ON m.id = r.meeting_id
			LEFT JOIN owners o ON o.id = r.owner_id), '[]'),
		'closed_total', (
			SELECT count(*) FROM recommendations r
			WHERE NOT r.is_open AND r.closed_at IS NOT NULL AND r.due_on IS NOT NULL
			  AND (r.closed_at AT TIME ZONE tz)::date > since
			  AND (r.closed_at AT TIME ZONE tz)::date <= as_of
			  AND r.due_on < (r.closed_at AT TIME ZONE tz)::date),
		'closed', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text,
				'owner', o.handle, 'owner_name', o.name, 'status', r.status,
				'due_on', to_char(r.due_on, 'YYYY-MM-DD'),
				'closed_on', to_char((r.closed_at AT TIME ZONE tz)::date, 'YYYY-MM-DD'))
				ORDER BY r.closed_at, r.id)
			FROM (SELECT * FROM recommendations r
			      WHERE NOT r.is_open AND r.closed_at IS NOT NULL AND r.due_on IS NOT NULL
				AND (r.closed_at AT TIME ZONE tz)::date > since
				AND (r.closed_at AT TIME ZONE tz)::date <= as_of
				AND r.due_on < (r.closed_at AT TIME ZONE tz)::date
			      ORDER BY r.closed_at, r.id LIMIT lim) r
			JOIN meetings m ON m.id = r.meeting_id
			LEFT JOIN owners o ON o.id = r.owner_id), '[]'),
		'owners_without_email', coalesce((
			SELECT jsonb_agg(jsonb_build_object('handle', s.handle, 'name', s.name,
							    'items', s.items)
					 ORDER BY s.handle)
			FROM (SELECT o.handle, o.name, max(k.items) AS items
			      FROM reminder_skips k JOIN owners o ON o.id = k.owner_id
			      WHERE k.as_of > since AND k.as_of <= as_of
			      GROUP BY o.id) s), '[]'),
		-- Replies received by mail and accepted since the previous report.
		'replies', (SELECT count(*) FROM mail_inbound i
			    WHERE i.outcome <> 'refused'
			      AND (i.received_at AT TIME ZONE tz)::date > since
			      AND (i.received_at AT TIME ZONE tz)::date <= as_of),
		-- Owners whose reminders are paused and who lead overdue items.
		'owners_paused', coalesce((
			SELECT jsonb_agg(jsonb_build_object('handle', p.handle, 'name', p.name,
							    'overdue', p.n) ORDER BY p.handle)
			FROM (SELECT o.handle, o.name,
				     (SELECT count(*) FROM recommendations r
				      WHERE r.owner_id = o.id AND r.is_open AND r.due_on < as_of) AS n
			      FROM owners o WHERE NOT o.reminders AND o.active) p
			WHERE p.n > 0), '[]'));
END;
$$;
