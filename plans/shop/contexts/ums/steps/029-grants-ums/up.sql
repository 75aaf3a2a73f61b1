-- Step: only ums-service writes the tables of context ums

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'ums', m.rel, '(acl was null)' FROM (VALUES ('"ums"."users"'), ('"public"."users"'), ('"ums"."user_profiles"'), ('"public"."user_profiles"'), ('"ums"."organizations"'), ('"public"."organizations"'), ('"ums"."org_memberships"'), ('"public"."org_memberships"'), ('"ums"."modules"'), ('"public"."modules"'), ('"ums"."module_access"'), ('"public"."module_access"'), ('"ums"."user_attributes"'), ('"public"."user_attributes"'), ('"ums"."module_access_id_seq"'), ('"ums"."org_memberships_id_seq"'), ('"ums"."organizations_id_seq"'), ('"ums"."user_attributes_id_seq"'), ('"ums"."users_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "ums" TO "carve_admin", "carve_auth_service", "carve_rbac_service", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."users" TO "carve_ums_service";
GRANT SELECT ON "ums"."users" TO "carve_admin";
GRANT SELECT ON "ums"."users" TO "carve_auth_service";
GRANT SELECT ON "ums"."users" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."users" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."users" TO "carve_ums_service";
GRANT SELECT ON "public"."users" TO "carve_admin";
GRANT SELECT ON "public"."users" TO "carve_auth_service";
GRANT SELECT ON "public"."users" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."users" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."user_profiles" TO "carve_ums_service";
GRANT SELECT ON "ums"."user_profiles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."user_profiles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."user_profiles" TO "carve_ums_service";
GRANT SELECT ON "public"."user_profiles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."user_profiles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."organizations" TO "carve_ums_service";
GRANT SELECT ON "ums"."organizations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."organizations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."organizations" TO "carve_ums_service";
GRANT SELECT ON "public"."organizations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."organizations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."org_memberships" TO "carve_ums_service";
GRANT SELECT ON "ums"."org_memberships" TO "carve_auth_service";
GRANT SELECT ON "ums"."org_memberships" TO "carve_rbac_service";
GRANT SELECT ON "ums"."org_memberships" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."org_memberships" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."org_memberships" TO "carve_ums_service";
GRANT SELECT ON "public"."org_memberships" TO "carve_auth_service";
GRANT SELECT ON "public"."org_memberships" TO "carve_rbac_service";
GRANT SELECT ON "public"."org_memberships" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."org_memberships" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."modules" TO "carve_ums_service";
GRANT SELECT ON "ums"."modules" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."modules" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."modules" TO "carve_ums_service";
GRANT SELECT ON "public"."modules" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."modules" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."module_access" TO "carve_ums_service";
GRANT SELECT ON "ums"."module_access" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."module_access" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."module_access" TO "carve_ums_service";
GRANT SELECT ON "public"."module_access" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."module_access" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ums"."user_attributes" TO "carve_ums_service";
GRANT SELECT ON "ums"."user_attributes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "ums"."user_attributes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."user_attributes" TO "carve_ums_service";
GRANT SELECT ON "public"."user_attributes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."user_attributes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting";
GRANT USAGE, SELECT ON SEQUENCE "ums"."module_access_id_seq" TO "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "ums"."org_memberships_id_seq" TO "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "ums"."organizations_id_seq" TO "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "ums"."user_attributes_id_seq" TO "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "ums"."users_id_seq" TO "carve_ums_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."users"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."users"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."users"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."users"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."users"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."users"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."user_profiles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."user_profiles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."user_profiles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."user_profiles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."user_profiles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."user_profiles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."organizations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."organizations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."organizations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."organizations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."organizations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."organizations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."org_memberships"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."org_memberships"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."org_memberships"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."org_memberships"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."org_memberships"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."org_memberships"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."modules"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."modules"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."modules"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."modules"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."modules"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."modules"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."module_access"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."module_access"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."module_access"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."module_access"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."module_access"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."module_access"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"ums"."user_attributes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"ums"."user_attributes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"ums"."user_attributes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."user_attributes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."user_attributes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('ums', '"public"."user_attributes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
