-- Undo: move the tables of context availability back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."service_capacity" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "availability"."service_capacity" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."slot_reservations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."slot_reservations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."stock_levels" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_levels" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."stock_locations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."stock_locations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."time_slots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "availability"."time_slots" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_locations"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."stock_locations"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."stock_locations";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_levels"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."stock_levels"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."stock_levels";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."service_capacity"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."service_capacity"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."service_capacity";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."time_slots"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."time_slots"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."time_slots";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."slot_reservations"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."slot_reservations"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."slot_reservations";
  END IF;
  IF to_regclass('"public"."slot_reservations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."slot_reservations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "availability"."slot_reservations" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."time_slots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."time_slots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "availability"."time_slots" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."service_capacity"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."service_capacity"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "availability"."service_capacity" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."stock_levels"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."stock_levels"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "availability"."stock_levels" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."stock_locations"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."stock_locations"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "availability"."stock_locations" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'availability')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'availability')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'availability') THEN
    DROP SCHEMA "availability";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'availability') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'availability';
  END IF;
END
$carve$;
