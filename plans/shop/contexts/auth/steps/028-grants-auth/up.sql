-- Step: only auth-service writes the tables of context auth

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'auth', m.rel, '(acl was null)' FROM (VALUES ('"auth"."user_credentials"'), ('"public"."user_credentials"'), ('"auth"."login_identities"'), ('"public"."login_identities"'), ('"auth"."auth_sessions"'), ('"public"."auth_sessions"'), ('"auth"."refresh_tokens"'), ('"public"."refresh_tokens"'), ('"auth"."auth_tokens"'), ('"public"."auth_tokens"'), ('"auth"."password_resets"'), ('"public"."password_resets"'), ('"auth"."mfa_factors"'), ('"public"."mfa_factors"'), ('"auth"."auth_tokens_id_seq"'), ('"auth"."login_identities_id_seq"'), ('"auth"."mfa_factors_id_seq"'), ('"auth"."password_resets_id_seq"'), ('"auth"."refresh_tokens_id_seq"'), ('"auth"."user_credentials_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "auth" TO "carve_auth_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."user_credentials" TO "carve_auth_service";
GRANT SELECT ON "auth"."user_credentials" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."user_credentials" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."user_credentials" TO "carve_auth_service";
GRANT SELECT ON "public"."user_credentials" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."user_credentials" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."login_identities" TO "carve_auth_service";
GRANT SELECT ON "auth"."login_identities" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."login_identities" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."login_identities" TO "carve_auth_service";
GRANT SELECT ON "public"."login_identities" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."login_identities" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."auth_sessions" TO "carve_auth_service";
GRANT SELECT ON "auth"."auth_sessions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."auth_sessions" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."auth_sessions" TO "carve_auth_service";
GRANT SELECT ON "public"."auth_sessions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."auth_sessions" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."refresh_tokens" TO "carve_auth_service";
GRANT SELECT ON "auth"."refresh_tokens" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."refresh_tokens" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."refresh_tokens" TO "carve_auth_service";
GRANT SELECT ON "public"."refresh_tokens" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."refresh_tokens" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."auth_tokens" TO "carve_auth_service";
GRANT SELECT ON "auth"."auth_tokens" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."auth_tokens" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."auth_tokens" TO "carve_auth_service";
GRANT SELECT ON "public"."auth_tokens" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."auth_tokens" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."password_resets" TO "carve_auth_service";
GRANT SELECT ON "auth"."password_resets" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."password_resets" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."password_resets" TO "carve_auth_service";
GRANT SELECT ON "public"."password_resets" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."password_resets" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "auth"."mfa_factors" TO "carve_auth_service";
GRANT SELECT ON "auth"."mfa_factors" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "auth"."mfa_factors" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."mfa_factors" TO "carve_auth_service";
GRANT SELECT ON "public"."mfa_factors" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."mfa_factors" FROM "carve_admin", "carve_audit_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."auth_tokens_id_seq" TO "carve_auth_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."login_identities_id_seq" TO "carve_auth_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."mfa_factors_id_seq" TO "carve_auth_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."password_resets_id_seq" TO "carve_auth_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."refresh_tokens_id_seq" TO "carve_auth_service";
GRANT USAGE, SELECT ON SEQUENCE "auth"."user_credentials_id_seq" TO "carve_auth_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."user_credentials"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."user_credentials"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."user_credentials"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."user_credentials"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."user_credentials"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."user_credentials"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."login_identities"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."login_identities"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."login_identities"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."login_identities"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."login_identities"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."login_identities"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."auth_sessions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."auth_sessions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."auth_sessions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."auth_sessions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."auth_sessions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."auth_sessions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."refresh_tokens"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."refresh_tokens"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."refresh_tokens"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."refresh_tokens"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."refresh_tokens"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."refresh_tokens"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."auth_tokens"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."auth_tokens"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."auth_tokens"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."auth_tokens"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."auth_tokens"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."auth_tokens"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."password_resets"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."password_resets"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."password_resets"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."password_resets"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."password_resets"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."password_resets"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"auth"."mfa_factors"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"auth"."mfa_factors"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"auth"."mfa_factors"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."mfa_factors"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."mfa_factors"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('auth', '"public"."mfa_factors"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
