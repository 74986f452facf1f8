-- 10-owners.sql — owners: representation, GET one and list, create, patch.

-- --- representations -------------------------------------------------------------------------

CREATE FUNCTION suivi_owner_json(o owners) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('handle', o.handle, 'name', o.name, 'email', o.email,
				  'cc', to_jsonb(o.cc), 'reminders', o.reminders,
				  'locale', o.locale, 'active', o.active,
				  'created_at', suivi_ts(o.created_at),
				  'updated_at', suivi_ts(o.updated_at))
$$;

-- The cc addresses of a body (null: none), each once, in the order given.
CREATE FUNCTION suivi_cc(cc jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(array_agg(a ORDER BY first), '{}')
	FROM (SELECT e AS a, min(n) AS first
	      FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(cc) = 'array' THEN cc
						  ELSE '[]' END) WITH ORDINALITY AS x (e, n)
	      GROUP BY e) AS d
$$;

-- --- reads -----------------------------------------------------------------------------------

CREATE FUNCTION suivi_owner_get(handle text) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	o owners;
BEGIN
	SELECT * INTO o FROM owners WHERE owners.handle = suivi_owner_get.handle;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no owner ''%s''', handle));
	END IF;
	RETURN suivi_owner_json(o);
END;
$$;

-- Owners by handle; the cursor is the last handle of the page.
CREATE FUNCTION suivi_owner_list(after text, lim integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	page owners[];
BEGIN
	IF after IS NOT NULL AND after !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
		PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	END IF;
	page := ARRAY(SELECT o FROM owners o WHERE o.handle > coalesce(after, '')
		      ORDER BY o.handle LIMIT lim + 1);
	RETURN jsonb_build_object(
		'items', coalesce((SELECT jsonb_agg(suivi_owner_json(page[i]) ORDER BY i)
				   FROM generate_subscripts(page, 1) AS i WHERE i <= lim), '[]'),
		'next', CASE WHEN cardinality(page) > lim THEN (page[lim]).handle END);
END;
$$;

-- --- owners and meetings ---------------------------------------------------------------------

CREATE FUNCTION suivi_owner_create(actor text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o owners;
BEGIN
	PERFORM suivi_check_keys(body, '{handle,name,email,cc,reminders,locale,active}');
	INSERT INTO owners (handle, name, email, cc, reminders, locale, active)
	VALUES (body->>'handle', body->>'name', coalesce(body->>'email', ''),
		suivi_cc(body->'cc'), coalesce((body->>'reminders')::boolean, true),
		coalesce(body->>'locale', 'en'), coalesce((body->>'active')::boolean, true))
	ON CONFLICT (handle) DO NOTHING
	RETURNING * INTO o;
	IF NOT FOUND THEN
		PERFORM suivi_raise(409, 'duplicate',
				    format('there is already an owner ''%s''', body->>'handle'));
	END IF;
	RETURN suivi_owner_json(o);
END;
$$;

CREATE FUNCTION suivi_owner_patch(actor text, handle text, body jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o owners;
	n owners;
BEGIN
	PERFORM suivi_check_keys(body, '{name,email,cc,reminders,locale,active}');
	SELECT * INTO o FROM owners WHERE owners.handle = suivi_owner_patch.handle FOR UPDATE;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('there is no owner ''%s''', handle));
	END IF;
	n := o;
	IF body ? 'name' THEN n.name := body->>'name'; END IF;
	IF body ? 'email' THEN n.email := coalesce(body->>'email', ''); END IF;
	IF body ? 'locale' THEN n.locale := body->>'locale'; END IF;
	IF body ? 'active' THEN n.active := (body->>'active')::boolean; END IF;
	IF body ? 'cc' THEN n.cc := suivi_cc(body->'cc'); END IF;
	IF body ? 'reminders' THEN n.reminders := coalesce((body->>'reminders')::boolean, true); END IF;
	IF (n.name, n.email, n.locale, n.active, n.cc, n.reminders) IS NOT DISTINCT FROM
	   (o.name, o.email, o.locale, o.active, o.cc, o.reminders) THEN
		RETURN suivi_owner_json(o);
	END IF;
	UPDATE owners SET name = n.name, email = n.email, locale = n.locale, active = n.active,
			  cc = n.cc, reminders = n.reminders, updated_at = now()
	WHERE id = o.id RETURNING * INTO o;
	RETURN suivi_owner_json(o);
END;
$$;
