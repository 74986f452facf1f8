-- 60-notify.sql — what the reminder job, the outbox and the scheduler ask of the database.
-- The advisory locks that elect the scheduler's leader and mark delivery claims stay in C
-- (daemon/notify/scheduler.c), next to the keys they share with pg_advisory_unlock.

-- --- scheduler -------------------------------------------------------------------------------

-- The last recorded run of a job (epoch seconds); a job never recorded gets baseline as its
-- last run, and created says so (no run is due for it: an install sends no burst of mail).
CREATE FUNCTION suivi_scheduler_last(job_name text, baseline bigint,
				     OUT last_run bigint, OUT created boolean)
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO scheduler_runs (job, scheduled_for)
	VALUES (job_name, to_timestamp(baseline)) ON CONFLICT ON CONSTRAINT scheduler_runs_pkey
	DO NOTHING;
	created := FOUND;
	SELECT extract(epoch FROM s.scheduled_for)::bigint INTO last_run
	FROM scheduler_runs s WHERE s.job = job_name;
END;
$$;

-- Claim a scheduled time of a job for this run: no row when this time (or a later one)
-- already ran, so a time runs once even when the leader changes.
CREATE FUNCTION suivi_remind_claim_run(job_name text, run_at bigint) RETURNS SETOF text
LANGUAGE sql AS $$
	INSERT INTO scheduler_runs AS s (job, scheduled_for)
	VALUES (job_name, to_timestamp(run_at))
	ON CONFLICT (job) DO UPDATE SET scheduled_for = EXCLUDED.scheduled_for, ran_at = now()
	WHERE s.scheduled_for < EXCLUDED.scheduled_for
	RETURNING s.job
$$;

-- --- reminders -------------------------------------------------------------------------------

-- What the reminders of as_of may mention: every open item with a deadline due within
-- horizon days or overdue, once for its lead owner and, with supporting, once for each
-- supporting owner; owners inactive or with reminders paused get nothing. With each row, what
-- the reminder ledger says of that item and that owner: the smallest horizon already
-- reminded for the current deadline, and how many days ago the last overdue reminder went.
-- daemon/render/digest.c decides from that. Ordered by owner, then deadline.
CREATE FUNCTION suivi_remind_candidates(as_of date, horizon integer, supporting boolean,
					link_expires bigint DEFAULT NULL)
RETURNS TABLE (owner_id bigint, handle text, name text, email text, cc jsonb, locale text,
	       role text, rec_id bigint, ref text, text text, meeting text, meeting_title text,
	       due_on text, days integer, horizon_sent integer, overdue_sent_ago integer,
	       link text)
LANGUAGE sql STABLE AS $$
	WITH c AS (
		SELECT r.owner_id AS oid, 'lead' AS role, r.id, r.n, r.meeting_id, r.text, r.due_on
		FROM recommendations r
		WHERE r.is_open AND r.due_on IS NOT NULL AND r.owner_id IS NOT NULL
		  AND r.due_on <= as_of + horizon
		UNION ALL
		SELECT s.owner_id, 'supporting', r.id, r.n, r.meeting_id, r.text, r.due_on
		FROM recommendations r JOIN recommendation_supporters s ON s.rec_id = r.id
		WHERE supporting AND r.is_open AND r.due_on IS NOT NULL
		  AND r.due_on <= as_of + horizon AND s.owner_id IS DISTINCT FROM r.owner_id
	)
	-- The ledger's columns are computed in x, below the sort (OFFSET 0 keeps x whole): the
	-- run reads these rows through a cursor, a batch at a time, and writes the ledger between
	-- two FETCHes. Computed above the sort, the subqueries ran at each FETCH and scanned the
	-- rows the run had written so far (a plan made on an empty ledger scans it): at a million
	-- recommendations, a real run in batches of 5,000 took 170 s where one batch took 11.
	SELECT x.oid, x.handle, x.name, x.email, x.cc, x.locale, x.role, x.id, x.ref, x.text,
	       x.code, x.title, to_char(x.due_on, 'YYYY-MM-DD'), x.due_on - as_of,
	       x.horizon_sent, x.overdue_sent_ago,
	       -- The owner's sign-in link (sql/api/15-sessions.sql), on its first row only:
	       -- one HMAC per digest, not per item. The window's order is the query's.
	       CASE WHEN link_expires IS NOT NULL
			 AND lag(x.oid) OVER (ORDER BY x.handle, x.due_on, x.id) IS DISTINCT FROM x.oid
		    THEN suivi_signin_link(x.oid, link_expires) END
	FROM (
		SELECT o.id AS oid, o.handle, o.name, o.email, to_jsonb(o.cc) AS cc, o.locale,
		       c.role, c.id, m.code || '/' || c.n AS ref, c.text, m.code, m.title, c.due_on,
		       (SELECT min(l.horizon) FROM reminder_ledger l
			WHERE l.rec_id = c.id AND l.owner_id = o.id AND l.reason = 'horizon'
			  AND l.due_on = c.due_on) AS horizon_sent,
		       (SELECT as_of - max(l.sent_on) FROM reminder_ledger l
			WHERE l.rec_id = c.id AND l.owner_id = o.id AND l.reason = 'overdue')
			   AS overdue_sent_ago
		FROM c
		JOIN owners o ON o.id = c.oid
		JOIN meetings m ON m.id = c.meeting_id
		WHERE o.active AND o.reminders
		OFFSET 0
	) x
	ORDER BY x.handle, x.due_on, x.id
