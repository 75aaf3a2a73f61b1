-- Step: read models owned by rbac-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "rbac";
CREATE MATERIALIZED VIEW IF NOT EXISTS "rbac"."rm_ums_org_memberships" AS
  SELECT "id", "tenant_id", "user_id", "member_type", "joined_at", "left_at", "invited_by"
  FROM "ums"."org_memberships";
COMMENT ON MATERIALIZED VIEW "rbac"."rm_ums_org_memberships" IS 'carve:read-model of ums.org_memberships, owned by rbac-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_org_memberships_key" ON "rbac"."rm_ums_org_memberships" ("id");
GRANT SELECT ON "rbac"."rm_ums_org_memberships" TO "carve_rbac_service";
