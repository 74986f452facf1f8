-- 60-notify.sql — what the reminder job, the outbox and the scheduler ask of the database.

CREATE FUNCTION suivi_claim_alive(claimer integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM pg_locks l
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
		  AND l.classid = 21333::oid AND l.objid = claimer::oid
		  AND l.database = (SELECT d.oid FROM pg_database d
				    WHERE d.datname = current_database()))
$$;
