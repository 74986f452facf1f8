-- 0003_notifications.sql — what the reminder and report jobs need besides the outbox of 0001:
-- the scheduler's last runs, the owners whose reminders could not be sent, delivery claims
-- that survive a crash, and the extra sections of the overdue report.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.

-- The last scheduled time each job ran for. A job's run claims its scheduled time here in
-- the transaction that writes its notifications, so a time runs once even when the leader
-- changes; at start, a scheduled time later than the recorded one is a missed run.
CREATE TABLE scheduler_runs (
	job           text PRIMARY KEY CHECK (job IN ('reminders', 'overdue_report')),
	scheduled_for timestamptz NOT NULL,
	ran_at        timestamptz NOT NULL DEFAULT now()
);

-- Owners who had reminders due on a day but no email address: the next overdue report
-- lists them for the secretariat.
CREATE TABLE reminder_skips (
	as_of    date NOT NULL,
	owner_id bigint NOT NULL REFERENCES owners (id),
	items    integer NOT NULL CHECK (items > 0),
	PRIMARY KEY (as_of, owner_id)
);

-- Which daemon is delivering a notification in state 'sending'. Each suivid holds the
-- session advisory lock (21333, its claim id) on its scheduler connection, so a claim whose
-- lock is gone belongs to a daemon that died: its notification is delivered again.
ALTER TABLE notifications ADD COLUMN claimed_by integer NULL;

CREATE FUNCTION suivi_claim_alive(claimer integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
		  AND l.classid = 21333::oid AND l.objid = claimer::oid
		  AND l.database = (SELECT d.oid FROM pg_database d
				    WHERE d.datname = current_database()))
$$;

-- The overdue report's other sections, as of a date in the deployment's time zone: what
-- became overdue and what was closed (while overdue) since the previous report (or in the
-- last 7 days when there is none), and the owners without email who had reminders due.
CREATE FUNCTION suivi_report_changes(as_of date, timezone text) RETURNS jsonb
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
		'became_overdue', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text,
				'owner', o.handle, 'owner_name', o.name,
				'due_on', to_char(r.due_on, 'YYYY-MM-DD'),
				'days_overdue', as_of - r.due_on) ORDER BY r.due_on, r.id)
			FROM recommendations r JOIN meetings m ON m.id = r.meeting_id
			LEFT JOIN owners o ON o.id = r.owner_id
			WHERE r.is_open AND r.due_on < as_of AND r.due_on >= since), '[]'),
		'closed', coalesce((
			SELECT jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text,
				'owner', o.handle, 'owner_name', o.name, 'status', r.status,
				'due_on', to_char(r.due_on, 'YYYY-MM-DD'),
				'closed_on', to_char((r.closed_at AT TIME ZONE tz)::date, 'YYYY-MM-DD'))
				ORDER BY r.closed_at, r.id)
			FROM recommendations r JOIN meetings m ON m.id = r.meeting_id
			LEFT JOIN owners o ON o.id = r.owner_id
			WHERE NOT r.is_open AND r.closed_at IS NOT NULL AND r.due_on IS NOT NULL
			  AND (r.closed_at AT TIME ZONE tz)::date > since
			  AND (r.closed_at AT TIME ZONE tz)::date <= as_of
			  AND r.due_on < (r.closed_at AT TIME ZONE tz)::date), '[]'),
		'owners_without_email', coalesce((
			SELECT jsonb_agg(jsonb_build_object('handle', s.handle, 'name', s.name,
							    'items', s.items)
					 ORDER BY s.handle)
			FROM (SELECT o.handle, o.name, max(k.items) AS items
			      FROM reminder_skips k JOIN owners o ON o.id = k.owner_id
			      WHERE k.as_of > since AND k.as_of <= as_of
			      GROUP BY o.id) s), '[]'));
END;
$$;
