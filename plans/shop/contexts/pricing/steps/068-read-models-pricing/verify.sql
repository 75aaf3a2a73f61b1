-- Verify: the read models of pricing exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'pricing' AND matviewname = 'rm_catalog_products' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"pricing"."rm_catalog_products"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'pricing' AND matviewname = 'rm_orders_orders' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"pricing"."rm_orders_orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'pricing' AND matviewname = 'rm_reference_data_exchange_rates' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"pricing"."rm_reference_data_exchange_rates"';
  END IF;
END
$carve$;
