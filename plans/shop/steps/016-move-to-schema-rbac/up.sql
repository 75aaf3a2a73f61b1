-- Step: move the tables of context rbac into schema rbac
-- and leave a compatibility view under each old name

CREATE SCHEMA IF NOT EXISTS "rbac";
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
