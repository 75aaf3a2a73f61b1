-- Step: move the tables of context audit into schema audit
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."action_traces" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."action_traces_2024" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."action_traces_2025" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."action_traces_default" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."audit_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."auth_events" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."error_logs" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."rbac_decisions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "audit";
DO $carve$
BEGIN
  IF to_regclass('"audit"."audit_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."audit_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."audit_events" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."auth_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."auth_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."auth_events" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."rbac_decisions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."rbac_decisions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."rbac_decisions" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."action_traces"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."action_traces" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."action_traces_2024"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2024"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."action_traces_2024" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."action_traces_2025"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_2025"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."action_traces_2025" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."action_traces_default"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."action_traces_default"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."action_traces_default" SET SCHEMA "audit";
  END IF;
  IF to_regclass('"audit"."error_logs"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."error_logs"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."error_logs" SET SCHEMA "audit";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."audit_events" AS
  SELECT "id", "occurred_at", "tenant_id", "user_id", "action", "resource_type", "resource_id", "old_values", "new_values", "source_service", "correlation_id"
  FROM "audit"."audit_events";
COMMENT ON VIEW "public"."audit_events" IS 'carve:compatibility-view audit.audit_events (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."auth_events" AS
  SELECT "id", "occurred_at", "user_id", "tenant_id", "event_type", "provider", "ip_address", "success", "failure_reason"
  FROM "audit"."auth_events";
COMMENT ON VIEW "public"."auth_events" IS 'carve:compatibility-view audit.auth_events (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."rbac_decisions" AS
  SELECT "id", "decided_at", "tenant_id", "user_id", "permission_code", "resource_ref", "decision", "policy_id", "latency_us"
  FROM "audit"."rbac_decisions";
COMMENT ON VIEW "public"."rbac_decisions" IS 'carve:compatibility-view audit.rbac_decisions (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."action_traces" AS
  SELECT "id", "occurred_at", "service", "operation", "tenant_id", "user_id", "correlation_id", "duration_ms", "status_code"
  FROM "audit"."action_traces";
COMMENT ON VIEW "public"."action_traces" IS 'carve:compatibility-view audit.action_traces (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."action_traces_2024" AS
  SELECT "id", "occurred_at", "service", "operation", "tenant_id", "user_id", "correlation_id", "duration_ms", "status_code"
  FROM "audit"."action_traces_2024";
COMMENT ON VIEW "public"."action_traces_2024" IS 'carve:compatibility-view audit.action_traces_2024 (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."action_traces_2025" AS
  SELECT "id", "occurred_at", "service", "operation", "tenant_id", "user_id", "correlation_id", "duration_ms", "status_code"
  FROM "audit"."action_traces_2025";
COMMENT ON VIEW "public"."action_traces_2025" IS 'carve:compatibility-view audit.action_traces_2025 (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."action_traces_default" AS
  SELECT "id", "occurred_at", "service", "operation", "tenant_id", "user_id", "correlation_id", "duration_ms", "status_code"
  FROM "audit"."action_traces_default";
COMMENT ON VIEW "public"."action_traces_default" IS 'carve:compatibility-view audit.action_traces_default (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."error_logs" AS
  SELECT "id", "logged_at", "service", "severity", "error_code", "message", "user_id", "tenant_id", "correlation_id", "context"
  FROM "audit"."error_logs";
COMMENT ON VIEW "public"."error_logs" IS 'carve:compatibility-view audit.error_logs (owner: audit-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"audit"."audit_events"', '"public"."audit_events"'),
    ('"audit"."auth_events"', '"public"."auth_events"'),
    ('"audit"."rbac_decisions"', '"public"."rbac_decisions"'),
    ('"audit"."action_traces"', '"public"."action_traces"'),
    ('"audit"."action_traces_2024"', '"public"."action_traces_2024"'),
    ('"audit"."action_traces_2025"', '"public"."action_traces_2025"'),
    ('"audit"."action_traces_default"', '"public"."action_traces_default"'),
    ('"audit"."error_logs"', '"public"."error_logs"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'audit')
       AND NOT has_schema_privilege(owner_name, 'audit', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'audit', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
