-- Undo: the outbox of context rbac

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "rbac"."access_policies" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "rbac"."permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."role_permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."roles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."user_role_assignments" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"rbac"."roles"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."roles";
  END IF;
  IF to_regclass('"rbac"."permissions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."permissions";
  END IF;
  IF to_regclass('"rbac"."role_permissions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."role_permissions";
  END IF;
  IF to_regclass('"rbac"."user_role_assignments"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."user_role_assignments";
  END IF;
  IF to_regclass('"rbac"."access_policies"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "rbac"."access_policies";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"rbac"."roles"', '"rbac"."permissions"', '"rbac"."role_permissions"', '"rbac"."user_role_assignments"', '"rbac"."access_policies"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"rbac"."roles"', '"rbac"."permissions"', '"rbac"."role_permissions"', '"rbac"."user_role_assignments"', '"rbac"."access_policies"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "rbac"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"rbac"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"rbac"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "rbac"."outbox" FROM "carve_rbac_service";
    DROP TABLE "rbac"."outbox";
  END IF;
END
$carve$;
