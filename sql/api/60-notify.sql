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

-- Open items of active lead owners due within horizon days of as_of, or overdue, by owner
-- then deadline; daemon/render/digest.c decides which of them a reminder mentions.
CREATE FUNCTION suivi_remind_candidates(as_of date, horizon integer)
RETURNS TABLE (owner_id bigint, handle text, name text, email text, locale text, ref text,
	       text text, meeting text, meeting_title text, due_on text, days integer)
LANGUAGE sql STABLE AS $$
	SELECT o.id, o.handle, o.name, o.email, o.locale, m.code || '/' || r.n, r.text, m.code,
	       m.title, to_char(r.due_on, 'YYYY-MM-DD'), r.due_on - as_of
	FROM recommendations r
	JOIN owners o ON o.id = r.owner_id
	JOIN meetings m ON m.id = r.meeting_id
	WHERE r.is_open AND r.due_on IS NOT NULL AND o.active AND r.due_on <= as_of + horizon
	ORDER BY o.handle, r.due_on, r.id
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
-- "body","payload"}]; a key already there is skipped (never sent twice). Returns the keys
-- written, with their ids.
CREATE FUNCTION suivi_notifications_insert(items jsonb)
RETURNS TABLE (dedup_key text, id bigint)
LANGUAGE sql AS $$
	INSERT INTO notifications AS n (dedup_key, kind, recipient, subject, body, payload)
	SELECT e->>'dedup_key', e->>'kind', e->>'recipient', e->>'subject', e->>'body',
	       e->'payload'
	FROM jsonb_array_elements(items) e
	ON CONFLICT (dedup_key) DO NOTHING
	RETURNING n.dedup_key, n.id
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
	       to_name text, attempts integer, created_at bigint)
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
		  extract(epoch FROM n.created_at)::bigint
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