$$;

-- Items to escalate as of as_of: open, overdue for escalate_after days or more, reminded as
-- overdue at least once before as_of (a reminder of this very run leaves no time to answer),
-- and without a status change or a comment since the first such reminder. With the number of reminders sent, the last activity and how many days ago the
-- item was last escalated (NULL: never).
CREATE FUNCTION suivi_remind_escalations(as_of date, escalate_after integer)
RETURNS TABLE (owner_id bigint, owner text, owner_name text, rec_id bigint, ref text,
	       text text, due_on text, days_overdue integer, reminders bigint,
	       last_activity text, escalated_ago integer)
LANGUAGE sql STABLE AS $$
	SELECT o.id, o.handle, o.name, r.id, m.code || '/' || r.n, r.text,
	       to_char(r.due_on, 'YYYY-MM-DD'), as_of - r.due_on, l.reminders,
	       to_char(a.last_at, 'YYYY-MM-DD'), as_of - l.escalated_on
	FROM recommendations r
	JOIN owners o ON o.id = r.owner_id
	JOIN meetings m ON m.id = r.meeting_id
	CROSS JOIN LATERAL (
		SELECT min(x.sent_on) FILTER (WHERE x.reason = 'overdue') AS first_overdue,
		       count(*) FILTER (WHERE x.reason <> 'escalation') AS reminders,
		       max(x.sent_on) FILTER (WHERE x.reason = 'escalation') AS escalated_on
		FROM reminder_ledger x WHERE x.rec_id = r.id) AS l
	CROSS JOIN LATERAL (
		SELECT max(h.at) AS last_at FROM history h WHERE h.rec_id = r.id) AS a
	WHERE r.is_open AND r.due_on <= as_of - escalate_after
	  AND l.first_overdue < as_of
	  AND NOT EXISTS (SELECT 1 FROM history h
			  WHERE h.rec_id = r.id AND h.kind IN ('transition', 'comment')
			    AND h.at >= l.first_overdue::timestamptz)
	ORDER BY r.due_on, r.id
$$;

