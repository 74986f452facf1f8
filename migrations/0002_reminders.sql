-- 0002_reminders.sql — reminders that never miss an item: who else receives an owner's
-- digests (cc), whether it receives any (reminders), and the reminder ledger, which says for
-- each recommendation which reminder was sent to whom, why and when.
-- Applied once inside a transaction by `suivid migrate`; never edit after it has landed.

-- Addresses that receive copies of the owner's digests (a deputy, a focal point), each as
-- a message of its own; and a pause switch (a paused owner gets no digest, and the overdue
-- report says so).
ALTER TABLE owners ADD COLUMN cc text[] NOT NULL DEFAULT '{}'
	CHECK (cardinality(cc) <= 10 AND array_position(cc, NULL) IS NULL);
ALTER TABLE owners ADD COLUMN reminders boolean NOT NULL DEFAULT true;

-- One row per recommendation mentioned in a notification, written in the transaction that
-- writes the notification (so a crash loses neither or both). The decision reads it:
--   horizon     the item was within `horizon` days of due_on (the deadline it had then);
--   overdue     the item was overdue;
--   escalation  the item was listed in an escalation to the secretariat.
-- owner_id is the owner the digest went to (the lead owner, or a supporting owner with
-- [schedule] remind_supporting); a reassigned item starts afresh with its new owner, a
-- changed deadline with its new date.
CREATE TABLE reminder_ledger (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rec_id          bigint NOT NULL REFERENCES recommendations (id),
	owner_id        bigint NOT NULL REFERENCES owners (id),
	reason          text NOT NULL CHECK (reason IN ('horizon', 'overdue', 'escalation')),
	horizon         integer NULL CHECK ((reason = 'horizon') = (horizon IS NOT NULL)),
	due_on          date NULL,
	sent_on         date NOT NULL,
	notification_id bigint NOT NULL REFERENCES notifications (id),
	created_at      timestamptz NOT NULL DEFAULT now(),
	UNIQUE (rec_id, owner_id, reason, sent_on)
);
CREATE INDEX reminder_ledger_rec_idx ON reminder_ledger (rec_id, owner_id, reason, sent_on);
CREATE INDEX reminder_ledger_notification_idx ON reminder_ledger (notification_id);

-- Escalations are a kind of notification of their own.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
	CHECK (kind IN ('reminder', 'overdue_report', 'escalation'));
