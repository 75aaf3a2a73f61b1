-- Step: only catalog-service writes the tables of context catalog

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'catalog', m.rel, '(acl was null)' FROM (VALUES ('"catalog"."categories"'), ('"public"."categories"'), ('"catalog"."products"'), ('"public"."products"'), ('"catalog"."product_descriptions"'), ('"public"."product_descriptions"'), ('"catalog"."product_tags"'), ('"public"."product_tags"'), ('"catalog"."bundles"'), ('"public"."bundles"'), ('"catalog"."bundle_items"'), ('"public"."bundle_items"'), ('"catalog"."bundles_id_seq"'), ('"catalog"."categories_id_seq"'), ('"catalog"."products_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "catalog" TO "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."categories" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."categories" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."categories" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."categories" TO "carve_catalog_service";
GRANT SELECT ON "public"."categories" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."categories" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."products" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."products" TO "carve_availability_service";
GRANT SELECT ON "catalog"."products" TO "carve_memberships_service";
GRANT SELECT ON "catalog"."products" TO "carve_orders_service";
GRANT SELECT ON "catalog"."products" TO "carve_pricing_service";
GRANT SELECT ON "catalog"."products" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."products" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."products" TO "carve_catalog_service";
GRANT SELECT ON "public"."products" TO "carve_availability_service";
GRANT SELECT ON "public"."products" TO "carve_memberships_service";
GRANT SELECT ON "public"."products" TO "carve_orders_service";
GRANT SELECT ON "public"."products" TO "carve_pricing_service";
GRANT SELECT ON "public"."products" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."products" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."product_descriptions" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."product_descriptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."product_descriptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."product_descriptions" TO "carve_catalog_service";
GRANT SELECT ON "public"."product_descriptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."product_descriptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."product_tags" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."product_tags" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."product_tags" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."product_tags" TO "carve_catalog_service";
GRANT SELECT ON "public"."product_tags" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."product_tags" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."bundles" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."bundles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."bundles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."bundles" TO "carve_catalog_service";
GRANT SELECT ON "public"."bundles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."bundles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "catalog"."bundle_items" TO "carve_catalog_service";
GRANT SELECT ON "catalog"."bundle_items" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "catalog"."bundle_items" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."bundle_items" TO "carve_catalog_service";
GRANT SELECT ON "public"."bundle_items" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."bundle_items" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "catalog"."bundles_id_seq" TO "carve_catalog_service";
GRANT USAGE, SELECT ON SEQUENCE "catalog"."categories_id_seq" TO "carve_catalog_service";
GRANT USAGE, SELECT ON SEQUENCE "catalog"."products_id_seq" TO "carve_catalog_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."categories"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."categories"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."categories"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."categories"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."categories"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."categories"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."products"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."products"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."products"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."products"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."products"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."products"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."product_descriptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."product_descriptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."product_descriptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."product_descriptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."product_descriptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."product_descriptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."product_tags"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."product_tags"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."product_tags"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."product_tags"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."product_tags"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."product_tags"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."bundles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."bundles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."bundles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."bundles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."bundles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."bundles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"catalog"."bundle_items"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"catalog"."bundle_items"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"catalog"."bundle_items"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."bundle_items"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."bundle_items"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('catalog', '"public"."bundle_items"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
