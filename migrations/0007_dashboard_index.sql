-- 0007_dashboard_index.sql — the dashboard (GET /v1/dashboard) counts the overdue items of
-- each meeting: open items by meeting and deadline, so that each meeting's count is a range
-- of this index alone (index-only) rather than a visit of every overdue row of the table
-- (300,000 of them at a million recommendations). The owners' twin is in the baseline
-- (recommendations_owner_open_due_idx).
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.
CREATE INDEX recommendations_meeting_open_due_idx ON recommendations (meeting_id, due_on)
	WHERE is_open;
