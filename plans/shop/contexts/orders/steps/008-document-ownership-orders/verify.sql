-- Verify: every table of context orders has its owner recorded

DO $carve$
DECLARE
  missing text;
BEGIN
  IF to_regclass('"carve"."ownership"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', '"carve"."ownership"';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY['carts', 'cart_items', 'orders', 'order_lines', 'order_status_history', 'order_snapshots']::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM "carve"."ownership" o
    WHERE o.table_key = k AND o.context = 'orders' AND o.owner = 'orders-service'
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', 'orders-service', missing;
  END IF;
END
$carve$;
