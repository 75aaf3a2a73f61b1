-- Undo: the outbox of context orders

-- Every lock up front, in one order (by original table name, as in the other direction). Only
-- the first waits (lock_timeout); the rest must be free now (NOWAIT): nothing stays locked while
-- another lock is awaited. A busy table rolls the step back (55P03) and the executor retries it.
LOCK TABLE ONLY "orders"."cart_items" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "orders"."carts" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "orders"."order_lines" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "orders"."order_snapshots" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "orders"."order_status_history" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "orders"."orders" IN ACCESS EXCLUSIVE MODE NOWAIT;
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
