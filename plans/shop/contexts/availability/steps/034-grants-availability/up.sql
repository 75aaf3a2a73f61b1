-- Step: only availability-service writes the tables of context availability

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'availability', m.rel, '(acl was null)' FROM (VALUES ('"availability"."stock_locations"'), ('"public"."stock_locations"'), ('"availability"."stock_levels"'), ('"public"."stock_levels"'), ('"availability"."service_capacity"'), ('"public"."service_capacity"'), ('"availability"."time_slots"'), ('"public"."time_slots"'), ('"availability"."slot_reservations"'), ('"public"."slot_reservations"'), ('"availability"."service_capacity_id_seq"'), ('"availability"."slot_reservations_id_seq"'), ('"availability"."stock_levels_id_seq"'), ('"availability"."stock_locations_id_seq"'), ('"availability"."time_slots_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "availability" TO "carve_availability_service", "carve_catalog_service", "carve_orders_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "availability"."stock_locations" TO "carve_availability_service";
GRANT SELECT ON "availability"."stock_locations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "availability"."stock_locations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."stock_locations" TO "carve_availability_service";
GRANT SELECT ON "public"."stock_locations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."stock_locations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "availability"."stock_levels" TO "carve_availability_service";
GRANT SELECT ON "availability"."stock_levels" TO "carve_catalog_service";
GRANT SELECT ON "availability"."stock_levels" TO "carve_orders_service";
GRANT SELECT ON "availability"."stock_levels" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "availability"."stock_levels" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."stock_levels" TO "carve_availability_service";
GRANT SELECT ON "public"."stock_levels" TO "carve_catalog_service";
GRANT SELECT ON "public"."stock_levels" TO "carve_orders_service";
GRANT SELECT ON "public"."stock_levels" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."stock_levels" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "availability"."service_capacity" TO "carve_availability_service";
GRANT SELECT ON "availability"."service_capacity" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "availability"."service_capacity" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."service_capacity" TO "carve_availability_service";
GRANT SELECT ON "public"."service_capacity" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."service_capacity" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "availability"."time_slots" TO "carve_availability_service";
GRANT SELECT ON "availability"."time_slots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "availability"."time_slots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."time_slots" TO "carve_availability_service";
GRANT SELECT ON "public"."time_slots" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."time_slots" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "availability"."slot_reservations" TO "carve_availability_service";
GRANT SELECT ON "availability"."slot_reservations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "availability"."slot_reservations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."slot_reservations" TO "carve_availability_service";
GRANT SELECT ON "public"."slot_reservations" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."slot_reservations" FROM "carve_admin", "carve_audit_service", "carve_auth_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "availability"."service_capacity_id_seq" TO "carve_availability_service";
GRANT USAGE, SELECT ON SEQUENCE "availability"."slot_reservations_id_seq" TO "carve_availability_service";
GRANT USAGE, SELECT ON SEQUENCE "availability"."stock_levels_id_seq" TO "carve_availability_service";
GRANT USAGE, SELECT ON SEQUENCE "availability"."stock_locations_id_seq" TO "carve_availability_service";
GRANT USAGE, SELECT ON SEQUENCE "availability"."time_slots_id_seq" TO "carve_availability_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"availability"."stock_locations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"availability"."stock_locations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"availability"."stock_locations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."stock_locations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."stock_locations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"public"."stock_locations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"availability"."stock_levels"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"availability"."stock_levels"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"availability"."stock_levels"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."stock_levels"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."stock_levels"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"public"."stock_levels"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"availability"."service_capacity"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"availability"."service_capacity"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"availability"."service_capacity"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."service_capacity"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."service_capacity"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"public"."service_capacity"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"availability"."time_slots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"availability"."time_slots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"availability"."time_slots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."time_slots"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."time_slots"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"public"."time_slots"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"availability"."slot_reservations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"availability"."slot_reservations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"availability"."slot_reservations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."slot_reservations"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."slot_reservations"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('availability', '"public"."slot_reservations"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
