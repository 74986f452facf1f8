-- 05-workflow.sql — GET /v1/workflow: the domain values of this deployment, from the tables
-- statuses, transitions, priorities and limits (migrations seed them; a deployment may change
-- them with SQL). suivid checks requests against this document and suivi shows it.
CREATE FUNCTION suivi_workflow() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'statuses', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'name', s.name, 'open', s.is_open,
				'comment_required', s.comment_required, 'position', s.position,
				'labels', jsonb_build_object('en', s.label_en, 'fr', s.label_fr))
				ORDER BY s.position), '[]')
			     FROM statuses s),
		'transitions', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'from', t.from_status, 'to', t.to_status)
				ORDER BY f.position, s.position), '[]')
				FROM transitions t
				JOIN statuses f ON f.name = t.from_status
				JOIN statuses s ON s.name = t.to_status),
		'priorities', (SELECT coalesce(jsonb_agg(jsonb_build_object(
				'name', p.name, 'position', p.position,
				'labels', jsonb_build_object('en', p.label_en, 'fr', p.label_fr))
				ORDER BY p.position), '[]')
			       FROM priorities p),
		'limits', (SELECT coalesce(jsonb_object_agg(l.name, l.value), '{}') FROM limits l))
$$;

-- Labels of every status, {"name":{"en":…,"fr":…}}, for the documents that people read.
CREATE FUNCTION suivi_status_labels() RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_object_agg(s.name,
		jsonb_build_object('en', s.label_en, 'fr', s.label_fr)), '{}')
	FROM statuses s
$$;
