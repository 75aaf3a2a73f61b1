-- Step: only rbac-service writes the tables of context rbac

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'rbac', m.rel, '(acl was null)' FROM (VALUES ('"rbac"."roles"'), ('"public"."roles"'), ('"rbac"."permissions"'), ('"public"."permissions"'), ('"rbac"."role_permissions"'), ('"public"."role_permissions"'), ('"rbac"."user_role_assignments"'), ('"public"."user_role_assignments"'), ('"rbac"."access_policies"'), ('"public"."access_policies"'), ('"rbac"."access_policies_id_seq"'), ('"rbac"."permissions_id_seq"'), ('"rbac"."roles_id_seq"'), ('"rbac"."user_role_assignments_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "rbac" TO "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_rbac_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rbac"."roles" TO "carve_rbac_service";
GRANT SELECT ON "rbac"."roles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "rbac"."roles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."roles" TO "carve_rbac_service";
GRANT SELECT ON "public"."roles" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."roles" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rbac"."permissions" TO "carve_rbac_service";
GRANT SELECT ON "rbac"."permissions" TO "carve_billing_service";
GRANT SELECT ON "rbac"."permissions" TO "carve_catalog_service";
GRANT SELECT ON "rbac"."permissions" TO "carve_memberships_service";
GRANT SELECT ON "rbac"."permissions" TO "carve_orders_service";
GRANT SELECT ON "rbac"."permissions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "rbac"."permissions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."permissions" TO "carve_rbac_service";
GRANT SELECT ON "public"."permissions" TO "carve_billing_service";
GRANT SELECT ON "public"."permissions" TO "carve_catalog_service";
GRANT SELECT ON "public"."permissions" TO "carve_memberships_service";
GRANT SELECT ON "public"."permissions" TO "carve_orders_service";
GRANT SELECT ON "public"."permissions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."permissions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rbac"."role_permissions" TO "carve_rbac_service";
GRANT SELECT ON "rbac"."role_permissions" TO "carve_billing_service";
GRANT SELECT ON "rbac"."role_permissions" TO "carve_catalog_service";
GRANT SELECT ON "rbac"."role_permissions" TO "carve_memberships_service";
GRANT SELECT ON "rbac"."role_permissions" TO "carve_orders_service";
GRANT SELECT ON "rbac"."role_permissions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "rbac"."role_permissions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."role_permissions" TO "carve_rbac_service";
GRANT SELECT ON "public"."role_permissions" TO "carve_billing_service";
GRANT SELECT ON "public"."role_permissions" TO "carve_catalog_service";
GRANT SELECT ON "public"."role_permissions" TO "carve_memberships_service";
GRANT SELECT ON "public"."role_permissions" TO "carve_orders_service";
GRANT SELECT ON "public"."role_permissions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."role_permissions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rbac"."user_role_assignments" TO "carve_rbac_service";
GRANT SELECT ON "rbac"."user_role_assignments" TO "carve_billing_service";
GRANT SELECT ON "rbac"."user_role_assignments" TO "carve_catalog_service";
GRANT SELECT ON "rbac"."user_role_assignments" TO "carve_memberships_service";
GRANT SELECT ON "rbac"."user_role_assignments" TO "carve_orders_service";
GRANT SELECT ON "rbac"."user_role_assignments" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "rbac"."user_role_assignments" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."user_role_assignments" TO "carve_rbac_service";
GRANT SELECT ON "public"."user_role_assignments" TO "carve_billing_service";
GRANT SELECT ON "public"."user_role_assignments" TO "carve_catalog_service";
GRANT SELECT ON "public"."user_role_assignments" TO "carve_memberships_service";
GRANT SELECT ON "public"."user_role_assignments" TO "carve_orders_service";
GRANT SELECT ON "public"."user_role_assignments" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."user_role_assignments" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "rbac"."access_policies" TO "carve_rbac_service";
GRANT SELECT ON "rbac"."access_policies" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "rbac"."access_policies" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."access_policies" TO "carve_rbac_service";
GRANT SELECT ON "public"."access_policies" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."access_policies" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "rbac"."access_policies_id_seq" TO "carve_rbac_service";
GRANT USAGE, SELECT ON SEQUENCE "rbac"."permissions_id_seq" TO "carve_rbac_service";
GRANT USAGE, SELECT ON SEQUENCE "rbac"."roles_id_seq" TO "carve_rbac_service";
GRANT USAGE, SELECT ON SEQUENCE "rbac"."user_role_assignments_id_seq" TO "carve_rbac_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"rbac"."roles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"rbac"."roles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"rbac"."roles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."roles"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."roles"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"public"."roles"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"rbac"."permissions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"rbac"."permissions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"rbac"."permissions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."permissions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."permissions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"public"."permissions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"rbac"."role_permissions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"rbac"."role_permissions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"rbac"."role_permissions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."role_permissions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."role_permissions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"public"."role_permissions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"rbac"."user_role_assignments"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"rbac"."user_role_assignments"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"rbac"."user_role_assignments"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."user_role_assignments"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."user_role_assignments"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"public"."user_role_assignments"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"rbac"."access_policies"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"rbac"."access_policies"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"rbac"."access_policies"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."access_policies"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."access_policies"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('rbac', '"public"."access_policies"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
