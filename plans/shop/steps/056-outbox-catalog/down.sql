-- Undo: the outbox of context catalog

-- Every lock up front, in one order (by original table name, as in the other direction). Only
-- the first waits (lock_timeout); the rest must be free now (NOWAIT): nothing stays locked while
-- another lock is awaited. A busy table rolls the step back (55P03) and the executor retries it.
LOCK TABLE ONLY "catalog"."bundle_items" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."bundles" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "catalog"."categories" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "catalog"."product_descriptions" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "catalog"."product_tags" IN ACCESS EXCLUSIVE MODE NOWAIT;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE NOWAIT;
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
  IF to_regclass('"catalog"."outbox"') IS NOT NULL
     AND obj_description(to_regclass('"catalog"."outbox"'), 'pg_class') LIKE 'carve:outbox %' THEN
    REVOKE ALL ON "catalog"."outbox" FROM "carve_catalog_service";
    DROP TABLE "catalog"."outbox";
  END IF;
END
$carve$;
