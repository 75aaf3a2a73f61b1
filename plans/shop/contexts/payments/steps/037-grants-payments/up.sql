-- Step: only payments-service writes the tables of context payments

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'payments', m.rel, '(acl was null)' FROM (VALUES ('"payments"."payment_methods"'), ('"public"."payment_methods"'), ('"payments"."payments"'), ('"public"."payments"'), ('"payments"."payment_attempts"'), ('"public"."payment_attempts"'), ('"payments"."gateway_transactions"'), ('"public"."gateway_transactions"'), ('"payments"."webhook_events"'), ('"public"."webhook_events"'), ('"payments"."refunds"'), ('"public"."refunds"'), ('"payments"."gateway_transactions_id_seq"'), ('"payments"."payment_attempts_id_seq"'), ('"payments"."payment_methods_id_seq"'), ('"payments"."payments_id_seq"'), ('"payments"."refunds_id_seq"'), ('"payments"."webhook_events_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "payments" TO "carve_admin", "carve_orders_service", "carve_payments_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."payment_methods" TO "carve_payments_service";
GRANT SELECT ON "payments"."payment_methods" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."payment_methods" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."payment_methods" TO "carve_payments_service";
GRANT SELECT ON "public"."payment_methods" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."payment_methods" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."payments" TO "carve_payments_service";
GRANT SELECT ON "payments"."payments" TO "carve_admin";
GRANT SELECT ON "payments"."payments" TO "carve_orders_service";
GRANT SELECT ON "payments"."payments" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."payments" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."payments" TO "carve_payments_service";
GRANT SELECT ON "public"."payments" TO "carve_admin";
GRANT SELECT ON "public"."payments" TO "carve_orders_service";
GRANT SELECT ON "public"."payments" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."payments" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."payment_attempts" TO "carve_payments_service";
GRANT SELECT ON "payments"."payment_attempts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."payment_attempts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."payment_attempts" TO "carve_payments_service";
GRANT SELECT ON "public"."payment_attempts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."payment_attempts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."gateway_transactions" TO "carve_payments_service";
GRANT SELECT ON "payments"."gateway_transactions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."gateway_transactions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."gateway_transactions" TO "carve_payments_service";
GRANT SELECT ON "public"."gateway_transactions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."gateway_transactions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."webhook_events" TO "carve_payments_service";
GRANT SELECT ON "payments"."webhook_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."webhook_events" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."webhook_events" TO "carve_payments_service";
GRANT SELECT ON "public"."webhook_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."webhook_events" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "payments"."refunds" TO "carve_payments_service";
GRANT SELECT ON "payments"."refunds" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "payments"."refunds" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."refunds" TO "carve_payments_service";
GRANT SELECT ON "public"."refunds" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."refunds" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."gateway_transactions_id_seq" TO "carve_payments_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."payment_attempts_id_seq" TO "carve_payments_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."payment_methods_id_seq" TO "carve_payments_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."payments_id_seq" TO "carve_payments_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."refunds_id_seq" TO "carve_payments_service";
GRANT USAGE, SELECT ON SEQUENCE "payments"."webhook_events_id_seq" TO "carve_payments_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."payment_methods"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."payment_methods"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."payment_methods"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."payment_methods"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."payment_methods"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."payment_methods"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."payments"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."payments"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."payments"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."payments"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."payments"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."payments"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."payment_attempts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."payment_attempts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."payment_attempts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."payment_attempts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."payment_attempts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."payment_attempts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."gateway_transactions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."gateway_transactions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."gateway_transactions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."gateway_transactions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."gateway_transactions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."gateway_transactions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."webhook_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."webhook_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."webhook_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."webhook_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."webhook_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."webhook_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"payments"."refunds"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"payments"."refunds"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"payments"."refunds"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."refunds"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."refunds"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('payments', '"public"."refunds"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
