-- Undo: move the tables of context ums back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."module_access" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "ums"."module_access" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."modules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."modules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."org_memberships" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."org_memberships" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_attributes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_attributes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_profiles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."user_profiles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."users" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."users"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."users"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."users";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_profiles"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."user_profiles"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."user_profiles";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."organizations"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."organizations"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."organizations";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."org_memberships"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."org_memberships"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."org_memberships";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."modules"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."modules"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."modules";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."module_access"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."module_access"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."module_access";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_attributes"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."user_attributes"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."user_attributes";
  END IF;
  IF to_regclass('"public"."user_attributes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."user_attributes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."user_attributes" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."module_access"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."module_access"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."module_access" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."modules"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."modules"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."modules" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."org_memberships"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."org_memberships"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."org_memberships" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."organizations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."organizations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."organizations" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."user_profiles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."user_profiles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."user_profiles" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."users"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"ums"."users"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "ums"."users" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'ums')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'ums')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'ums') THEN
    DROP SCHEMA "ums";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'ums') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'ums';
  END IF;
END
$carve$;
