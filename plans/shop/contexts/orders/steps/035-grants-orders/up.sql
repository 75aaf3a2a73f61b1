-- Step: only orders-service writes the tables of context orders

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'orders', m.rel, '(acl was null)' FROM (VALUES ('"orders"."carts"'), ('"public"."carts"'), ('"orders"."cart_items"'), ('"public"."cart_items"'), ('"orders"."orders"'), ('"public"."orders"'), ('"orders"."order_lines"'), ('"public"."order_lines"'), ('"orders"."order_status_history"'), ('"public"."order_status_history"'), ('"orders"."order_snapshots"'), ('"public"."order_snapshots"'), ('"orders"."cart_items_id_seq"'), ('"orders"."carts_id_seq"'), ('"orders"."order_lines_id_seq"'), ('"orders"."order_status_history_id_seq"'), ('"orders"."orders_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "orders" TO "carve_admin", "carve_billing_service", "carve_orders_service", "carve_pricing_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."carts" TO "carve_orders_service";
GRANT SELECT ON "orders"."carts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."carts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."carts" TO "carve_orders_service";
GRANT SELECT ON "public"."carts" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."carts" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."cart_items" TO "carve_orders_service";
GRANT SELECT ON "orders"."cart_items" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."cart_items" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."cart_items" TO "carve_orders_service";
GRANT SELECT ON "public"."cart_items" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."cart_items" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."orders" TO "carve_orders_service";
GRANT SELECT ON "orders"."orders" TO "carve_admin";
GRANT SELECT ON "orders"."orders" TO "carve_billing_service";
GRANT SELECT ON "orders"."orders" TO "carve_pricing_service";
GRANT SELECT ON "orders"."orders" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."orders" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."orders" TO "carve_orders_service";
GRANT SELECT ON "public"."orders" TO "carve_admin";
GRANT SELECT ON "public"."orders" TO "carve_billing_service";
GRANT SELECT ON "public"."orders" TO "carve_pricing_service";
GRANT SELECT ON "public"."orders" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."orders" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."order_lines" TO "carve_orders_service";
GRANT SELECT ON "orders"."order_lines" TO "carve_admin";
GRANT SELECT ON "orders"."order_lines" TO "carve_billing_service";
GRANT SELECT ON "orders"."order_lines" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."order_lines" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."order_lines" TO "carve_orders_service";
GRANT SELECT ON "public"."order_lines" TO "carve_admin";
GRANT SELECT ON "public"."order_lines" TO "carve_billing_service";
GRANT SELECT ON "public"."order_lines" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."order_lines" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."order_status_history" TO "carve_orders_service";
GRANT SELECT ON "orders"."order_status_history" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."order_status_history" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."order_status_history" TO "carve_orders_service";
GRANT SELECT ON "public"."order_status_history" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."order_status_history" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "orders"."order_snapshots" TO "carve_orders_service";
GRANT SELECT ON "orders"."order_snapshots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "orders"."order_snapshots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."order_snapshots" TO "carve_orders_service";
GRANT SELECT ON "public"."order_snapshots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."order_snapshots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "orders"."cart_items_id_seq" TO "carve_orders_service";
GRANT USAGE, SELECT ON SEQUENCE "orders"."carts_id_seq" TO "carve_orders_service";
GRANT USAGE, SELECT ON SEQUENCE "orders"."order_lines_id_seq" TO "carve_orders_service";
GRANT USAGE, SELECT ON SEQUENCE "orders"."order_status_history_id_seq" TO "carve_orders_service";
GRANT USAGE, SELECT ON SEQUENCE "orders"."orders_id_seq" TO "carve_orders_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."carts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."carts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."carts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."carts"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."carts"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."carts"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."cart_items"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."cart_items"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."cart_items"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."cart_items"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."cart_items"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."cart_items"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."orders"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."orders"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."orders"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."orders"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."orders"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."orders"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."order_lines"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."order_lines"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."order_lines"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."order_lines"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."order_lines"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."order_lines"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."order_status_history"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."order_status_history"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."order_status_history"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."order_status_history"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."order_status_history"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."order_status_history"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"orders"."order_snapshots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"orders"."order_snapshots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"orders"."order_snapshots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."order_snapshots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."order_snapshots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('orders', '"public"."order_snapshots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
