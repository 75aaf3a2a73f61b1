-- Step: only memberships-service writes the tables of context memberships

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'memberships', m.rel, '(acl was null)' FROM (VALUES ('"memberships"."membership_plans"'), ('"public"."membership_plans"'), ('"memberships"."plan_subscriptions"'), ('"public"."plan_subscriptions"'), ('"memberships"."entitlements"'), ('"public"."entitlements"'), ('"memberships"."usage_records"'), ('"public"."usage_records"'), ('"memberships"."wallets"'), ('"public"."wallets"'), ('"memberships"."wallet_transactions"'), ('"public"."wallet_transactions"'), ('"memberships"."wallet_fundings"'), ('"public"."wallet_fundings"'), ('"memberships"."entitlements_id_seq"'), ('"memberships"."membership_plans_id_seq"'), ('"memberships"."plan_subscriptions_id_seq"'), ('"memberships"."usage_records_id_seq"'), ('"memberships"."wallet_fundings_id_seq"'), ('"memberships"."wallet_transactions_id_seq"'), ('"memberships"."wallets_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "memberships" TO "carve_admin", "carve_memberships_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."membership_plans" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."membership_plans" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."membership_plans" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."membership_plans" TO "carve_memberships_service";
GRANT SELECT ON "public"."membership_plans" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."membership_plans" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."plan_subscriptions" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."plan_subscriptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."plan_subscriptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."plan_subscriptions" TO "carve_memberships_service";
GRANT SELECT ON "public"."plan_subscriptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."plan_subscriptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."entitlements" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."entitlements" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."entitlements" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."entitlements" TO "carve_memberships_service";
GRANT SELECT ON "public"."entitlements" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."entitlements" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."usage_records" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."usage_records" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."usage_records" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."usage_records" TO "carve_memberships_service";
GRANT SELECT ON "public"."usage_records" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."usage_records" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."wallets" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."wallets" TO "carve_admin";
GRANT SELECT ON "memberships"."wallets" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."wallets" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."wallets" TO "carve_memberships_service";
GRANT SELECT ON "public"."wallets" TO "carve_admin";
GRANT SELECT ON "public"."wallets" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."wallets" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."wallet_transactions" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."wallet_transactions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."wallet_transactions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."wallet_transactions" TO "carve_memberships_service";
GRANT SELECT ON "public"."wallet_transactions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."wallet_transactions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "memberships"."wallet_fundings" TO "carve_memberships_service";
GRANT SELECT ON "memberships"."wallet_fundings" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "memberships"."wallet_fundings" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."wallet_fundings" TO "carve_memberships_service";
GRANT SELECT ON "public"."wallet_fundings" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."wallet_fundings" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."entitlements_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."membership_plans_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."plan_subscriptions_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."usage_records_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."wallet_fundings_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."wallet_transactions_id_seq" TO "carve_memberships_service";
GRANT USAGE, SELECT ON SEQUENCE "memberships"."wallets_id_seq" TO "carve_memberships_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."membership_plans"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."membership_plans"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."membership_plans"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."membership_plans"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."membership_plans"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."membership_plans"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."plan_subscriptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."plan_subscriptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."plan_subscriptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."plan_subscriptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."plan_subscriptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."plan_subscriptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."entitlements"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."entitlements"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."entitlements"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."entitlements"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."entitlements"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."entitlements"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."usage_records"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."usage_records"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."usage_records"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."usage_records"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."usage_records"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."usage_records"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."wallets"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."wallets"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."wallets"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."wallets"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."wallets"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."wallets"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."wallet_transactions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."wallet_transactions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."wallet_transactions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."wallet_transactions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."wallet_transactions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."wallet_transactions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"memberships"."wallet_fundings"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"memberships"."wallet_fundings"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"memberships"."wallet_fundings"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."wallet_fundings"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."wallet_fundings"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('memberships', '"public"."wallet_fundings"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
