-- Undo: the read models of catalog

DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_rbac_user_role_assignments";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_rbac_role_permissions";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_rbac_permissions";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_pricing_promotions";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_pricing_price_rules";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_pricing_price_lists";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_pricing_discounts";
DROP MATERIALIZED VIEW IF EXISTS "catalog"."rm_availability_stock_levels";
