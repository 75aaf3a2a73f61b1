-- Refresh the read models of billing
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_orders_order_lines";
REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_orders_orders";
REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_rbac_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_rbac_role_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_rbac_user_role_assignments";
REFRESH MATERIALIZED VIEW CONCURRENTLY "billing"."rm_reference_data_countries";
