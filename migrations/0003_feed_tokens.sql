-- 0003_feed_tokens.sql — feed tokens: read-only keys for calendar programs, which cannot send
-- an Authorization header and pass the token as ?key= instead. A feed token opens only the
-- calendar feed (the route table says so), and only with the filters it was created with:
-- owner_id (the lead owner), feed_meeting_id and feed_tag, each NULL for "any".

ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check
	CHECK (role IN ('admin', 'secretariat', 'owner', 'viewer', 'feed'));

-- owner_id is the owner an owner token acts for, or the owner filter of a feed token.
ALTER TABLE tokens DROP CONSTRAINT tokens_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_owner_check
	CHECK (CASE role WHEN 'owner' THEN owner_id IS NOT NULL
			 WHEN 'feed' THEN true
			 ELSE owner_id IS NULL END);

ALTER TABLE tokens ADD COLUMN feed_meeting_id bigint NULL REFERENCES meetings (id);
ALTER TABLE tokens ADD COLUMN feed_tag text NULL CHECK (feed_tag <> '');
ALTER TABLE tokens ADD CONSTRAINT tokens_feed_filters_check
	CHECK (role = 'feed' OR (feed_meeting_id IS NULL AND feed_tag IS NULL));
