-- 52-dashboard.sql — GET /v1/dashboard: the web view's first page in one statement.
--
-- Built for a million recommendations, from indexes and the counts table, never a pass over
-- the overdue rows: counts by status (and the open count) from recommendation_counts (kept
-- by triggers); overdue, due-soon and age counts as ranges of recommendations_open_due_idx
-- (index-only, one range per bucket: a count with no expression per row); the overdue
-- items of each owner and of each meeting as ranges of recommendations_owner_open_due_idx
-- and recommendations_meeting_open_due_idx (migration 0007); the table is read only for the
-- ten oldest items (OFFSET 0 keeps each per-owner and per-meeting count from being computed
-- twice, once for the filter and once for the order). horizon is the longest of [schedule]
-- remind_before (days): "due soon" is what the next reminders will announce.

-- Open items with a deadline in [lo, hi] (index-only).
CREATE FUNCTION suivi_dashboard_due(lo date, hi date) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT count(*) FROM recommendations r
	WHERE r.is_open AND r.due_on IS NOT NULL AND r.due_on BETWEEN lo AND hi
$$;

CREATE FUNCTION suivi_dashboard(as_of date, horizon integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH bs AS MATERIALIZED (
		SELECT s.name, s.label_en, s.label_fr, s.is_open, s.position,
		       coalesce(c.n, 0) AS n
		FROM statuses s
		LEFT JOIN (SELECT rc.status, sum(rc.n) AS n FROM recommendation_counts rc
			   WHERE rc.n <> 0 GROUP BY rc.status) c ON c.status = s.name
	), ages AS MATERIALIZED (
		SELECT b.pos, b.label, b.lo, b.hi,
		       suivi_dashboard_due(CASE WHEN b.hi IS NULL THEN '-infinity'::date
						ELSE as_of - b.hi END,
					   as_of - b.lo) AS n
		FROM (VALUES (1, '1–7', 1, 7), (2, '8–30', 8, 30), (3, '31–90', 31, 90),
			     (4, '91–180', 91, 180), (5, '181–365', 181, 365),
			     (6, '>365', 366, NULL)) AS b (pos, label, lo, hi)
	)
	SELECT jsonb_build_object(
		'as_of', suivi_date(as_of),
		'open', (SELECT coalesce(sum(bs.n), 0) FROM bs WHERE bs.is_open),
		'overdue', (SELECT sum(ages.n) FROM ages),
		'due_soon', suivi_dashboard_due(as_of, as_of + horizon),
		'by_status', (SELECT coalesce(jsonb_agg(jsonb_build_object(
					'status', bs.name,
					'labels', jsonb_build_object('en', bs.label_en, 'fr', bs.label_fr),
					'open', bs.is_open,
					'count', bs.n) ORDER BY bs.position), '[]')
			      FROM bs),
		'overdue_by_owner', (SELECT coalesce(jsonb_agg(jsonb_build_object(
					'owner', t.handle, 'name', t.name, 'count', t.n)
					ORDER BY t.n DESC, t.handle NULLS LAST), '[]')
				     FROM (SELECT c.handle, c.name, c.n
					   FROM (SELECT o.handle, o.name,
							(SELECT count(*) FROM recommendations r
							 WHERE r.owner_id = o.id AND r.is_open
							   AND r.due_on < as_of) AS n
						 FROM owners o
						 UNION ALL
						 SELECT NULL, NULL,
							(SELECT count(*) FROM recommendations r
							 WHERE r.owner_id IS NULL AND r.is_open
							   AND r.due_on < as_of)
						 OFFSET 0) c
					   WHERE c.n > 0
					   ORDER BY c.n DESC, c.handle NULLS LAST LIMIT 10) t),
		'overdue_by_meeting', (SELECT coalesce(jsonb_agg(jsonb_build_object(
					'meeting', t.code, 'title', t.title, 'count', t.n)
					ORDER BY t.n DESC, t.code), '[]')
				       FROM (SELECT c.code, c.title, c.n
					     FROM (SELECT m.code, m.title,
							  (SELECT count(*) FROM recommendations r
							   WHERE r.meeting_id = m.id AND r.is_open
							     AND r.due_on < as_of) AS n
						   FROM meetings m OFFSET 0) c
					     WHERE c.n > 0
					     ORDER BY c.n DESC, c.code LIMIT 10) t),
		'overdue_by_age', (SELECT jsonb_agg(jsonb_build_object(
					'label', ages.label, 'from', ages.lo, 'to', ages.hi,
					'count', ages.n) ORDER BY ages.pos)
				   FROM ages),
		'oldest', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'ref', m.code || '/' || r.n, 'text', r.text, 'owner', o.handle,
				'due_on', suivi_date(r.due_on), 'days_overdue', as_of - r.due_on)
				ORDER BY r.due_on, r.id), '[]')
			   FROM (SELECT r.id FROM recommendations r
				 WHERE r.is_open AND r.due_on IS NOT NULL AND r.due_on < as_of
				 ORDER BY r.due_on, r.id LIMIT 10) t
			   JOIN recommendations r ON r.id = t.id
			   JOIN meetings m ON m.id = r.meeting_id
			   LEFT JOIN owners o ON o.id = r.owner_id))
$$;
