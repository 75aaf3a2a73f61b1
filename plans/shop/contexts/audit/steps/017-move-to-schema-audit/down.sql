-- Undo: move the tables of context audit back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."action_traces" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "audit"."action_traces" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."action_traces_2024" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."action_traces_2024" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."action_traces_2025" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."action_traces_2025" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."action_traces_default" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."action_traces_default" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."audit_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."audit_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."auth_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."auth_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."error_logs" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."error_logs" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."rbac_decisions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "audit"."rbac_decisions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_events"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."audit_events"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."audit_events";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_events"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."auth_events"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."auth_events";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."rbac_decisions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."rbac_decisions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."rbac_decisions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."action_traces"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."action_traces";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2024"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."action_traces_2024"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."action_traces_2024";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2025"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."action_traces_2025"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."action_traces_2025";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_default"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."action_traces_default"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."action_traces_default";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."error_logs"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."error_logs"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."error_logs";
  END IF;
  IF to_regclass('"public"."error_logs"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."error_logs"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."error_logs" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."action_traces_default"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_default"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."action_traces_default" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."action_traces_2025"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_2025"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."action_traces_2025" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."action_traces_2024"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces_2024"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."action_traces_2024" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."action_traces"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."action_traces"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."action_traces" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."rbac_decisions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."rbac_decisions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."rbac_decisions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."auth_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."auth_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."auth_events" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."audit_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"audit"."audit_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "audit"."audit_events" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'audit')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'audit')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'audit') THEN
    DROP SCHEMA "audit";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'audit') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'audit';
  END IF;
END
$carve$;
