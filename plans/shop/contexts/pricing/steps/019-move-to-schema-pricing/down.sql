-- Undo: move the tables of context pricing back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."discounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "pricing"."discounts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."price_lists" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_lists" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."price_rules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."price_rules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."pricing_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."pricing_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."promotion_redemptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotion_redemptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."promotions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."promotions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."tax_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "pricing"."tax_rates" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."price_lists"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."price_lists"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."price_lists";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."price_rules"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."price_rules"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."price_rules";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."discounts"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."discounts"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."discounts";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."promotions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."promotions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."promotions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."promotion_redemptions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."promotion_redemptions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."promotion_redemptions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."pricing_snapshots"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."pricing_snapshots"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."pricing_snapshots";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."tax_rates"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."tax_rates"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."tax_rates";
  END IF;
  IF to_regclass('"public"."tax_rates"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."tax_rates"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."tax_rates" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."pricing_snapshots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."pricing_snapshots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."pricing_snapshots" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."promotion_redemptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."promotion_redemptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."promotion_redemptions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."promotions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."promotions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."promotions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."discounts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."discounts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."discounts" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."price_rules"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."price_rules"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."price_rules" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."price_lists"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"pricing"."price_lists"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "pricing"."price_lists" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'pricing')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'pricing')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'pricing') THEN
    DROP SCHEMA "pricing";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'pricing') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'pricing';
  END IF;
END
$carve$;
