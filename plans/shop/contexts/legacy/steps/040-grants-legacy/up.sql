-- Step: only admin writes the tables of context legacy

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('legacy', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'legacy', m.rel, '(acl was null)' FROM (VALUES ('"legacy"."legacy_user_prefs"'), ('"public"."legacy_user_prefs"'), ('"legacy"."old_payment_log"'), ('"public"."old_payment_log"'), ('"legacy"."old_payment_log_log_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "legacy" TO "carve_admin", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "legacy"."legacy_user_prefs" TO "carve_admin";
GRANT SELECT ON "legacy"."legacy_user_prefs" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "legacy"."legacy_user_prefs" FROM "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."legacy_user_prefs" TO "carve_admin";
GRANT SELECT ON "public"."legacy_user_prefs" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."legacy_user_prefs" FROM "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "legacy"."old_payment_log" TO "carve_admin";
GRANT SELECT ON "legacy"."old_payment_log" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "legacy"."old_payment_log" FROM "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."old_payment_log" TO "carve_admin";
GRANT SELECT ON "public"."old_payment_log" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."old_payment_log" FROM "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "legacy"."old_payment_log_log_id_seq" TO "carve_admin";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"legacy"."legacy_user_prefs"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"legacy"."legacy_user_prefs"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('legacy', '"legacy"."legacy_user_prefs"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."legacy_user_prefs"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."legacy_user_prefs"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('legacy', '"public"."legacy_user_prefs"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"legacy"."old_payment_log"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"legacy"."old_payment_log"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('legacy', '"legacy"."old_payment_log"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."old_payment_log"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."old_payment_log"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('legacy', '"public"."old_payment_log"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
