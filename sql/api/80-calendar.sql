-- 80-calendar.sql — the deadline feed (GET /v1/calendar.ics): open recommendations with a
-- deadline, as the document render/calendar.c turns into iCalendar text.

-- The events of a feed. caller is the token making the request: a feed token brings its own
-- filters (owner_id, feed_meeting_id, feed_tag) and the query may only repeat them; any
-- other token takes the query's. An unknown owner or meeting is a 404, not an empty feed,
-- so that a mistyped URL does not look like a calendar with nothing due.
CREATE FUNCTION suivi_calendar(caller bigint, owner text, meeting text, tag text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t tokens;
	owner_filter bigint;
	meeting_filter bigint;
	events jsonb;
BEGIN
	SELECT * INTO t FROM tokens WHERE tokens.id = caller;
	IF FOUND AND t.role = 'feed' THEN
		IF (owner IS NOT NULL AND owner IS DISTINCT FROM
		    (SELECT o.handle FROM owners o WHERE o.id = t.owner_id))
		   OR (meeting IS NOT NULL AND meeting IS DISTINCT FROM
		       (SELECT m.code FROM meetings m WHERE m.id = t.feed_meeting_id))
		   OR (tag IS NOT NULL AND tag IS DISTINCT FROM t.feed_tag) THEN
			PERFORM suivi_raise(403, 'feed_filters',
					    'this feed key serves only the filters it was created with');
		END IF;
		owner_filter := t.owner_id;
		meeting_filter := t.feed_meeting_id;
		tag := t.feed_tag;
	ELSE
		IF owner IS NOT NULL THEN
			SELECT o.id INTO owner_filter FROM owners o WHERE o.handle = owner;
			IF NOT FOUND THEN
				PERFORM suivi_raise(404, 'not_found',
						    format('there is no owner ''%s''', owner));
			END IF;
		END IF;
		IF meeting IS NOT NULL THEN
			SELECT m.id INTO meeting_filter FROM meetings m WHERE m.code = meeting;
			IF NOT FOUND THEN
				PERFORM suivi_raise(404, 'not_found',
						    format('there is no meeting ''%s''', meeting));
			END IF;
		END IF;
	END IF;

	SELECT coalesce(jsonb_agg(jsonb_build_object(
			'id', r.id, 'ref', m.code || '/' || r.n, 'text', r.text,
			'due_on', suivi_date(r.due_on), 'version', r.version,
			'updated_at', suivi_ts(r.updated_at),
			'owner', o.handle, 'owner_name', o.name,
			'status', r.status, 'status_label', s.label_en,
			'meeting', m.code, 'meeting_title', m.title)
		ORDER BY r.due_on, r.id), '[]'::jsonb)
	INTO events
	FROM recommendations r
	JOIN meetings m ON m.id = r.meeting_id
	JOIN statuses s ON s.name = r.status
	LEFT JOIN owners o ON o.id = r.owner_id
	WHERE r.is_open AND r.due_on IS NOT NULL
	  AND (owner_filter IS NULL OR r.owner_id = owner_filter)
	  AND (meeting_filter IS NULL OR r.meeting_id = meeting_filter)
	  AND (tag IS NULL OR r.tags @> ARRAY[tag]);
	RETURN jsonb_build_object('events', events);
END;
$$;
