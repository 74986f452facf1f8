-- 0006_sessions.sql — the web view's sessions, and the sign-in links of the digests.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.

-- A session is a random secret kept in the browser's suivi_session cookie; only its SHA-256
-- is stored, like a token's. It acts for a token (signed in by pasting it: the token's role
-- and owner, refused as soon as the token is revoked) or for an owner (signed in by a
-- digest's link: role owner, revoked with the owner's links).
CREATE TABLE sessions (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hash       bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
	token_id   bigint NULL REFERENCES tokens (id),
	owner_id   bigint NULL REFERENCES owners (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz NULL,
	CHECK ((token_id IS NULL) <> (owner_id IS NULL)),
	CHECK (expires_at > created_at)
);
CREATE INDEX sessions_token_idx ON sessions (token_id) WHERE token_id IS NOT NULL;
CREATE INDEX sessions_owner_idx ON sessions (owner_id) WHERE owner_id IS NOT NULL;

-- A link carries the owner's epoch: raising it (revoke-links) makes every link sent so far
-- fail, without a list of the links.
ALTER TABLE owners ADD COLUMN links_epoch integer NOT NULL DEFAULT 0 CHECK (links_epoch >= 0);

-- The key of the links' HMAC-SHA-256: one, made here, kept in the database like mail_keys.
-- A separate key, so that rotating the reply codes' keys does not void every link.
CREATE TABLE link_keys (
	id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	key        bytea NOT NULL CHECK (octet_length(key) = 32),
	created_at timestamptz NOT NULL DEFAULT now()
);
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pgcrypto';
	EXECUTE format('INSERT INTO link_keys (key) VALUES (%I.gen_random_bytes(32))', ext_schema);
END;
$$;
