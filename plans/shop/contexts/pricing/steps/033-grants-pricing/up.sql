-- Step: only pricing-service writes the tables of context pricing

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'pricing', m.rel, '(acl was null)' FROM (VALUES ('"pricing"."price_lists"'), ('"public"."price_lists"'), ('"pricing"."price_rules"'), ('"public"."price_rules"'), ('"pricing"."discounts"'), ('"public"."discounts"'), ('"pricing"."promotions"'), ('"public"."promotions"'), ('"pricing"."promotion_redemptions"'), ('"public"."promotion_redemptions"'), ('"pricing"."pricing_snapshots"'), ('"public"."pricing_snapshots"'), ('"pricing"."tax_rates"'), ('"public"."tax_rates"'), ('"pricing"."discounts_id_seq"'), ('"pricing"."price_lists_id_seq"'), ('"pricing"."price_rules_id_seq"'), ('"pricing"."pricing_snapshots_id_seq"'), ('"pricing"."promotion_redemptions_id_seq"'), ('"pricing"."promotions_id_seq"'), ('"pricing"."tax_rates_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "pricing" TO "carve_catalog_service", "carve_pricing_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."price_lists" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."price_lists" TO "carve_catalog_service";
GRANT SELECT ON "pricing"."price_lists" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."price_lists" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."price_lists" TO "carve_pricing_service";
GRANT SELECT ON "public"."price_lists" TO "carve_catalog_service";
GRANT SELECT ON "public"."price_lists" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."price_lists" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."price_rules" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."price_rules" TO "carve_catalog_service";
GRANT SELECT ON "pricing"."price_rules" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."price_rules" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."price_rules" TO "carve_pricing_service";
GRANT SELECT ON "public"."price_rules" TO "carve_catalog_service";
GRANT SELECT ON "public"."price_rules" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."price_rules" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."discounts" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."discounts" TO "carve_catalog_service";
GRANT SELECT ON "pricing"."discounts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."discounts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."discounts" TO "carve_pricing_service";
GRANT SELECT ON "public"."discounts" TO "carve_catalog_service";
GRANT SELECT ON "public"."discounts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."discounts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."promotions" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."promotions" TO "carve_catalog_service";
GRANT SELECT ON "pricing"."promotions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."promotions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."promotions" TO "carve_pricing_service";
GRANT SELECT ON "public"."promotions" TO "carve_catalog_service";
GRANT SELECT ON "public"."promotions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."promotions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."promotion_redemptions" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."promotion_redemptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."promotion_redemptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."promotion_redemptions" TO "carve_pricing_service";
GRANT SELECT ON "public"."promotion_redemptions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."promotion_redemptions" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."pricing_snapshots" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."pricing_snapshots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."pricing_snapshots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."pricing_snapshots" TO "carve_pricing_service";
GRANT SELECT ON "public"."pricing_snapshots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."pricing_snapshots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "pricing"."tax_rates" TO "carve_pricing_service";
GRANT SELECT ON "pricing"."tax_rates" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "pricing"."tax_rates" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."tax_rates" TO "carve_pricing_service";
GRANT SELECT ON "public"."tax_rates" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."tax_rates" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."discounts_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."price_lists_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."price_rules_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."pricing_snapshots_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."promotion_redemptions_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."promotions_id_seq" TO "carve_pricing_service";
GRANT USAGE, SELECT ON SEQUENCE "pricing"."tax_rates_id_seq" TO "carve_pricing_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."price_lists"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."price_lists"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."price_lists"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."price_lists"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."price_lists"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."price_lists"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."price_rules"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."price_rules"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."price_rules"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."price_rules"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."price_rules"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."price_rules"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."discounts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."discounts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."discounts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."discounts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."discounts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."discounts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."promotions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."promotions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."promotions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."promotions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."promotions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."promotions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."promotion_redemptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."promotion_redemptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."promotion_redemptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."promotion_redemptions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."promotion_redemptions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."promotion_redemptions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."pricing_snapshots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."pricing_snapshots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."pricing_snapshots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."pricing_snapshots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."pricing_snapshots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."pricing_snapshots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"pricing"."tax_rates"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"pricing"."tax_rates"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"pricing"."tax_rates"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."tax_rates"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."tax_rates"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('pricing', '"public"."tax_rates"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
