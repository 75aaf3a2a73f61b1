-- Undo: move the tables of context reference-data back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."countries" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "reference_data"."countries" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."exchange_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."exchange_rates" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."locales" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."locales" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."status_codes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."status_codes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."time_zones" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "reference_data"."time_zones" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."countries"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."countries"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."countries";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."currencies"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."currencies"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."currencies";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."exchange_rates"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."exchange_rates"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."exchange_rates";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."status_codes"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."status_codes"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."status_codes";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."time_zones"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."time_zones"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."time_zones";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."locales"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."locales"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."locales";
  END IF;
  IF to_regclass('"public"."locales"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."locales"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."locales" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."time_zones"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."time_zones"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."time_zones" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."status_codes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."status_codes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."status_codes" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."exchange_rates"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."exchange_rates"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."exchange_rates" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."currencies"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."currencies"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."currencies" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."countries"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reference_data"."countries"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "reference_data"."countries" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reference_data')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reference_data')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'reference_data') THEN
    DROP SCHEMA "reference_data";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reference_data') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'reference_data';
  END IF;
END
$carve$;
