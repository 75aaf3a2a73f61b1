-- Step: read models owned by catalog-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "catalog";
CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_availability_stock_levels" AS
  SELECT "id", "product_id", "location_id", "on_hand", "reserved", "reorder_point", "updated_at"
  FROM "availability"."stock_levels";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_availability_stock_levels" IS 'carve:read-model of availability.stock_levels, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_stock_levels_key" ON "catalog"."rm_availability_stock_levels" ("id");
GRANT SELECT ON "catalog"."rm_availability_stock_levels" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_pricing_discounts" AS
  SELECT "id", "code", "description", "percent_off", "amount_off", "product_id", "category_id", "valid_from", "valid_to"
  FROM "pricing"."discounts";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_pricing_discounts" IS 'carve:read-model of pricing.discounts, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_discounts_key" ON "catalog"."rm_pricing_discounts" ("id");
GRANT SELECT ON "catalog"."rm_pricing_discounts" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_pricing_price_lists" AS
  SELECT "id", "tenant_id", "code", "name", "currency_code", "is_active", "created_at"
  FROM "pricing"."price_lists";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_pricing_price_lists" IS 'carve:read-model of pricing.price_lists, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_price_lists_key" ON "catalog"."rm_pricing_price_lists" ("id");
GRANT SELECT ON "catalog"."rm_pricing_price_lists" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_pricing_price_rules" AS
  SELECT "id", "price_list_id", "product_id", "amount", "min_quantity", "priority", "valid_from", "valid_to", "created_by"
  FROM "pricing"."price_rules";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_pricing_price_rules" IS 'carve:read-model of pricing.price_rules, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_price_rules_key" ON "catalog"."rm_pricing_price_rules" ("id");
GRANT SELECT ON "catalog"."rm_pricing_price_rules" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_pricing_promotions" AS
  SELECT "id", "code", "name", "starts_at", "ends_at", "rules", "budget_amount", "max_redemptions", "is_stackable"
  FROM "pricing"."promotions";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_pricing_promotions" IS 'carve:read-model of pricing.promotions, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_promotions_key" ON "catalog"."rm_pricing_promotions" ("id");
GRANT SELECT ON "catalog"."rm_pricing_promotions" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_rbac_permissions" AS
  SELECT "id", "code", "resource", "action", "description"
  FROM "rbac"."permissions";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_rbac_permissions" IS 'carve:read-model of rbac.permissions, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_permissions_key" ON "catalog"."rm_rbac_permissions" ("id");
GRANT SELECT ON "catalog"."rm_rbac_permissions" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_rbac_role_permissions" AS
  SELECT "role_id", "permission_id", "granted_at"
  FROM "rbac"."role_permissions";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_rbac_role_permissions" IS 'carve:read-model of rbac.role_permissions, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_role_permissions_key" ON "catalog"."rm_rbac_role_permissions" ("role_id", "permission_id");
GRANT SELECT ON "catalog"."rm_rbac_role_permissions" TO "carve_catalog_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "catalog"."rm_rbac_user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON MATERIALIZED VIEW "catalog"."rm_rbac_user_role_assignments" IS 'carve:read-model of rbac.user_role_assignments, owned by catalog-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_user_role_assignments_key" ON "catalog"."rm_rbac_user_role_assignments" ("id");
GRANT SELECT ON "catalog"."rm_rbac_user_role_assignments" TO "carve_catalog_service";
