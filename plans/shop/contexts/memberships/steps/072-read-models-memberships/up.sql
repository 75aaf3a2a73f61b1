-- Step: read models owned by memberships-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "memberships";
CREATE MATERIALIZED VIEW IF NOT EXISTS "memberships"."rm_catalog_products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON MATERIALIZED VIEW "memberships"."rm_catalog_products" IS 'carve:read-model of catalog.products, owned by memberships-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_products_key" ON "memberships"."rm_catalog_products" ("id");
GRANT SELECT ON "memberships"."rm_catalog_products" TO "carve_memberships_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "memberships"."rm_rbac_permissions" AS
  SELECT "id", "code", "resource", "action", "description"
  FROM "rbac"."permissions";
COMMENT ON MATERIALIZED VIEW "memberships"."rm_rbac_permissions" IS 'carve:read-model of rbac.permissions, owned by memberships-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_permissions_key" ON "memberships"."rm_rbac_permissions" ("id");
GRANT SELECT ON "memberships"."rm_rbac_permissions" TO "carve_memberships_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "memberships"."rm_rbac_role_permissions" AS
  SELECT "role_id", "permission_id", "granted_at"
  FROM "rbac"."role_permissions";
COMMENT ON MATERIALIZED VIEW "memberships"."rm_rbac_role_permissions" IS 'carve:read-model of rbac.role_permissions, owned by memberships-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_role_permissions_key" ON "memberships"."rm_rbac_role_permissions" ("role_id", "permission_id");
GRANT SELECT ON "memberships"."rm_rbac_role_permissions" TO "carve_memberships_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "memberships"."rm_rbac_user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON MATERIALIZED VIEW "memberships"."rm_rbac_user_role_assignments" IS 'carve:read-model of rbac.user_role_assignments, owned by memberships-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_user_role_assignments_key" ON "memberships"."rm_rbac_user_role_assignments" ("id");
GRANT SELECT ON "memberships"."rm_rbac_user_role_assignments" TO "carve_memberships_service";
