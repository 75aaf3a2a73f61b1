-- Verify: the tables of context catalog live in schema catalog, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."categories"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."categories"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."categories"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."categories"';
  END IF;
  PERFORM 1 FROM "public"."categories" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."products"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."products"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."products"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."products"';
  END IF;
  PERFORM 1 FROM "public"."products" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."product_descriptions"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."product_descriptions"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_descriptions"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."product_descriptions"';
  END IF;
  PERFORM 1 FROM "public"."product_descriptions" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."product_tags"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."product_tags"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_tags"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."product_tags"';
  END IF;
  PERFORM 1 FROM "public"."product_tags" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."bundles"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."bundles"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundles"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."bundles"';
  END IF;
  PERFORM 1 FROM "public"."bundles" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."bundle_items"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"catalog"."bundle_items"', 'catalog';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundle_items"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."bundle_items"';
  END IF;
  PERFORM 1 FROM "public"."bundle_items" LIMIT 1;
END
$carve$;
