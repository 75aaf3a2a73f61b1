-- Step: read models owned by auth-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "auth";
CREATE MATERIALIZED VIEW IF NOT EXISTS "auth"."rm_ums_org_memberships" AS
  SELECT "id", "tenant_id", "user_id", "member_type", "joined_at", "left_at", "invited_by"
  FROM "ums"."org_memberships";
COMMENT ON MATERIALIZED VIEW "auth"."rm_ums_org_memberships" IS 'carve:read-model of ums.org_memberships, owned by auth-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_org_memberships_key" ON "auth"."rm_ums_org_memberships" ("id");
GRANT SELECT ON "auth"."rm_ums_org_memberships" TO "carve_auth_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "auth"."rm_ums_users" AS
  SELECT "id", "email", "legacy_login", "primary_org_id", "status", "email_verified", "created_at", "updated_at", "deleted_at"
  FROM "ums"."users";
COMMENT ON MATERIALIZED VIEW "auth"."rm_ums_users" IS 'carve:read-model of ums.users, owned by auth-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_users_key" ON "auth"."rm_ums_users" ("id");
GRANT SELECT ON "auth"."rm_ums_users" TO "carve_auth_service";
