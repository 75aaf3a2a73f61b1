-- Undo: the grants on the tables of context pricing

REVOKE SELECT ON "public"."tax_rates" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."tax_rates" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."tax_rates" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."tax_rates" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."pricing_snapshots" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."pricing_snapshots" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."pricing_snapshots" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."pricing_snapshots" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."promotion_redemptions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."promotion_redemptions" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."promotion_redemptions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."promotion_redemptions" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."promotions" FROM "carve_reporting";
REVOKE SELECT ON "public"."promotions" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."promotions" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."promotions" FROM "carve_reporting";
REVOKE SELECT ON "pricing"."promotions" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."promotions" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."discounts" FROM "carve_reporting";
REVOKE SELECT ON "public"."discounts" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."discounts" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."discounts" FROM "carve_reporting";
REVOKE SELECT ON "pricing"."discounts" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."discounts" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."price_rules" FROM "carve_reporting";
REVOKE SELECT ON "public"."price_rules" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."price_rules" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."price_rules" FROM "carve_reporting";
REVOKE SELECT ON "pricing"."price_rules" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."price_rules" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."price_lists" FROM "carve_reporting";
REVOKE SELECT ON "public"."price_lists" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."price_lists" FROM "carve_pricing_service";
REVOKE SELECT ON "pricing"."price_lists" FROM "carve_reporting";
REVOKE SELECT ON "pricing"."price_lists" FROM "carve_catalog_service";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "pricing"."price_lists" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."discounts_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."price_lists_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."price_rules_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."pricing_snapshots_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."promotion_redemptions_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."promotions_id_seq" FROM "carve_pricing_service";
REVOKE USAGE, SELECT ON SEQUENCE "pricing"."tax_rates_id_seq" FROM "carve_pricing_service";
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
           WHERE x.context = 'pricing' AND x.privilege = '(acl was null)' AND c.relacl IS NOT NULL LOOP
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
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'pricing' AND relation <> '' AND privilege <> '(acl was null)' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'pricing';
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'pricing') THEN
    REVOKE USAGE ON SCHEMA "pricing" FROM "carve_catalog_service", "carve_pricing_service", "carve_reporting";
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
