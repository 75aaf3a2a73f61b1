-- Undo: move the tables of context rbac back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."access_policies" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "rbac"."access_policies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."role_permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."role_permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."roles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."roles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_role_assignments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "rbac"."user_role_assignments" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."roles"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."roles"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."roles";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."permissions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."permissions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."permissions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."role_permissions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."role_permissions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."role_permissions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_role_assignments"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."user_role_assignments"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."user_role_assignments";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."access_policies"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."access_policies"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."access_policies";
  END IF;
  IF to_regclass('"public"."access_policies"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"rbac"."access_policies"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "rbac"."access_policies" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."user_role_assignments"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"rbac"."user_role_assignments"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "rbac"."user_role_assignments" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."role_permissions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"rbac"."role_permissions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "rbac"."role_permissions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."permissions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"rbac"."permissions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "rbac"."permissions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."roles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"rbac"."roles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "rbac"."roles" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rbac')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'rbac')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'rbac') THEN
    DROP SCHEMA "rbac";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rbac') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'rbac';
  END IF;
END
$carve$;
