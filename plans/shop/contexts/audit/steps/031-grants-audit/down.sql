-- Undo: the grants on the tables of context audit

REVOKE SELECT ON "public"."error_logs" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."error_logs" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."error_logs" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."error_logs" FROM "carve_audit_service";
REVOKE SELECT ON "public"."action_traces_default" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_default" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."action_traces_default" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_default" FROM "carve_audit_service";
REVOKE SELECT ON "public"."action_traces_2025" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_2025" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."action_traces_2025" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_2025" FROM "carve_audit_service";
REVOKE SELECT ON "public"."action_traces_2024" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces_2024" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."action_traces_2024" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces_2024" FROM "carve_audit_service";
REVOKE SELECT ON "public"."action_traces" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."action_traces" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."action_traces" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."action_traces" FROM "carve_audit_service";
REVOKE SELECT ON "public"."rbac_decisions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."rbac_decisions" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."rbac_decisions" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."rbac_decisions" FROM "carve_audit_service";
REVOKE SELECT ON "public"."auth_events" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."auth_events" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."auth_events" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."auth_events" FROM "carve_audit_service";
REVOKE SELECT ON "public"."audit_events" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."audit_events" FROM "carve_audit_service";
REVOKE SELECT ON "audit"."audit_events" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "audit"."audit_events" FROM "carve_audit_service";
REVOKE USAGE, SELECT ON SEQUENCE "audit"."action_traces_id_seq" FROM "carve_audit_service";
REVOKE USAGE, SELECT ON SEQUENCE "audit"."audit_events_id_seq" FROM "carve_audit_service";
REVOKE USAGE, SELECT ON SEQUENCE "audit"."auth_events_id_seq" FROM "carve_audit_service";
REVOKE USAGE, SELECT ON SEQUENCE "audit"."error_logs_id_seq" FROM "carve_audit_service";
REVOKE USAGE, SELECT ON SEQUENCE "audit"."rbac_decisions_id_seq" FROM "carve_audit_service";
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT c.oid, x.relation,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) a) AS default_acl
           FROM "carve"."revoked_grants" x JOIN pg_class c ON c.oid = to_regclass(x.relation)
           WHERE x.context = 'audit' AND x.privilege = '(acl was null)' AND c.relacl IS NOT NULL LOOP
    IF r.acl IS DISTINCT FROM r.default_acl THEN
      RAISE NOTICE 'carve: % keeps its explicit ACL: someone changed its grants since the plan ran', r.relation;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      -- Equal to the default, so nothing changes for anyone: only the catalog returns to NULL.
      UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = r.oid;
    ELSE
      RAISE NOTICE 'carve: % keeps an explicit ACL equal to the default (only a superuser can reset it to NULL)', r.relation;
    END IF;
  END LOOP;
END
$carve$;
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'audit' AND relation <> '' AND privilege <> '(acl was null)' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'audit';
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'audit') THEN
    REVOKE USAGE ON SCHEMA "audit" FROM "carve_audit_service", "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."revoked_grants") THEN
      DROP TABLE "carve"."revoked_grants";
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'carve') THEN
    DROP SCHEMA "carve";
  END IF;
END
$carve$;
