-- Step: only billing-service writes the tables of context billing

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'billing', m.rel, '(acl was null)' FROM (VALUES ('"billing"."billing_accounts"'), ('"public"."billing_accounts"'), ('"billing"."invoices"'), ('"public"."invoices"'), ('"billing"."invoice_lines"'), ('"public"."invoice_lines"'), ('"billing"."credit_notes"'), ('"public"."credit_notes"'), ('"billing"."billing_accounts_id_seq"'), ('"billing"."credit_notes_id_seq"'), ('"billing"."invoice_lines_id_seq"'), ('"billing"."invoices_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "billing" TO "carve_admin", "carve_billing_service", "carve_orders_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "billing"."billing_accounts" TO "carve_billing_service";
GRANT SELECT ON "billing"."billing_accounts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "billing"."billing_accounts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."billing_accounts" TO "carve_billing_service";
GRANT SELECT ON "public"."billing_accounts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."billing_accounts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "billing"."invoices" TO "carve_billing_service";
GRANT SELECT ON "billing"."invoices" TO "carve_admin";
GRANT SELECT ON "billing"."invoices" TO "carve_orders_service";
GRANT SELECT ON "billing"."invoices" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "billing"."invoices" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."invoices" TO "carve_billing_service";
GRANT SELECT ON "public"."invoices" TO "carve_admin";
GRANT SELECT ON "public"."invoices" TO "carve_orders_service";
GRANT SELECT ON "public"."invoices" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."invoices" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "billing"."invoice_lines" TO "carve_billing_service";
GRANT SELECT ON "billing"."invoice_lines" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "billing"."invoice_lines" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."invoice_lines" TO "carve_billing_service";
GRANT SELECT ON "public"."invoice_lines" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."invoice_lines" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "billing"."credit_notes" TO "carve_billing_service";
GRANT SELECT ON "billing"."credit_notes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "billing"."credit_notes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."credit_notes" TO "carve_billing_service";
GRANT SELECT ON "public"."credit_notes" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."credit_notes" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "billing"."billing_accounts_id_seq" TO "carve_billing_service";
GRANT USAGE, SELECT ON SEQUENCE "billing"."credit_notes_id_seq" TO "carve_billing_service";
GRANT USAGE, SELECT ON SEQUENCE "billing"."invoice_lines_id_seq" TO "carve_billing_service";
GRANT USAGE, SELECT ON SEQUENCE "billing"."invoices_id_seq" TO "carve_billing_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"billing"."billing_accounts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"billing"."billing_accounts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"billing"."billing_accounts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."billing_accounts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."billing_accounts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"public"."billing_accounts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"billing"."invoices"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"billing"."invoices"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"billing"."invoices"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."invoices"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."invoices"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"public"."invoices"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"billing"."invoice_lines"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"billing"."invoice_lines"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"billing"."invoice_lines"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."invoice_lines"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."invoice_lines"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"public"."invoice_lines"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"billing"."credit_notes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"billing"."credit_notes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"billing"."credit_notes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."credit_notes"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."credit_notes"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('billing', '"public"."credit_notes"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
