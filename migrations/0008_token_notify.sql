-- 0008_token_notify.sql — every suivid caches the identities behind bearer tokens (token id,
-- name, role, owner: what auth_token_lookup reads, keyed by the token's hash) and LISTENs on
-- the channel suivi_tokens to forget one as soon as it changes: these triggers NOTIFY the
-- changed token's hash (hex) when a token is revoked, deleted, or changes name, role, owner
-- or hash, and an empty payload (forget every token) when the table is truncated.
-- Notifications are sent at commit, so a suivid never forgets a token before the change is
-- visible to its next lookup. Owners are not watched: a bearer token's identity does not
-- depend on its owner's row (deactivating an owner does not void its tokens), and an owner
-- cannot be deleted while a token refers to it. Feed filters (feed_meeting_id, feed_tag) are
-- not part of the cached identity: the calendar reads them with each request.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.
CREATE FUNCTION tokens_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		PERFORM pg_notify('suivi_tokens', '');
	ELSE
		PERFORM pg_notify('suivi_tokens', encode(OLD.hash, 'hex'));
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER tokens_notify_update
	AFTER UPDATE ON tokens
	FOR EACH ROW
	WHEN ((OLD.revoked_at, OLD.name, OLD.role, OLD.owner_id, OLD.hash)
	      IS DISTINCT FROM (NEW.revoked_at, NEW.name, NEW.role, NEW.owner_id, NEW.hash))
	EXECUTE FUNCTION tokens_notify_change();
CREATE TRIGGER tokens_notify_delete
	AFTER DELETE ON tokens
	FOR EACH ROW EXECUTE FUNCTION tokens_notify_change();
CREATE TRIGGER tokens_notify_truncate
	AFTER TRUNCATE ON tokens
	FOR EACH STATEMENT EXECUTE FUNCTION tokens_notify_change();
