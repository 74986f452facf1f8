-- 0001_baseline.sql — suivi's schema: owners, meetings, recommendations and their
-- append-only history, the domain values (workflow, priorities, field limits), API tokens,
-- the notification outbox and the scheduler's bookkeeping.
--
-- Migrations hold tables, indexes, constraints, the triggers that keep tables consistent and
-- data changes, nothing else: the functions of the API live in sql/api/ and are re-created in
-- their own schema (suivi_api) whenever they change. The only functions here are those a
-- table itself depends on (triggers, the folding function of the search index).
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.
-- (This baseline squashes 0001_init, 0002_tracking and 0003_notifications of 0.1.0.)

CREATE TABLE owners (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	handle     text NOT NULL UNIQUE CHECK (handle ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	name       text NOT NULL CHECK (name <> ''),
	-- 254: an address's limit in SMTP (RFC 5321), not a choice of the deployment.
	email      text NOT NULL DEFAULT '' CHECK (char_length(email) <= 254),
	locale     text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
	active     boolean NOT NULL DEFAULT true,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE meetings (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
	title      text NOT NULL CHECK (title <> ''),
	starts_on  date NOT NULL,
	ends_on    date NOT NULL,
	place      text NOT NULL DEFAULT '',
	organisers text[] NOT NULL DEFAULT '{}',
	notes      text NOT NULL DEFAULT '',
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

-- The domain values live here, not in C nor in the client: suivid and suivi read them
-- (GET /v1/workflow, suivi_api.suivi_workflow()), so a deployment changes them with SQL.
--
-- Statuses and the transitions between them. A status is open or closed; moving to one
-- with comment_required needs a comment; labels are what people read, in each locale.
CREATE TABLE statuses (
	name             text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{0,30}$'),
	is_open          boolean NOT NULL,
	comment_required boolean NOT NULL DEFAULT false,
	position         integer NOT NULL UNIQUE,
	label_en         text NOT NULL CHECK (label_en <> ''),
	label_fr         text NOT NULL CHECK (label_fr <> '')
);
INSERT INTO statuses (name, is_open, comment_required, position, label_en, label_fr) VALUES
	('proposed',     true,  false, 1, 'proposed',     'proposée'),
	('accepted',     true,  false, 2, 'accepted',     'acceptée'),
	('in_progress',  true,  false, 3, 'in progress',  'en cours'),
	('blocked',      true,  true,  4, 'blocked',      'bloquée'),
	('implemented',  false, false, 5, 'implemented',  'mise en œuvre'),
	('not_accepted', false, true,  6, 'not accepted', 'non acceptée'),
	('obsolete',     false, true,  7, 'obsolete',     'caduque');

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

CREATE TABLE priorities (
	name     text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{0,30}$'),
	position integer NOT NULL UNIQUE,
	label_en text NOT NULL CHECK (label_en <> ''),
	label_fr text NOT NULL CHECK (label_fr <> '')
);
INSERT INTO priorities (name, position, label_en, label_fr) VALUES
	('low', 1, 'low', 'basse'), ('normal', 2, 'normal', 'normale'), ('high', 3, 'high', 'haute');

-- Field limits: characters (code points) of a text, or items of a list. The API checks
-- requests against them and the trigger suivi_enforce_limits below holds every row to them.
CREATE TABLE limits (
	name  text PRIMARY KEY CHECK (name ~ '^[a-z][a-z_]{0,30}$'),
	value integer NOT NULL CHECK (value > 0),
	what  text NOT NULL
);
INSERT INTO limits (name, value, what) VALUES
	('owner_name',    200,   'characters of an owner''s name'),
	('meeting_title', 300,   'characters of a meeting''s title'),
	('place',         200,   'characters of a meeting''s place'),
	('organiser',     200,   'characters of one organiser of a meeting'),
	('organisers',    50,    'organisers of a meeting'),
	('notes',         10000, 'characters of a meeting''s notes'),
	('text',          4000,  'characters of a recommendation''s text'),
	('details',       20000, 'characters of a recommendation''s details'),
	('tag',           50,    'characters of one tag'),
	('tags',          20,    'tags of a recommendation'),
	('supporting',    20,    'supporting owners of a recommendation'),
	('comment',       10000, 'characters of a comment');

CREATE TABLE recommendations (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	meeting_id bigint NOT NULL REFERENCES meetings (id),
	n          integer NOT NULL CHECK (n > 0),
	text       text NOT NULL CHECK (text <> ''),
	details    text NOT NULL DEFAULT '',
	owner_id   bigint NULL REFERENCES owners (id),
	status     text NOT NULL DEFAULT 'proposed' REFERENCES statuses (name) ON UPDATE CASCADE,
	-- is_open and closed_at follow status (trigger below): they let partial indexes cover
	-- "open" without naming statuses, which a deployment may change.
	is_open    boolean NOT NULL DEFAULT true,
	priority   text NOT NULL DEFAULT 'normal' REFERENCES priorities (name) ON UPDATE CASCADE,
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
	comment text NULL
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
	sent_at         timestamptz NULL,
	-- Which daemon is delivering a notification in state 'sending'. Each suivid holds the
	-- session advisory lock (21333, its claim id) on its scheduler connection, so a claim
	-- whose lock is gone belongs to a daemon that died: its notification is delivered again.
	claimed_by      integer NULL
);
CREATE INDEX notifications_ready_idx ON notifications (next_attempt_at, id)
	WHERE state IN ('pending', 'sending');
CREATE INDEX notifications_state_idx ON notifications (state, id);

-- The scheduler's bookkeeping: the last scheduled time each job ran for. A job's run claims
-- its scheduled time here in the transaction that writes its notifications, so a time runs
-- once even when the leader changes; at start, a later scheduled time is a missed run.
CREATE TABLE scheduler_runs (
	job           text PRIMARY KEY CHECK (job IN ('reminders', 'overdue_report')),
	scheduled_for timestamptz NOT NULL,
	ran_at        timestamptz NOT NULL DEFAULT now()
);

-- Owners who had reminders due on a day but no email address: the next overdue report
-- lists them for the secretariat.
CREATE TABLE reminder_skips (
	as_of    date NOT NULL,
	owner_id bigint NOT NULL REFERENCES owners (id),
	items    integer NOT NULL CHECK (items > 0),
	PRIMARY KEY (as_of, owner_id)
);

-- Every row keeps to the field limits of the limits table, whichever way it is written.
CREATE FUNCTION suivi_enforce_limits() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	lim jsonb;
	bad text;
BEGIN
	SELECT jsonb_object_agg(l.name, l.value) INTO lim FROM limits l;
	IF TG_TABLE_NAME = 'owners' THEN
		bad := CASE WHEN char_length(NEW.name) > (lim->>'owner_name')::int THEN 'name' END;
	ELSIF TG_TABLE_NAME = 'meetings' THEN
		bad := CASE WHEN char_length(NEW.title) > (lim->>'meeting_title')::int THEN 'title'
			    WHEN char_length(NEW.place) > (lim->>'place')::int THEN 'place'
			    WHEN char_length(NEW.notes) > (lim->>'notes')::int THEN 'notes'
			    WHEN cardinality(NEW.organisers) > (lim->>'organisers')::int
				 OR EXISTS (SELECT 1 FROM unnest(NEW.organisers) o
					    WHERE char_length(o) > (lim->>'organiser')::int)
			    THEN 'organisers' END;
	ELSIF TG_TABLE_NAME = 'recommendations' THEN
		bad := CASE WHEN char_length(NEW.text) > (lim->>'text')::int THEN 'text'
			    WHEN char_length(NEW.details) > (lim->>'details')::int THEN 'details'
			    WHEN cardinality(NEW.tags) > (lim->>'tags')::int
				 OR EXISTS (SELECT 1 FROM unnest(NEW.tags) t
					    WHERE char_length(t) > (lim->>'tag')::int)
			    THEN 'tags' END;
	ELSIF TG_TABLE_NAME = 'history' THEN
		bad := CASE WHEN char_length(NEW.comment) > (lim->>'comment')::int
			    THEN 'comment' END;
	END IF;
	IF bad IS NOT NULL THEN
		RAISE EXCEPTION '% of % is over its limit (see the limits table)', bad, TG_TABLE_NAME
			USING ERRCODE = 'check_violation', COLUMN = bad, TABLE = TG_TABLE_NAME;
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER owners_limits BEFORE INSERT OR UPDATE OF name ON owners
	FOR EACH ROW EXECUTE FUNCTION suivi_enforce_limits();
CREATE TRIGGER meetings_limits
	BEFORE INSERT OR UPDATE OF title, place, notes, organisers ON meetings
	FOR EACH ROW EXECUTE FUNCTION suivi_enforce_limits();
CREATE TRIGGER recommendations_limits
	BEFORE INSERT OR UPDATE OF text, details, tags ON recommendations
	FOR EACH ROW EXECUTE FUNCTION suivi_enforce_limits();
CREATE TRIGGER history_limits BEFORE INSERT ON history
	FOR EACH ROW EXECUTE FUNCTION suivi_enforce_limits();

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Case- and accent-insensitive form of a text for search. The extension's schema is written
-- into the body (and the dictionary named with two arguments) so that the function does not
-- depend on the caller's search_path: that is what makes IMMUTABLE, and an index on it, safe.
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'unaccent';
	EXECUTE format(
		'CREATE FUNCTION suivi_fold(t text) RETURNS text '
		'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS %L',
		format('SELECT lower(%I.unaccent(%L::regdictionary, t))', ext_schema,
		       quote_ident(ext_schema) || '.unaccent'));
END;
$$;

-- --- indexes ---------------------------------------------------------------------------------

-- Lists by meeting and keyset pages in due-date order over every recommendation (0001 has the
-- open-only due index, owner, status and tags).
CREATE INDEX recommendations_meeting_idx ON recommendations (meeting_id, id);

CREATE INDEX recommendations_due_idx ON recommendations (due_on, id);

-- Search: trigram index over the folded text and details. The operator class is named with
-- its extension's schema for the same reason as suivi_fold.
DO $$
DECLARE
	ext_schema name;
BEGIN
	SELECT n.nspname INTO ext_schema
	FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
	WHERE e.extname = 'pg_trgm';
	EXECUTE format('CREATE INDEX recommendations_search_idx ON recommendations '
		       'USING gin (suivi_fold(text || '' '' || details) %I.gin_trgm_ops)', ext_schema);
END;
$$;

-- History of a series since a date, for the follow-up brief.
CREATE INDEX history_rec_at_idx ON history (rec_id, at, id);

-- --- counts ----------------------------------------------------------------------------------

-- Recommendations per meeting, lead owner (0 = none) and status, kept by statement triggers,
-- so that the summary report and the meeting counts never read the whole table. Concurrent
-- writers lock these rows in key order (ORDER BY below) and so cannot deadlock on them.
CREATE TABLE recommendation_counts (
	meeting_id bigint NOT NULL,
	owner_key  bigint NOT NULL,
	status     text NOT NULL,
	n          bigint NOT NULL,
	PRIMARY KEY (meeting_id, owner_key, status)
);

CREATE FUNCTION recommendation_counts_follow() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, coalesce(owner_id, 0), status, count(*)
		FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	ELSIF TG_OP = 'DELETE' THEN
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, coalesce(owner_id, 0), status, -count(*)
		FROM old_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		INSERT INTO recommendation_counts AS c (meeting_id, owner_key, status, n)
		SELECT meeting_id, owner_key, status, sum(d)
		FROM (SELECT meeting_id, coalesce(owner_id, 0) AS owner_key, status, 1 AS d
		      FROM new_rows
		      UNION ALL
		      SELECT meeting_id, coalesce(owner_id, 0), status, -1 FROM old_rows) AS x
		GROUP BY 1, 2, 3 HAVING sum(d) <> 0 ORDER BY 1, 2, 3
		ON CONFLICT (meeting_id, owner_key, status) DO UPDATE SET n = c.n + excluded.n;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER recommendation_counts_insert AFTER INSERT ON recommendations
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();

CREATE TRIGGER recommendation_counts_update AFTER UPDATE ON recommendations
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();

CREATE TRIGGER recommendation_counts_delete AFTER DELETE ON recommendations
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION recommendation_counts_follow();
