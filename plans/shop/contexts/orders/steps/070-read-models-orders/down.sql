-- Undo: the read models of orders

DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_reference_data_currencies";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_reference_data_countries";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_rbac_user_role_assignments";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_rbac_role_permissions";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_rbac_permissions";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_payments_payments";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_catalog_products";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_billing_invoices";
DROP MATERIALIZED VIEW IF EXISTS "orders"."rm_availability_stock_levels";
