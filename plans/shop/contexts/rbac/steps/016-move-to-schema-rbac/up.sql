-- Step: move the tables of context rbac into schema rbac
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."access_policies" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."role_permissions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."roles" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."user_role_assignments" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "rbac";
DO $carve$
BEGIN
  IF to_regclass('"rbac"."roles"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."roles"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."roles" SET SCHEMA "rbac";
  END IF;
  IF to_regclass('"rbac"."permissions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."permissions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."permissions" SET SCHEMA "rbac";
  END IF;
  IF to_regclass('"rbac"."role_permissions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."role_permissions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."role_permissions" SET SCHEMA "rbac";
  END IF;
  IF to_regclass('"rbac"."user_role_assignments"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."user_role_assignments"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."user_role_assignments" SET SCHEMA "rbac";
  END IF;
  IF to_regclass('"rbac"."access_policies"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."access_policies"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."access_policies" SET SCHEMA "rbac";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."roles" AS
  SELECT "id", "tenant_id", "code", "name", "description", "is_system", "created_at"
  FROM "rbac"."roles";
COMMENT ON VIEW "public"."roles" IS 'carve:compatibility-view rbac.roles (owner: rbac-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."permissions" AS
  SELECT "id", "code", "resource", "action", "description"
  FROM "rbac"."permissions";
COMMENT ON VIEW "public"."permissions" IS 'carve:compatibility-view rbac.permissions (owner: rbac-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."role_permissions" AS
  SELECT "role_id", "permission_id", "granted_at"
  FROM "rbac"."role_permissions";
COMMENT ON VIEW "public"."role_permissions" IS 'carve:compatibility-view rbac.role_permissions (owner: rbac-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON VIEW "public"."user_role_assignments" IS 'carve:compatibility-view rbac.user_role_assignments (owner: rbac-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."access_policies" AS
  SELECT "id", "tenant_id", "name", "effect", "resource", "condition", "priority", "is_enabled", "created_at"
  FROM "rbac"."access_policies";
COMMENT ON VIEW "public"."access_policies" IS 'carve:compatibility-view rbac.access_policies (owner: rbac-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"rbac"."roles"', '"public"."roles"'),
    ('"rbac"."permissions"', '"public"."permissions"'),
    ('"rbac"."role_permissions"', '"public"."role_permissions"'),
    ('"rbac"."user_role_assignments"', '"public"."user_role_assignments"'),
    ('"rbac"."access_policies"', '"public"."access_policies"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'rbac')
       AND NOT has_schema_privilege(owner_name, 'rbac', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'rbac', owner_name);
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
