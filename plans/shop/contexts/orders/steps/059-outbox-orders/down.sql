-- Undo: the outbox of context orders

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "orders"."cart_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "orders"."carts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."order_status_history" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF to_regclass('"orders"."carts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."carts";
  END IF;
  IF to_regclass('"orders"."cart_items"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."cart_items";
  END IF;
  IF to_regclass('"orders"."orders"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."orders";
  END IF;
  IF to_regclass('"orders"."order_lines"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."order_lines";
  END IF;
  IF to_regclass('"orders"."order_status_history"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."order_status_history";
  END IF;
  IF to_regclass('"orders"."order_snapshots"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "orders"."order_snapshots";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"orders"."carts"', '"orders"."cart_items"', '"orders"."orders"', '"orders"."order_lines"', '"orders"."order_status_history"', '"orders"."order_snapshots"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"orders"."carts"', '"orders"."cart_items"', '"orders"."orders"', '"orders"."order_lines"', '"orders"."order_status_history"', '"orders"."order_snapshots"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "orders"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"orders"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"orders"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "orders"."outbox" FROM "carve_orders_service";
    DROP TABLE "orders"."outbox";
  END IF;
END
$carve$;