-- Open items without activity (no history event) for stale_after days or more that no
-- reminder chases: no deadline, or a deadline still ahead. The lim least recently active,
-- and the count.
CREATE FUNCTION suivi_remind_stale(as_of date, stale_after integer, lim integer)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH s AS (
		SELECT r.id, m.code || '/' || r.n AS ref, r.text, o.handle, o.name, r.due_on,
		       coalesce(a.last_at, r.created_at) AS last_at
		FROM recommendations r
		JOIN meetings m ON m.id = r.meeting_id
		LEFT JOIN owners o ON o.id = r.owner_id
		CROSS JOIN LATERAL (SELECT max(h.at) AS last_at FROM history h
				    WHERE h.rec_id = r.id) AS a
		WHERE r.is_open AND (r.due_on IS NULL OR r.due_on >= as_of)
		  AND coalesce(a.last_at, r.created_at) < (as_of - stale_after + 1)::timestamptz
	)
	SELECT jsonb_build_object(
		'after_days', stale_after,
		'total', (SELECT count(*) FROM s),
		'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'ref', x.ref, 'text', x.text, 'owner', coalesce(x.handle, ''),
				'owner_name', coalesce(x.name, ''),
				'due_on', coalesce(to_char(x.due_on, 'YYYY-MM-DD'), ''),
				'last_activity', to_char(x.last_at, 'YYYY-MM-DD'))
				ORDER BY x.last_at, x.id)
			   FROM (SELECT * FROM s ORDER BY last_at, id LIMIT lim) x), '[]'))
$$;

-- Owners who had reminders due on as_of but no email address: [{"owner_id":…,"items":…}].
CREATE FUNCTION suivi_remind_skips(as_of date, skips jsonb) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO reminder_skips (as_of, owner_id, items)
	SELECT as_of, (e->>'owner_id')::bigint, (e->>'items')::integer
	FROM jsonb_array_elements(skips) e
	ON CONFLICT (as_of, owner_id) DO UPDATE SET items = EXCLUDED.items
$$;

-- Write the decided notifications to the outbox, [{"dedup_key","kind","recipient","subject",
-- "body","payload"}]; a key already there is skipped (never sent twice). With them, the
-- reminder ledger's rows as parallel arrays (rec_ids … due_ons, each sent on sent): row k goes
-- with the notification at 1-based index notes[k] of items, and is written only when that
-- notification is, in the same statement, so a decision and its record commit together.
-- Arrays, not JSON objects: a first run at a million recommendations records ~200,000 rows.
-- Returns the keys written, with their ids.
CREATE FUNCTION suivi_notifications_insert(items jsonb, sent date DEFAULT NULL,
					   rec_ids bigint[] DEFAULT '{}',
					   owner_ids bigint[] DEFAULT '{}',
					   reasons text[] DEFAULT '{}',
					   horizons integer[] DEFAULT '{}',
					   due_ons date[] DEFAULT '{}',
					   notes integer[] DEFAULT '{}')
RETURNS TABLE (dedup_key text, id bigint)
LANGUAGE sql AS $$
	WITH ins AS (
		INSERT INTO notifications AS n (dedup_key, kind, recipient, subject, body, payload)
		SELECT e->>'dedup_key', e->>'kind', e->>'recipient', e->>'subject', e->>'body',
		       e->'payload'
		FROM jsonb_array_elements(items) e
		ON CONFLICT (dedup_key) DO NOTHING
		RETURNING n.dedup_key, n.id
	), keys AS (
		SELECT e.doc->>'dedup_key' AS dedup_key, e.i
		FROM jsonb_array_elements(items) WITH ORDINALITY AS e(doc, i)
	), led AS (
		INSERT INTO reminder_ledger AS l (rec_id, owner_id, reason, horizon, due_on, sent_on,
						  notification_id)
		SELECT x.rec_id, x.owner_id, x.reason, x.horizon, x.due_on, sent, ins.id
		FROM unnest(rec_ids, owner_ids, reasons, horizons, due_ons, notes)
			AS x(rec_id, owner_id, reason, horizon, due_on, note)
		JOIN keys ON keys.i = x.note
		JOIN ins ON ins.dedup_key = keys.dedup_key
		ON CONFLICT (rec_id, owner_id, reason, sent_on) DO NOTHING
	)
	SELECT ins.dedup_key, ins.id FROM ins
$$;

