-- Verify: publication carve_events_catalog covers every event table of context catalog

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_catalog') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'categories') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."categories"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'products') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."products"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'product_descriptions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."product_descriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'product_tags') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."product_tags"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'bundles') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."bundles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_catalog' AND schemaname = 'catalog' AND tablename = 'bundle_items') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_catalog', '"catalog"."bundle_items"';
  END IF;
END
$carve$;
