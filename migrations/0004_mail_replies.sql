-- 0004_mail_replies.sql — owners answer by replying to their reminder: the keys that sign the
-- reply addresses of the digests, the inbound messages and what became of them, the role of
-- the MTA's token, and where a change of the history came from.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.

-- hmac() and gen_random_bytes() sign and make the keys in the database, which alone holds
-- them.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- The token of the MTA's pipe (suivi mail-in) may only post inbound mail.
ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
	CHECK (role IN ('admin', 'secretariat', 'owner', 'viewer', 'feed', 'mail'));

-- Keys of the reply codes (HMAC-SHA-256). The newest unretired one signs; a retired one still
-- verifies for [mail] reply_grace days (suivid mail-key rotate). The first is made here.
CREATE TABLE mail_keys (
	id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	key        bytea NOT NULL CHECK (octet_length(key) = 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	retired_at timestamptz NULL
);
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pgcrypto';
	EXECUTE format('INSERT INTO mail_keys (key) VALUES (%I.gen_random_bytes(32))', ext_schema);
END;
$$;

-- Every inbound message and its outcome: applied (some lines applied), nothing_applied
-- (accepted, nothing to apply), refused (bad reply address, unknown sender, replay …).
-- An accepted Message-ID is applied once: a replay is refused.
CREATE TABLE mail_inbound (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	received_at     timestamptz NOT NULL DEFAULT now(),
	message_id      text NOT NULL,
	sender          text NOT NULL,
	subject         text NOT NULL DEFAULT '',
	owner_id        bigint NULL REFERENCES owners (id),
	notification_id bigint NULL REFERENCES notifications (id),
	outcome         text NOT NULL CHECK (outcome IN ('applied', 'nothing_applied', 'refused')),
	reason          text NOT NULL DEFAULT '',
	results         jsonb NOT NULL DEFAULT '[]',
	confirmation_id bigint NULL REFERENCES notifications (id)
);
CREATE UNIQUE INDEX mail_inbound_accepted_idx ON mail_inbound (message_id)
	WHERE outcome <> 'refused';
CREATE INDEX mail_inbound_received_idx ON mail_inbound (received_at DESC, id DESC);

-- Where a change came from: 'mail' and the message's Message-ID for a reply, NULL for the
-- API. Filled from the transaction's settings (suivi.source, suivi.message_id) so that the
-- functions that write history need not know.
ALTER TABLE history ADD COLUMN source text NULL
	DEFAULT nullif(current_setting('suivi.source', true), '');
ALTER TABLE history ADD COLUMN message_id text NULL
	DEFAULT nullif(current_setting('suivi.message_id', true), '');

-- The confirmation sent back for an accepted reply.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('reminder', 'overdue_report', 'escalation', 'confirmation'));
