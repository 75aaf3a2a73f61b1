-- Undo: the outbox of context audit

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "audit"."action_traces" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "audit"."audit_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."auth_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."error_logs" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."rbac_decisions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"audit"."audit_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."audit_events";
  END IF;
  IF to_regclass('"audit"."auth_events"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."auth_events";
  END IF;
  IF to_regclass('"audit"."rbac_decisions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."rbac_decisions";
  END IF;
  IF to_regclass('"audit"."action_traces"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."action_traces";
  END IF;
  IF to_regclass('"audit"."error_logs"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "audit"."error_logs";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"audit"."audit_events"', '"audit"."auth_events"', '"audit"."rbac_decisions"', '"audit"."action_traces"', '"audit"."error_logs"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"audit"."audit_events"', '"audit"."auth_events"', '"audit"."rbac_decisions"', '"audit"."action_traces"', '"audit"."error_logs"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "audit"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"audit"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"audit"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "audit"."outbox" FROM "carve_audit_service";
    DROP TABLE "audit"."outbox";
  END IF;
END
$carve$;
