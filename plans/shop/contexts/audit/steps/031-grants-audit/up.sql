-- Step: only audit-service writes the tables of context audit

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."revoked_grants" (context text NOT NULL, relation text NOT NULL, privilege text NOT NULL, PRIMARY KEY (context, relation, privilege));
-- A marker row: this context's grants step is applied (the table is shared; the last one out drops it).
INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '', '') ON CONFLICT DO NOTHING;
-- Relations whose ACL is NULL (the default) now: rollback gives them a NULL ACL back.
INSERT INTO "carve"."revoked_grants" (context, relation, privilege)
  SELECT 'audit', m.rel, '(acl was null)' FROM (VALUES ('"audit"."audit_events"'), ('"public"."audit_events"'), ('"audit"."auth_events"'), ('"public"."auth_events"'), ('"audit"."rbac_decisions"'), ('"public"."rbac_decisions"'), ('"audit"."action_traces"'), ('"public"."action_traces"'), ('"audit"."action_traces_2024"'), ('"public"."action_traces_2024"'), ('"audit"."action_traces_2025"'), ('"public"."action_traces_2025"'), ('"audit"."action_traces_default"'), ('"public"."action_traces_default"'), ('"audit"."error_logs"'), ('"public"."error_logs"'), ('"audit"."action_traces_id_seq"'), ('"audit"."audit_events_id_seq"'), ('"audit"."auth_events_id_seq"'), ('"audit"."error_logs_id_seq"'), ('"audit"."rbac_decisions_id_seq"')) AS m(rel)
  JOIN pg_class c ON c.oid = to_regclass(m.rel) WHERE c.relacl IS NULL
  ON CONFLICT DO NOTHING;
GRANT USAGE ON SCHEMA "audit" TO "carve_audit_service", "carve_reporting";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."audit_events" TO "carve_audit_service";
GRANT SELECT ON "audit"."audit_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."audit_events" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."audit_events" TO "carve_audit_service";
GRANT SELECT ON "public"."audit_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."audit_events" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."auth_events" TO "carve_audit_service";
GRANT SELECT ON "audit"."auth_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."auth_events" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."auth_events" TO "carve_audit_service";
GRANT SELECT ON "public"."auth_events" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."auth_events" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."rbac_decisions" TO "carve_audit_service";
GRANT SELECT ON "audit"."rbac_decisions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."rbac_decisions" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."rbac_decisions" TO "carve_audit_service";
GRANT SELECT ON "public"."rbac_decisions" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."rbac_decisions" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces" TO "carve_audit_service";
GRANT SELECT ON "audit"."action_traces" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."action_traces" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces" TO "carve_audit_service";
GRANT SELECT ON "public"."action_traces" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."action_traces" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_2024" TO "carve_audit_service";
GRANT SELECT ON "audit"."action_traces_2024" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."action_traces_2024" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_2024" TO "carve_audit_service";
GRANT SELECT ON "public"."action_traces_2024" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."action_traces_2024" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_2025" TO "carve_audit_service";
GRANT SELECT ON "audit"."action_traces_2025" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."action_traces_2025" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_2025" TO "carve_audit_service";
GRANT SELECT ON "public"."action_traces_2025" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."action_traces_2025" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_default" TO "carve_audit_service";
GRANT SELECT ON "audit"."action_traces_default" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."action_traces_default" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_default" TO "carve_audit_service";
GRANT SELECT ON "public"."action_traces_default" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."action_traces_default" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "audit"."error_logs" TO "carve_audit_service";
GRANT SELECT ON "audit"."error_logs" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "audit"."error_logs" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."error_logs" TO "carve_audit_service";
GRANT SELECT ON "public"."error_logs" TO "carve_reporting";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "public"."error_logs" FROM "carve_admin", "carve_auth_service", "carve_availability_service", "carve_billing_service", "carve_catalog_service", "carve_memberships_service", "carve_orders_service", "carve_payments_service", "carve_pricing_service", "carve_rbac_service", "carve_reference_data", "carve_reporting", "carve_ums_service";
GRANT USAGE, SELECT ON SEQUENCE "audit"."action_traces_id_seq" TO "carve_audit_service";
GRANT USAGE, SELECT ON SEQUENCE "audit"."audit_events_id_seq" TO "carve_audit_service";
GRANT USAGE, SELECT ON SEQUENCE "audit"."auth_events_id_seq" TO "carve_audit_service";
GRANT USAGE, SELECT ON SEQUENCE "audit"."error_logs_id_seq" TO "carve_audit_service";
GRANT USAGE, SELECT ON SEQUENCE "audit"."rbac_decisions_id_seq" TO "carve_audit_service";
-- Writes granted to PUBLIC are revoked too (and recorded, so down.sql can give them back).
DO $carve$
DECLARE
  p text;
BEGIN
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."audit_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."audit_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."audit_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."audit_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."audit_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."audit_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."auth_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."auth_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."auth_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."auth_events"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."auth_events"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."auth_events"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."rbac_decisions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."rbac_decisions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."rbac_decisions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."rbac_decisions"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."rbac_decisions"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."rbac_decisions"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."action_traces"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."action_traces"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."action_traces"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."action_traces"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."action_traces"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."action_traces"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."action_traces_2024"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."action_traces_2024"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."action_traces_2024"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."action_traces_2024"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."action_traces_2024"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."action_traces_2024"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."action_traces_2025"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."action_traces_2025"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."action_traces_2025"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."action_traces_2025"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."action_traces_2025"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."action_traces_2025"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."action_traces_default"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."action_traces_default"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."action_traces_default"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."action_traces_default"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."action_traces_default"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."action_traces_default"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"audit"."error_logs"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"audit"."error_logs"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"audit"."error_logs"', p) ON CONFLICT DO NOTHING;
  END LOOP;
  FOR p IN SELECT a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
           WHERE c.oid = '"public"."error_logs"'::regclass AND a.grantee = 0 AND a.privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE') LOOP
    EXECUTE format('REVOKE %s ON %s FROM PUBLIC', p, '"public"."error_logs"');
    INSERT INTO "carve"."revoked_grants" (context, relation, privilege) VALUES ('audit', '"public"."error_logs"', p) ON CONFLICT DO NOTHING;
  END LOOP;
END
$carve$;
