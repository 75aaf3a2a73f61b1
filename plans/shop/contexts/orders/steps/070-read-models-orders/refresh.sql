-- Refresh the read models of orders
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_availability_stock_levels";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_billing_invoices";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_catalog_products";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_payments_payments";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_rbac_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_rbac_role_permissions";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_rbac_user_role_assignments";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_reference_data_countries";
REFRESH MATERIALIZED VIEW CONCURRENTLY "orders"."rm_reference_data_currencies";
