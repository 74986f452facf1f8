-- 0001_init.sql — suivi's first schema: owners, meetings, recommendations and their
-- append-only history, the default workflow, API tokens and the notification outbox.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.

CREATE TABLE owners (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	handle     text NOT NULL UNIQUE CHECK (handle ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
	email      text NOT NULL DEFAULT '' CHECK (char_length(email) <= 254),
	locale     text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
	active     boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meetings (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
	starts_on  date NOT NULL,
	ends_on    date NOT NULL,
	place      text NOT NULL DEFAULT '' CHECK (char_length(place) <= 200),
	organisers text[] NOT NULL DEFAULT '{}',
	notes      text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 10000),
	series     text NULL CHECK (series ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	-- Highest recommendation number handed out in this meeting. Taking the next number is
	-- an UPDATE of this row, so concurrent creators (even in several suivid) serialise on
	-- the row lock and a number is never given twice nor reused after a deletion.
	last_n     integer NOT NULL DEFAULT 0 CHECK (last_n >= 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CHECK (ends_on >= starts_on)
);
CREATE INDEX meetings_starts_on_idx ON meetings (starts_on DESC, code);
CREATE INDEX meetings_series_idx ON meetings (series, starts_on) WHERE series IS NOT NULL;

-- The workflow lives here so that a deployment can change it.
CREATE TABLE statuses (
	name             text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{0,30}$'),
	is_open          boolean NOT NULL,
	comment_required boolean NOT NULL DEFAULT false,
	position         integer NOT NULL UNIQUE
);
INSERT INTO statuses (name, is_open, comment_required, position) VALUES
	('proposed',     true,  false, 1),
	('accepted',     true,  false, 2),
	('in_progress',  true,  false, 3),
	('blocked',      true,  true,  4),
	('implemented',  false, false, 5),
	('not_accepted', false, true,  6),
	('obsolete',     false, true,  7);

CREATE TABLE transitions (
	from_status text NOT NULL REFERENCES statuses (name) ON UPDATE CASCADE,
	to_status   text NOT NULL REFERENCES statuses (name) ON UPDATE CASCADE,
	PRIMARY KEY (from_status, to_status),
	CHECK (from_status <> to_status)
);
INSERT INTO transitions (from_status, to_status) VALUES
	('proposed', 'accepted'), ('proposed', 'not_accepted'), ('proposed', 'obsolete'),
	('accepted', 'in_progress'), ('accepted', 'implemented'), ('accepted', 'blocked'),
	('accepted', 'obsolete'),
	('in_progress', 'implemented'), ('in_progress', 'blocked'), ('in_progress', 'obsolete'),
	('blocked', 'in_progress'), ('blocked', 'obsolete'),
	('implemented', 'in_progress'),
	('not_accepted', 'proposed'),
	('obsolete', 'proposed');

CREATE TABLE recommendations (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	meeting_id bigint NOT NULL REFERENCES meetings (id),
	n          integer NOT NULL CHECK (n > 0),
	text       text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 4000),
	details    text NOT NULL DEFAULT '' CHECK (char_length(details) <= 20000),
	owner_id   bigint NULL REFERENCES owners (id),
	status     text NOT NULL DEFAULT 'proposed' REFERENCES statuses (name) ON UPDATE CASCADE,
	-- is_open and closed_at follow status (trigger below): they let partial indexes cover
	-- "open" without naming statuses, which a deployment may change.
	is_open    boolean NOT NULL DEFAULT true,
	priority   text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
	due_on     date NULL,
	tags       text[] NOT NULL DEFAULT '{}',
	version    integer NOT NULL DEFAULT 1 CHECK (version > 0),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	closed_at  timestamptz NULL,
	UNIQUE (meeting_id, n)
);
-- Overdue and due-soon queries: open items by deadline, overall and per lead owner.
CREATE INDEX recommendations_open_due_idx ON recommendations (due_on, id)
	WHERE is_open AND due_on IS NOT NULL;
CREATE INDEX recommendations_owner_open_due_idx ON recommendations (owner_id, due_on, id)
	WHERE is_open;
CREATE INDEX recommendations_owner_idx ON recommendations (owner_id, id);
CREATE INDEX recommendations_status_idx ON recommendations (status, id);
CREATE INDEX recommendations_tags_idx ON recommendations USING gin (tags);

CREATE FUNCTION recommendations_follow_status() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	open_now boolean;
BEGIN
	SELECT s.is_open INTO open_now FROM statuses s WHERE s.name = NEW.status;
	NEW.is_open := open_now;
	IF open_now THEN
		NEW.closed_at := NULL;
	ELSIF TG_OP = 'INSERT' OR OLD.is_open THEN
		NEW.closed_at := now();
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER recommendations_follow_status
	BEFORE INSERT OR UPDATE OF status ON recommendations
	FOR EACH ROW EXECUTE FUNCTION recommendations_follow_status();

CREATE TABLE recommendation_supporters (
	rec_id   bigint NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
	owner_id bigint NOT NULL REFERENCES owners (id),
	PRIMARY KEY (rec_id, owner_id)
);
CREATE INDEX recommendation_supporters_owner_idx ON recommendation_supporters (owner_id);

-- Every change of a recommendation, append-only.
CREATE TABLE history (
	id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rec_id  bigint NOT NULL REFERENCES recommendations (id),
	version integer NOT NULL,
	at      timestamptz NOT NULL DEFAULT now(),
	actor   text NOT NULL,
	kind    text NOT NULL CHECK (kind IN ('created', 'transition', 'edit', 'comment')),
	before  jsonb NULL,
	after   jsonb NULL,
	comment text NULL CHECK (char_length(comment) <= 10000)
);
CREATE INDEX history_rec_idx ON history (rec_id, id);
CREATE INDEX history_at_idx ON history (at);

CREATE FUNCTION history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'history is append-only: % refused', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER history_append_only
	BEFORE UPDATE OR DELETE ON history
	FOR EACH ROW EXECUTE FUNCTION history_refuse_change();
CREATE TRIGGER history_no_truncate
	BEFORE TRUNCATE ON history
	FOR EACH STATEMENT EXECUTE FUNCTION history_refuse_change();

-- API tokens: only the SHA-256 of a token is kept; the token itself is shown once.
CREATE TABLE tokens (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
	role       text NOT NULL CHECK (role IN ('admin', 'secretariat', 'owner', 'viewer')),
	owner_id   bigint NULL REFERENCES owners (id),
	hash       bytea NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz NULL,
	CHECK ((role = 'owner') = (owner_id IS NOT NULL))
);

-- The outbox: a notification is decided and written here, with a dedup key, in the same
-- transaction as the decision; delivery happens afterwards, at least once.
CREATE TABLE notifications (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	dedup_key       text NOT NULL UNIQUE,
	kind            text NOT NULL CHECK (kind IN ('reminder', 'overdue_report')),
	recipient       text NOT NULL,
	subject         text NOT NULL,
	body            text NOT NULL,
	payload         jsonb NOT NULL DEFAULT '{}',
	state           text NOT NULL DEFAULT 'pending'
	                CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
	attempts        integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	last_error      text NULL,
	created_at      timestamptz NOT NULL DEFAULT now(),
	updated_at      timestamptz NOT NULL DEFAULT now(),
	sent_at         timestamptz NULL
);
CREATE INDEX notifications_ready_idx ON notifications (next_attempt_at, id)
	WHERE state IN ('pending', 'sending');
CREATE INDEX notifications_state_idx ON notifications (state, id);
