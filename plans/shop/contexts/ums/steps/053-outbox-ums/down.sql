-- Undo: the outbox of context ums

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "ums"."module_access" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."modules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."org_memberships" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_attributes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_profiles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"ums"."users"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."users";
  END IF;
  IF to_regclass('"ums"."user_profiles"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_profiles";
  END IF;
  IF to_regclass('"ums"."organizations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."organizations";
  END IF;
  IF to_regclass('"ums"."org_memberships"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."org_memberships";
  END IF;
  IF to_regclass('"ums"."modules"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."modules";
  END IF;
  IF to_regclass('"ums"."module_access"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."module_access";
  END IF;
  IF to_regclass('"ums"."user_attributes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "ums"."user_attributes";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"ums"."users"', '"ums"."user_profiles"', '"ums"."organizations"', '"ums"."org_memberships"', '"ums"."modules"', '"ums"."module_access"', '"ums"."user_attributes"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"ums"."users"', '"ums"."user_profiles"', '"ums"."organizations"', '"ums"."org_memberships"', '"ums"."modules"', '"ums"."module_access"', '"ums"."user_attributes"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "ums"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"ums"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"ums"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "ums"."outbox" FROM "carve_ums_service";
    DROP TABLE "ums"."outbox";
  END IF;
END
$carve$;
