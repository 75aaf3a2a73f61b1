-- Undo: the grants on the tables of context catalog

REVOKE SELECT ON "public"."bundle_items" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."bundle_items" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."bundle_items" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."bundle_items" FROM "carve_catalog_service";
REVOKE SELECT ON "public"."bundles" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."bundles" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."bundles" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."bundles" FROM "carve_catalog_service";
REVOKE SELECT ON "public"."product_tags" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."product_tags" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."product_tags" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."product_tags" FROM "carve_catalog_service";
REVOKE SELECT ON "public"."product_descriptions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."product_descriptions" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."product_descriptions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."product_descriptions" FROM "carve_catalog_service";
REVOKE SELECT ON "public"."products" FROM "carve_reporting";
REVOKE SELECT ON "public"."products" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."products" FROM "carve_orders_service";
REVOKE SELECT ON "public"."products" FROM "carve_memberships_service";
REVOKE SELECT ON "public"."products" FROM "carve_availability_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."products" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."products" FROM "carve_reporting";
REVOKE SELECT ON "catalog"."products" FROM "carve_pricing_service";
REVOKE SELECT ON "catalog"."products" FROM "carve_orders_service";
REVOKE SELECT ON "catalog"."products" FROM "carve_memberships_service";
REVOKE SELECT ON "catalog"."products" FROM "carve_availability_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."products" FROM "carve_catalog_service";
REVOKE SELECT ON "public"."categories" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."categories" FROM "carve_catalog_service";
REVOKE SELECT ON "catalog"."categories" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "catalog"."categories" FROM "carve_catalog_service";
REVOKE USAGE, SELECT ON SEQUENCE "catalog"."bundles_id_seq" FROM "carve_catalog_service";
REVOKE USAGE, SELECT ON SEQUENCE "catalog"."categories_id_seq" FROM "carve_catalog_service";
REVOKE USAGE, SELECT ON SEQUENCE "catalog"."products_id_seq" FROM "carve_catalog_service";
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT c.oid, x.relation,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) a) AS default_acl
           FROM "carve"."revoked_grants" x JOIN pg_class c ON c.oid = to_regclass(x.relation)
           WHERE x.context = 'catalog' AND x.privilege = '(acl was null)' AND c.relacl IS NOT NULL LOOP
    IF r.acl IS DISTINCT FROM r.default_acl THEN
      RAISE NOTICE 'carve: % keeps its explicit ACL: someone changed its grants since the plan ran', r.relation;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      -- Equal to the default, so nothing changes for anyone: only the catalog returns to NULL.
      UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = r.oid;
    ELSE
      RAISE NOTICE 'carve: % keeps an explicit ACL equal to the default (only a superuser can reset it to NULL)', r.relation;
    END IF;
  END LOOP;
END
$carve$;
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'catalog' AND relation <> '' AND privilege <> '(acl was null)' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'catalog';
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'catalog') THEN
    REVOKE USAGE ON SCHEMA "catalog" FROM "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."revoked_grants") THEN
      DROP TABLE "carve"."revoked_grants";
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'carve') THEN
    DROP SCHEMA "carve";
  END IF;
END
$carve$;
