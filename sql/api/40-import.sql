-- 40-import.sql — POST /v1/meetings/{code}/import: every item or none.

-- Bulk creation, all or nothing. items: an array of creation bodies without "meeting", each
-- with its "row" (and optionally "unit": "line", "row" or "element", default "row") so that a
-- refusal names it: {"errors":[{"field":"row 7: owner","message":"there is no owner 'x'"}]}.
-- Set-based so that 10,000 items take well under a second. dry_run: the same work inside a
-- subtransaction that is then rolled back, so that what it shows is exactly what a real
-- import would create (without id and timestamps) and nothing stays, last_n included.
CREATE FUNCTION suivi_rec_import(actor text, meeting_code text, items jsonb, dry_run boolean,
				 today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	m meetings;
	total integer;
	errors jsonb;
	code text;
	result json;
BEGIN
	SELECT * INTO m FROM meetings WHERE meetings.code = meeting_code;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no meeting ''%s''', meeting_code));
	END IF;
	IF jsonb_typeof(items) IS DISTINCT FROM 'array' OR jsonb_array_length(items) = 0 THEN
		PERFORM suivi_raise(422, 'invalid', 'there is nothing to import');
	END IF;
	total := jsonb_array_length(items);

	WITH src AS (
		SELECT x.ord, x.item,
		       coalesce(x.item->>'unit', 'row') || ' ' || coalesce(x.item->>'row', x.ord::text)
		       || ': ' AS at
		FROM jsonb_array_elements(items) WITH ORDINALITY AS x(item, ord)
	), problems AS (
		SELECT ord, 1 AS k, 'invalid' AS code, suivi_error(at || 'text', 'is required') AS e
		FROM src WHERE coalesce(item->>'text', '') = ''
		UNION ALL
		SELECT ord, 2, 'unknown_owner',
		       suivi_error(at || 'owner', format('there is no owner ''%s''', item->>'owner'))
		FROM src WHERE item->>'owner' IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM owners o WHERE o.handle = item->>'owner')
		UNION ALL
		SELECT ord, 3, 'unknown_owner',
		       suivi_error(at || 'supporting', format('there is no owner ''%s''', h))
		FROM src, jsonb_array_elements_text(CASE jsonb_typeof(item->'supporting')
			WHEN 'array' THEN item->'supporting' ELSE '[]' END) AS h
		WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.handle = h)
		UNION ALL
		SELECT ord, 4, CASE WHEN s.name IS NULL THEN 'unknown_status' ELSE 'invalid' END,
		       suivi_error(at || 'status',
				   CASE WHEN s.name IS NULL
					THEN format('there is no status ''%s''', item->>'status')
					ELSE format('a new recommendation cannot be %s (a closed status)',
						    s.name) END)
		FROM src LEFT JOIN statuses s ON s.name = coalesce(item->>'status', 'proposed')
		WHERE s.name IS NULL OR NOT s.is_open
	), firsts AS (
		SELECT * FROM problems ORDER BY ord, k LIMIT 100
	)
	SELECT jsonb_agg(e ORDER BY ord, k), (array_agg(firsts.code ORDER BY ord, k))[1]
	INTO errors, code FROM firsts;
	IF errors IS NOT NULL THEN
		PERFORM suivi_raise_errors(code, errors);
	END IF;

	IF NOT dry_run THEN
		RETURN json_build_object('dry_run', false, 'created', total,
					 'items', suivi_rec_import_rows(actor, m.id, items, today));
	END IF;
	BEGIN
		result := suivi_rec_import_rows(actor, m.id, items, today);
		RAISE EXCEPTION USING ERRCODE = 'SU000'; -- undo everything but result
	EXCEPTION WHEN SQLSTATE 'SU000' THEN
		NULL;
	END;
	SELECT json_agg(x::jsonb - '{id,created_at,updated_at,closed_at}'::text[] ORDER BY ord)
	INTO result FROM json_array_elements(result) WITH ORDINALITY AS e(x, ord);
	RETURN json_build_object('dry_run', true, 'created', total, 'items', result);
END;
$$;

-- The writing half of suivi_rec_import, on items already checked: returns the created
-- recommendations in item order.
CREATE FUNCTION suivi_rec_import_rows(actor text, meeting bigint, items jsonb, today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	total integer := jsonb_array_length(items);
	base integer;
	ids bigint[];
BEGIN
	-- One row lock and one jump of last_n for the whole batch.
	UPDATE meetings SET last_n = last_n + total WHERE id = meeting
	RETURNING last_n - total INTO base;
	WITH src AS (
		SELECT x.ord, x.item, o.id AS owner_id
		FROM jsonb_array_elements(items) WITH ORDINALITY AS x(item, ord)
		LEFT JOIN owners o ON o.handle = x.item->>'owner'
	), ins AS (
		INSERT INTO recommendations (meeting_id, n, text, details, owner_id, status, priority,
					     due_on, tags)
		SELECT meeting, base + ord, item->>'text', coalesce(item->>'details', ''), owner_id,
		       coalesce(item->>'status', 'proposed'), coalesce(item->>'priority', 'normal'),
		       (item->>'due_on')::date,
		       -- Not suivi_tags (a function call per row): the import parser has already
		       -- kept each tag once.
		       ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(item->'tags')
				WHEN 'array' THEN item->'tags' ELSE '[]' END))
		FROM src ORDER BY ord
		RETURNING id, n, owner_id
	), sup AS (
		INSERT INTO recommendation_supporters (rec_id, owner_id)
		SELECT DISTINCT ins.id, o.id
		FROM ins JOIN src ON base + src.ord = ins.n,
		     jsonb_array_elements_text(CASE jsonb_typeof(src.item->'supporting')
			WHEN 'array' THEN src.item->'supporting' ELSE '[]' END) AS h
		JOIN owners o ON o.handle = h
		WHERE o.id IS DISTINCT FROM ins.owner_id
	)
	SELECT array_agg(ins.id ORDER BY ins.n) INTO ids FROM ins;
	INSERT INTO history (rec_id, version, actor, kind, before, after)
	SELECT f.id, 1, actor, 'created', NULL, f.fields
	FROM suivi_recs_fields(ids) AS f ORDER BY f.id;
	-- Identities were taken in item order, so id order is item order.
	RETURN (SELECT json_agg(x.rec ORDER BY x.id) FROM suivi_recs_json(ids, today) AS x);
END;
$$;
