-- Step: move the tables of context catalog into schema catalog
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."bundle_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."bundles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."categories" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."product_descriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."product_tags" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."products" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "catalog";
DO $carve$
BEGIN
  IF to_regclass('"catalog"."categories"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."categories"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."categories" SET SCHEMA "catalog";
  END IF;
  IF to_regclass('"catalog"."products"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."products"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."products" SET SCHEMA "catalog";
  END IF;
  IF to_regclass('"catalog"."product_descriptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_descriptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."product_descriptions" SET SCHEMA "catalog";
  END IF;
  IF to_regclass('"catalog"."product_tags"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."product_tags"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."product_tags" SET SCHEMA "catalog";
  END IF;
  IF to_regclass('"catalog"."bundles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."bundles" SET SCHEMA "catalog";
  END IF;
  IF to_regclass('"catalog"."bundle_items"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."bundle_items"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."bundle_items" SET SCHEMA "catalog";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."categories" AS
  SELECT "id", "parent_id", "slug", "name", "sort_order", "active_flag"
  FROM "catalog"."categories";
COMMENT ON VIEW "public"."categories" IS 'carve:compatibility-view catalog.categories (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON VIEW "public"."products" IS 'carve:compatibility-view catalog.products (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."product_descriptions" AS
  SELECT "product_id", "locale", "title", "short_text", "body_html", "updated_at"
  FROM "catalog"."product_descriptions";
COMMENT ON VIEW "public"."product_descriptions" IS 'carve:compatibility-view catalog.product_descriptions (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."product_tags" AS
  SELECT "product_id", "tag"
  FROM "catalog"."product_tags";
COMMENT ON VIEW "public"."product_tags" IS 'carve:compatibility-view catalog.product_tags (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."bundles" AS
  SELECT "id", "code", "name", "product_id", "is_active", "created_at"
  FROM "catalog"."bundles";
COMMENT ON VIEW "public"."bundles" IS 'carve:compatibility-view catalog.bundles (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."bundle_items" AS
  SELECT "bundle_id", "product_id", "quantity", "is_optional"
  FROM "catalog"."bundle_items";
COMMENT ON VIEW "public"."bundle_items" IS 'carve:compatibility-view catalog.bundle_items (owner: catalog-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"catalog"."categories"', '"public"."categories"'),
    ('"catalog"."products"', '"public"."products"'),
    ('"catalog"."product_descriptions"', '"public"."product_descriptions"'),
    ('"catalog"."product_tags"', '"public"."product_tags"'),
    ('"catalog"."bundles"', '"public"."bundles"'),
    ('"catalog"."bundle_items"', '"public"."bundle_items"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'catalog')
       AND NOT has_schema_privilege(owner_name, 'catalog', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'catalog', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
