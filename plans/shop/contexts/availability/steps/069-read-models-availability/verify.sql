-- Verify: the read models of availability exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'availability' AND matviewname = 'rm_catalog_products' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"availability"."rm_catalog_products"';
  END IF;
END
$carve$;
