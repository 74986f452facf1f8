-- 15-sessions.sql — the web view's sessions and the digests' sign-in links.
--
-- A session row holds the SHA-256 of the cookie's secret (made by suivid from getrandom),
-- never the secret. The router's lookup is auth_session_lookup in daemon/http/auth.c, next
-- to the token's: one statement checks expiry, revocation, and the token behind the session.
--
-- A sign-in link is "<owner id>.<expiry, unix seconds>.<owner's links_epoch>.<mac>", mac the
-- HMAC-SHA-256 of the first three parts under the newest key of link_keys, in unpadded
-- base64url. Raising the owner's links_epoch (revoke-links) voids every link sent before.

-- The answer of POST /v1/sessions and GET /v1/sessions/current.
CREATE FUNCTION suivi_session_json(sid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'role', coalesce(t.role, 'owner'),
		'owner', o.handle,
		'name', coalesce(t.name, o.name),
		'expires_at', suivi_ts(s.expires_at))
	FROM sessions s
	LEFT JOIN tokens t ON t.id = s.token_id
	LEFT JOIN owners o ON o.id = coalesce(s.owner_id, CASE WHEN t.role = 'owner' THEN t.owner_id END)
	WHERE s.id = sid
$$;

-- Sign in with a token: a session for it, hours long. Tokens of the machines' roles (feed,
-- metrics, mail) open no session: they are not for people.
CREATE FUNCTION suivi_session_create(token_hash text, session_hash text, hours integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	t tokens;
	sid bigint;
BEGIN
	SELECT * INTO t FROM tokens WHERE hash = decode(token_hash, 'hex') AND revoked_at IS NULL;
	IF NOT FOUND THEN
		PERFORM suivi_raise(401, 'invalid_token', 'unknown or revoked token');
	END IF;
	IF t.role NOT IN ('admin', 'secretariat', 'owner', 'viewer') THEN
		PERFORM suivi_raise(403, 'token_cannot_sign_in',
			format('a token of role %s cannot open a session', t.role));
	END IF;
	INSERT INTO sessions (hash, token_id, expires_at)
	VALUES (decode(session_hash, 'hex'), t.id, now() + make_interval(hours => hours))
	RETURNING id INTO sid;
	RETURN suivi_session_json(sid);
END;
$$;

-- Log out: the session is revoked (kept, like a token, for the record).
CREATE FUNCTION suivi_session_revoke(sid bigint) RETURNS boolean
LANGUAGE sql AS $$
	UPDATE sessions SET revoked_at = now() WHERE id = sid AND revoked_at IS NULL
	RETURNING true
$$;

-- The MAC of a link's first three parts under key.
CREATE FUNCTION suivi_link_mac(payload text, key bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT rtrim(translate(encode(hmac(convert_to(payload, 'UTF8'), key, 'sha256'), 'base64'),
			       '+/', '-_'), '=')
$$;

-- The sign-in link of an owner, valid until expires (unix seconds); NULL for no such owner.
CREATE FUNCTION suivi_signin_link(oid bigint, expires bigint) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT p.payload || '.' || suivi_link_mac(p.payload, k.key)
	FROM (SELECT o.id::text || '.' || expires::text || '.' || o.links_epoch::text AS payload
	      FROM owners o WHERE o.id = oid) p,
	     (SELECT key FROM link_keys ORDER BY id DESC LIMIT 1) k
$$;

-- Sign in with a link: checked (form, MAC, expiry, owner active, epoch), then a session of
-- role owner for that owner, hours long. Refusals name why (the daemon logs it; the person
-- only sees that the link did not work).
CREATE FUNCTION suivi_session_from_link(link text, session_hash text, hours integer)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	m text[];
	o owners;
	sid bigint;
BEGIN
	m := regexp_match(link, '^([0-9]{1,18})\.([0-9]{1,12})\.([0-9]{1,9})\.([A-Za-z0-9_-]{43})$');
	IF m IS NULL THEN
		PERFORM suivi_raise(400, 'link_malformed', 'the link is not one suivi makes');
	END IF;
	IF NOT EXISTS (SELECT 1 FROM link_keys k
		       WHERE suivi_link_mac(m[1] || '.' || m[2] || '.' || m[3], k.key) = m[4]) THEN
		PERFORM suivi_raise(403, 'link_bad_signature', 'the link''s signature does not verify');
	END IF;
	IF to_timestamp(m[2]::bigint) <= now() THEN
		PERFORM suivi_raise(403, 'link_expired', 'the link has expired');
	END IF;
	SELECT * INTO o FROM owners WHERE id = m[1]::bigint;
	IF NOT FOUND OR NOT o.active THEN
		PERFORM suivi_raise(403, 'owner_inactive', 'the link''s owner is gone or inactive');
	END IF;
	IF o.links_epoch <> m[3]::integer THEN
		PERFORM suivi_raise(403, 'link_revoked', 'the owner''s links were revoked');
	END IF;
	INSERT INTO sessions (hash, owner_id, expires_at)
	VALUES (decode(session_hash, 'hex'), o.id, now() + make_interval(hours => hours))
	RETURNING id INTO sid;
	RETURN jsonb_build_object('handle', o.handle, 'session', suivi_session_json(sid));
END;
$$;

-- Void every sign-in link of an owner and end the sessions they opened.
CREATE FUNCTION suivi_owner_revoke_links(h text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o owners;
	n bigint;
BEGIN
	UPDATE owners SET links_epoch = links_epoch + 1 WHERE handle = h RETURNING * INTO o;
	IF NOT FOUND THEN
		PERFORM suivi_raise(404, 'not_found', format('no owner with handle %s', h));
	END IF;
	UPDATE sessions SET revoked_at = now() WHERE owner_id = o.id AND revoked_at IS NULL;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN jsonb_build_object('owner', o.handle, 'links_epoch', o.links_epoch,
				  'sessions_revoked', n);
END;
$$;
