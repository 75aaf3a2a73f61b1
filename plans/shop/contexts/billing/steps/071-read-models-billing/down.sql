-- Undo: the read models of billing

DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_reference_data_countries";
DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_rbac_user_role_assignments";
DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_rbac_role_permissions";
DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_rbac_permissions";
DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_orders_orders";
DROP MATERIALIZED VIEW IF EXISTS "billing"."rm_orders_order_lines";
