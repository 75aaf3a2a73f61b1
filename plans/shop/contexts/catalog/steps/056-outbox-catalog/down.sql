-- Undo: the outbox of context catalog

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "catalog"."bundle_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "catalog"."bundles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."categories" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_descriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_tags" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
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
DO $carve$
BEGIN
  -- DROP TRIGGER leaves relhastriggers true until a VACUUM; when no trigger is left at all, say so
  -- now (a superuser's catalog update; otherwise the next VACUUM does it).
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    UPDATE pg_catalog.pg_class c SET relhastriggers = false
     WHERE c.oid IN (SELECT to_regclass(r.name) FROM unnest(ARRAY['"catalog"."categories"', '"catalog"."products"', '"catalog"."product_descriptions"', '"catalog"."product_tags"', '"catalog"."bundles"', '"catalog"."bundle_items"']::text[]) AS r(name)
                     UNION SELECT t.relid FROM unnest(ARRAY['"catalog"."categories"', '"catalog"."products"', '"catalog"."product_descriptions"', '"catalog"."product_tags"', '"catalog"."bundles"', '"catalog"."bundle_items"']::text[]) AS r(name), pg_partition_tree(to_regclass(r.name)) t)
       AND c.relhastriggers AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid);
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
