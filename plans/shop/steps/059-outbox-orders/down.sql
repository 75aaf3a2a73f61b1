-- Undo: the outbox of context orders

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
  IF to_regclass('"orders"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "orders"."outbox" FROM "carve_orders_service";
    DROP TABLE "orders"."outbox";
  END IF;
END
$carve$;
