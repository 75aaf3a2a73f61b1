-- Undo: move the tables of context memberships back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."entitlements" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "memberships"."entitlements" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."membership_plans" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."membership_plans" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."plan_subscriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."plan_subscriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."usage_records" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."usage_records" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallet_fundings" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_fundings" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallet_transactions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_transactions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallets" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallets" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."membership_plans"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."membership_plans"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."membership_plans";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."plan_subscriptions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."plan_subscriptions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."plan_subscriptions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."entitlements"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."entitlements"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."entitlements";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."usage_records"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."usage_records"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."usage_records";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallets"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."wallets"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."wallets";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_transactions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."wallet_transactions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."wallet_transactions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_fundings"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."wallet_fundings"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."wallet_fundings";
  END IF;
  IF to_regclass('"public"."wallet_fundings"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallet_fundings"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."wallet_fundings" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."wallet_transactions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallet_transactions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."wallet_transactions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."wallets"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallets"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."wallets" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."usage_records"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."usage_records"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."usage_records" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."entitlements"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."entitlements"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."entitlements" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."plan_subscriptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."plan_subscriptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."plan_subscriptions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."membership_plans"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."membership_plans"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "memberships"."membership_plans" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'memberships')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'memberships')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'memberships') THEN
    DROP SCHEMA "memberships";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'memberships') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'memberships';
  END IF;
END
$carve$;
