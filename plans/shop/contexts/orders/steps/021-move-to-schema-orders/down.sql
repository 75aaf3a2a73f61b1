-- Undo: move the tables of context orders back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."cart_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."cart_items" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."carts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."carts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_status_history" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_status_history" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."orders" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."carts"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."carts"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."carts";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."cart_items"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."cart_items"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."cart_items";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."orders"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."orders"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."orders";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_lines"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."order_lines"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."order_lines";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_status_history"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."order_status_history"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."order_status_history";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_snapshots"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."order_snapshots"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."order_snapshots";
  END IF;
  IF to_regclass('"public"."order_snapshots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."order_snapshots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."order_snapshots" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."order_status_history"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."order_status_history"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."order_status_history" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."order_lines"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."order_lines"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."order_lines" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."orders"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."orders"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."orders" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."cart_items"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."cart_items"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."cart_items" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."carts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"orders"."carts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "orders"."carts" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'orders')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'orders')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'orders') THEN
    DROP SCHEMA "orders";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'orders') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'orders';
  END IF;
END
$carve$;
