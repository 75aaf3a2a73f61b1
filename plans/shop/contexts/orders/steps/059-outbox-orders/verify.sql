-- Verify: publication carve_events_orders covers every event table of context orders

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_orders') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_orders';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'carts') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."carts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'cart_items') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."cart_items"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'orders') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'order_lines') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."order_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'order_status_history') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."order_status_history"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_orders' AND schemaname = 'orders' AND tablename = 'order_snapshots') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_orders', '"orders"."order_snapshots"';
  END IF;
END
$carve$;
