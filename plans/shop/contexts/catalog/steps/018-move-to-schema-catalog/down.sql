-- Undo: move the tables of context catalog back and drop the compatibility views

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."bundle_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "catalog"."bundle_items" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."bundles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."bundles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."categories" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."categories" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."product_descriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_descriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."product_tags" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."product_tags" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."categories"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."categories"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."categories";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."products"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."products"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."products";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_descriptions"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."product_descriptions"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."product_descriptions";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_tags"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."product_tags"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."product_tags";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundles"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."bundles"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."bundles";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundle_items"') AND relkind = 'v')
     AND obj_description(to_regclass('"public"."bundle_items"'), 'pg_class') LIKE 'carve:compatibility-view%' THEN
    DROP VIEW "public"."bundle_items";
  END IF;
  IF to_regclass('"public"."bundle_items"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."bundle_items"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."bundle_items" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."bundles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."bundles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."bundles" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."product_tags"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."product_tags"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."product_tags" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."product_descriptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."product_descriptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."product_descriptions" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."products"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."products"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."products" SET SCHEMA "public";
  END IF;
  IF to_regclass('"public"."categories"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"catalog"."categories"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "catalog"."categories" SET SCHEMA "public";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'catalog')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'catalog')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'catalog') THEN
    DROP SCHEMA "catalog";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'catalog') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'catalog';
  END IF;
END
$carve$;
