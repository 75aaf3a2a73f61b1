-- Step: only reference-data writes the tables of context reference-data

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'reference-data', m.rel, '(acl was null)' FROM (VALUES ('"reference_data"."countries"'), ('"public"."countries"'), ('"reference_data"."currencies"'), ('"public"."currencies"'), ('"reference_data"."exchange_rates"'), ('"public"."exchange_rates"'), ('"reference_data"."status_codes"'), ('"public"."status_codes"'), ('"reference_data"."time_zones"'), ('"public"."time_zones"'), ('"reference_data"."locales"'), ('"public"."locales"'), ('"reference_data"."exchange_rates_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "reference_data" TO "carve_billing_service", "carve_orders_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."countries" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."countries" TO "carve_billing_service";
GRANT SELECT ON "reference_data"."countries" TO "carve_orders_service";
GRANT SELECT ON "reference_data"."countries" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."countries" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."countries" TO "carve_reference_data";
GRANT SELECT ON "public"."countries" TO "carve_billing_service";
GRANT SELECT ON "public"."countries" TO "carve_orders_service";
GRANT SELECT ON "public"."countries" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."countries" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."currencies" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."currencies" TO "carve_orders_service";
GRANT SELECT ON "reference_data"."currencies" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."currencies" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."currencies" TO "carve_reference_data";
GRANT SELECT ON "public"."currencies" TO "carve_orders_service";
GRANT SELECT ON "public"."currencies" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."currencies" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."exchange_rates" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."exchange_rates" TO "carve_pricing_service";
GRANT SELECT ON "reference_data"."exchange_rates" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."exchange_rates" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."exchange_rates" TO "carve_reference_data";
GRANT SELECT ON "public"."exchange_rates" TO "carve_pricing_service";
GRANT SELECT ON "public"."exchange_rates" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."exchange_rates" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."status_codes" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."status_codes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."status_codes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."status_codes" TO "carve_reference_data";
GRANT SELECT ON "public"."status_codes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."status_codes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."time_zones" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."time_zones" TO "carve_ums_service";
GRANT SELECT ON "reference_data"."time_zones" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."time_zones" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."time_zones" TO "carve_reference_data";
GRANT SELECT ON "public"."time_zones" TO "carve_ums_service";
GRANT SELECT ON "public"."time_zones" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."time_zones" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "reference_data"."locales" TO "carve_reference_data";
GRANT SELECT ON "reference_data"."locales" TO "carve_ums_service";
GRANT SELECT ON "reference_data"."locales" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "reference_data"."locales" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."locales" TO "carve_reference_data";
GRANT SELECT ON "public"."locales" TO "carve_ums_service";
GRANT SELECT ON "public"."locales" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."locales" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "reference_data"."exchange_rates_id_seq" TO "carve_reference_data";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."countries"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."countries"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."countries"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."countries"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."countries"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."countries"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."currencies"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."currencies"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."currencies"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."currencies"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."currencies"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."currencies"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."exchange_rates"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."exchange_rates"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."exchange_rates"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."exchange_rates"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."exchange_rates"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."exchange_rates"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."status_codes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."status_codes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."status_codes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."status_codes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."status_codes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."status_codes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."time_zones"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."time_zones"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."time_zones"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."time_zones"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."time_zones"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."time_zones"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"reference_data"."locales"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"reference_data"."locales"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"reference_data"."locales"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."locales"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."locales"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('reference-data', '"public"."locales"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