-- The reminders sent for one recommendation (key: id or ref), newest first: GET
-- /v1/recommendations/{ref}/reminders and suivi show.
CREATE FUNCTION suivi_rec_reminders(key text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	rid bigint := suivi_rec_resolve(key);
BEGIN
	IF rid IS NULL THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no recommendation ''%s''', key));
	END IF;
	RETURN jsonb_build_object('items', coalesce((
		SELECT jsonb_agg(jsonb_build_object(
			'sent_on', suivi_date(l.sent_on), 'reason', l.reason, 'horizon', l.horizon,
			'due_on', suivi_date(l.due_on), 'owner', o.handle,
			'notification', l.notification_id, 'state', n.state,
			'recipient', n.recipient) ORDER BY l.sent_on DESC, l.id DESC)
		FROM reminder_ledger l
		JOIN owners o ON o.id = l.owner_id
		JOIN notifications n ON n.id = l.notification_id
		WHERE l.rec_id = rid), '[]'), 'next', NULL);
END;
$$;

-- The dry run of suivi_notifications_insert: the keys it would write (id NULL).
CREATE FUNCTION suivi_notifications_preview(items jsonb)
RETURNS TABLE (dedup_key text, id bigint)
LANGUAGE sql STABLE AS $$
	SELECT e->>'dedup_key', NULL::bigint
	FROM jsonb_array_elements(items) e
	WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedup_key = e->>'dedup_key')
$$;

-- --- outbox ----------------------------------------------------------------------------------

-- Whether the daemon of a delivery claim is alive: it holds the session advisory lock
-- (21333, claimer) on its scheduler connection for as long as it runs.
CREATE FUNCTION suivi_claim_alive(claimer integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
		  AND l.classid = 21333::oid AND l.objid = claimer::oid
		  AND l.database = (SELECT d.oid FROM pg_database d
				    WHERE d.datname = current_database()))
$$;

-- Claim up to lim notifications ready to deliver for daemon claimer: pending and due, or
-- 'sending' under a claim whose daemon is gone. SKIP LOCKED: two daemons never take one row.
CREATE FUNCTION suivi_outbox_claim(claimer integer, lim integer)
RETURNS TABLE (id bigint, dedup_key text, kind text, recipient text, subject text, body text,
	       to_name text, attempts integer, created_at bigint, reply_code text)
LANGUAGE sql AS $$
	UPDATE notifications AS n
	SET state = 'sending', attempts = n.attempts + 1, claimed_by = claimer, updated_at = now()
	WHERE n.id IN (SELECT c.id FROM notifications c
		       WHERE (c.state = 'pending' AND c.next_attempt_at <= now())
			  OR (c.state = 'sending'
			      AND (c.claimed_by IS NULL
				   OR (c.claimed_by <> claimer
				       AND NOT suivi_claim_alive(c.claimed_by))))
		       ORDER BY c.next_attempt_at, c.id LIMIT lim FOR UPDATE SKIP LOCKED)
	RETURNING n.id, n.dedup_key, n.kind, n.recipient, n.subject, n.body,
		  coalesce(n.payload->>'to_name', ''), n.attempts,
		  extract(epoch FROM n.created_at)::bigint,
		  -- A digest carries a signed reply address (55-mail.sql).
		  CASE WHEN n.kind = 'reminder' THEN suivi_reply_code(n.id, n.payload->>'owner') END
$$;

-- The outcomes of a delivery, each only while this daemon's claim holds.
CREATE FUNCTION suivi_outbox_sent(nid bigint, claimer integer) RETURNS void
LANGUAGE sql AS $$
	UPDATE notifications
	SET state = 'sent', sent_at = now(), updated_at = now(), last_error = NULL
	WHERE id = nid AND state = 'sending' AND claimed_by = claimer
$$;

CREATE FUNCTION suivi_outbox_failed(nid bigint, claimer integer, error text) RETURNS void
LANGUAGE sql AS $$
	UPDATE notifications SET state = 'failed', last_error = error, updated_at = now()
	WHERE id = nid AND state = 'sending' AND claimed_by = claimer
$$;

-- Again after backoff seconds, or failed for good once max_attempts were made.
CREATE FUNCTION suivi_outbox_retry(nid bigint, claimer integer, error text, backoff integer,
				   max_attempts integer) RETURNS void
LANGUAGE sql AS $$
	UPDATE notifications
	SET last_error = error, updated_at = now(),
	    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
	    next_attempt_at = now() + make_interval(secs => backoff)
	WHERE id = nid AND state = 'sending' AND claimed_by = claimer
$$;
