-- Refresh the read models of catalog
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_availability_stock_levels";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_pricing_discounts";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_pricing_price_lists";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_pricing_price_rules";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_pricing_promotions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_rbac_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_rbac_role_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "catalog"."rm_rbac_user_role_assignments";
