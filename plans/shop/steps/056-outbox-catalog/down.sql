-- Undo: the outbox of context catalog

DO $carve$
BEGIN
  IF to_regclass('"catalog"."categories"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."categories";
  END IF;
  IF to_regclass('"catalog"."products"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."products";
  END IF;
  IF to_regclass('"catalog"."product_descriptions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."product_descriptions";
  END IF;
  IF to_regclass('"catalog"."product_tags"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."product_tags";
  END IF;
  IF to_regclass('"catalog"."bundles"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."bundles";
  END IF;
  IF to_regclass('"catalog"."bundle_items"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "catalog"."bundle_items";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "catalog"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"catalog"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "catalog"."outbox" FROM "carve_catalog_service";
    DROP TABLE "catalog"."outbox";
  END IF;
END
$carve$;
