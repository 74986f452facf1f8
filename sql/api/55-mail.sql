-- 55-mail.sql — owners answer by replying to their reminder: the signed reply codes of the
-- digests, and an inbound reply checked, applied line by line and recorded.
--
-- A reply address is <local>+<code>@<domain> ([mail] reply_address), where code is
-- "<notification id>-<key id>-<mac>" and mac the first 24 hex digits of
-- HMAC-SHA-256(key, "<notification id>:<owner handle>"): lower-case hex, because MTAs may
-- change the case of a local part. The newest unretired key of mail_keys signs; a retired
-- one verifies for `grace` days more. pgcrypto's hmac() does the arithmetic, so the keys
-- never leave the database.

-- The code signing notification nid for owner, with the current key.
CREATE FUNCTION suivi_reply_code(nid bigint, owner text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT nid::text || '-' || k.id::text || '-' ||
	       left(encode(hmac(convert_to(nid::text || ':' || owner, 'UTF8'), k.key, 'sha256'), 'hex'), 24)
	FROM mail_keys k WHERE k.retired_at IS NULL ORDER BY k.id DESC LIMIT 1
$$;

-- suivid mail-key rotate: a new signing key; the previous ones verify during the grace.
CREATE FUNCTION suivi_mail_key_rotate() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	new_id integer;
BEGIN
	UPDATE mail_keys SET retired_at = now() WHERE retired_at IS NULL;
	INSERT INTO mail_keys (key) VALUES (gen_random_bytes(32)) RETURNING id INTO new_id;
	RETURN new_id;
END;
$$;

-- The refusal of an inbound message, recorded: {"outcome":"refused","code":…,"reason":…}.
CREATE FUNCTION suivi_mail_refuse(message_id text, sender text, subject text, code text,
				  reason text, owner_id bigint DEFAULT NULL,
				  notification_id bigint DEFAULT NULL) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO mail_inbound (message_id, sender, subject, owner_id, notification_id,
				  outcome, reason)
	VALUES (message_id, sender, subject, owner_id, notification_id, 'refused', reason);
	RETURN jsonb_build_object('outcome', 'refused', 'code', code, 'reason', reason);
END;
$$;

-- One inbound reply: recipients (every address it was sent or delivered to), commands
-- [{"line","ref","action":"status"|"comment","status","comment"}] and the lines not
-- understood, as daemon/import/mail-reply.c read them. Accepted when a recipient carries a
-- valid code for a reminder and the sender is that owner's address or one of its cc; then
-- each command is applied on its own, as the owner through the API would (only items it
-- leads; the workflow; a comment where required), with history source 'mail' and the
-- Message-ID. Returns {"outcome","code"?,"reason"?,"inbound_id","owner":{…},"results":[…],
-- "not_understood":[…]}; a refusal is recorded too, and changes nothing else.
CREATE FUNCTION suivi_mail_inbound(message_id text, sender text, subject text,
				   recipients jsonb, reply_address text, commands jsonb,
				   not_understood jsonb, grace integer, today date) RETURNS jsonb
LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE
	local text := lower(split_part(reply_address, '@', 1));
	domain text := lower(split_part(reply_address, '@', 2));
	r text;
	code text;
	m text[];
	k mail_keys;
	n notifications;
	o owners;
	c jsonb;
	results jsonb := '[]';
	res jsonb;
	applied integer := 0;
	inbound_id bigint;
	msg text;
	hint text;
	detail text;
BEGIN
	IF message_id IS NULL OR message_id = '' THEN
		RETURN suivi_mail_refuse('', sender, subject, 'malformed',
					 'the message has no Message-ID');
	END IF;
	-- The first recipient that carries a code of this deployment's reply address.
	FOR r IN SELECT lower(x) FROM jsonb_array_elements_text(recipients) x LOOP
		IF split_part(r, '@', 2) = domain AND split_part(r, '@', 1) LIKE local || '+%' THEN
			code := substr(split_part(r, '@', 1), length(local) + 2);
			EXIT;
		END IF;
	END LOOP;
	m := regexp_match(coalesce(code, ''), '^([0-9]{1,18})-([0-9]{1,9})-([0-9a-f]{24})$');
	IF m IS NULL THEN
		RETURN suivi_mail_refuse(message_id, sender, subject, 'bad_recipient',
					 'no recipient carries a reply code of ' || reply_address);
	END IF;
	SELECT * INTO k FROM mail_keys WHERE id = m[2]::integer
	  AND (retired_at IS NULL OR retired_at > now() - make_interval(days => grace));
	SELECT * INTO n FROM notifications WHERE id = m[1]::bigint AND kind = 'reminder';
	SELECT * INTO o FROM owners WHERE handle = n.payload->>'owner';
	IF k.id IS NULL OR n.id IS NULL OR o.id IS NULL OR
	   left(encode(hmac(convert_to(n.id::text || ':' || o.handle, 'UTF8'), k.key, 'sha256'), 'hex'), 24) <> m[3]
	THEN
		RETURN suivi_mail_refuse(message_id, sender, subject, 'bad_recipient',
					 'the reply code is not valid (forged, or its key retired)');
	END IF;
	IF lower(sender) <> lower(o.email) AND
	   NOT lower(sender) = ANY (SELECT lower(x) FROM unnest(o.cc) x) THEN
		RETURN suivi_mail_refuse(message_id, sender, subject, 'unknown_sender',
					 format('%s is not an address of %s', sender, o.handle),
					 o.id, n.id);
	END IF;
	IF EXISTS (SELECT 1 FROM mail_inbound i WHERE i.message_id = message_id
		   AND i.outcome <> 'refused') THEN
		RETURN suivi_mail_refuse(message_id, sender, subject, 'replay',
					 'this message was already applied', o.id, n.id);
	END IF;

	-- The history rows written below say where they came from.
	PERFORM set_config('suivi.source', 'mail', true);
	PERFORM set_config('suivi.message_id', message_id, true);
	FOR c IN SELECT x FROM jsonb_array_elements(commands) x LOOP
		res := jsonb_build_object('line', c->'line', 'ref', c->>'ref', 'action',
					  c->>'action', 'status', c->'status',
					  'labels', (SELECT jsonb_build_object('en', s.label_en,
									       'fr', s.label_fr)
						     FROM statuses s WHERE s.name = c->>'status'));
		BEGIN
			IF suivi_rec_resolve(c->>'ref') IS NULL THEN
				PERFORM suivi_raise(404, 'not_found',
						    format('there is no recommendation %s', c->>'ref'));
			END IF;
			IF (SELECT r2.owner_id FROM recommendations r2
			    WHERE r2.id = suivi_rec_resolve(c->>'ref')) IS DISTINCT FROM o.id THEN
				PERFORM suivi_raise(403, 'not_yours',
						    format('%s is not led by %s', c->>'ref', o.handle));
			END IF;
			IF c->>'action' = 'status' THEN
				PERFORM suivi_rec_transition(o.handle, c->>'ref', c->>'status',
							     c->>'comment', NULL, today);
			ELSIF coalesce(c->>'comment', '') = '' THEN
				PERFORM suivi_raise(422, 'comment_required',
						    'a comment line needs its text');
			ELSE
				PERFORM suivi_rec_comment(o.handle, c->>'ref', c->>'comment', NULL,
							  today);
			END IF;
			res := res || jsonb_build_object('ok', true);
			applied := applied + 1;
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT,
						detail = PG_EXCEPTION_DETAIL;
			res := res || jsonb_build_object('ok', false, 'code', coalesce(hint, 'refused'),
							 'message', msg);
			IF detail LIKE '{%' THEN
				res := res || jsonb_build_object('allowed', detail::jsonb->'allowed');
			END IF;
		END;
		results := results || jsonb_build_array(res);
	END LOOP;
	INSERT INTO mail_inbound (message_id, sender, subject, owner_id, notification_id, outcome,
				  results)
	VALUES (message_id, sender, subject, o.id, n.id,
		CASE WHEN applied > 0 THEN 'applied' ELSE 'nothing_applied' END, results)
	RETURNING id INTO inbound_id;
	RETURN jsonb_build_object(
		'outcome', CASE WHEN applied > 0 THEN 'applied' ELSE 'nothing_applied' END,
		'inbound_id', inbound_id,
		'owner', jsonb_build_object('handle', o.handle, 'name', o.name,
					    'locale', o.locale),
		'results', results, 'not_understood', coalesce(not_understood, '[]'));
END;
$$;

-- The confirmation of an accepted reply goes to the outbox with the inbound record.
CREATE FUNCTION suivi_mail_confirm(inbound_id bigint, notification jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	nid bigint;
BEGIN
	SELECT i.id INTO nid FROM suivi_notifications_insert(jsonb_build_array(notification)) i;
	UPDATE mail_inbound SET confirmation_id = nid WHERE id = inbound_id;
	RETURN nid;
END;
$$;

-- GET /v1/mail/inbound: recent inbound messages, newest first; the cursor is the last id.
CREATE FUNCTION suivi_mail_inbound_list(after text, lim integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	page mail_inbound[];
BEGIN
	IF after IS NOT NULL AND after !~ '^[0-9]{1,18}$' THEN
		PERFORM suivi_raise(400, 'bad_cursor', 'the cursor "after" is not one this list gave');
	END IF;
	page := ARRAY(SELECT i FROM mail_inbound i
		      WHERE after IS NULL OR i.id < after::bigint
		      ORDER BY i.id DESC LIMIT lim + 1);
	RETURN jsonb_build_object(
		'items', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'id', p.id, 'received_at', suivi_ts(p.received_at),
				'message_id', p.message_id, 'sender', p.sender,
				'subject', p.subject, 'owner', o.handle,
				'outcome', p.outcome, 'reason', p.reason, 'results', p.results,
				'confirmation', p.confirmation_id) ORDER BY p.id DESC)
			FROM unnest(page[1:lim]) p LEFT JOIN owners o ON o.id = p.owner_id), '[]'),
		'next', CASE WHEN cardinality(page) > lim THEN (page[lim]).id::text END);
END;
$$;
