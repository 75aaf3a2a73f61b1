-- Undo: the read models of legacy

DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_ums_users";
DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_payments_payments";
DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_orders_orders";
DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_orders_order_lines";
DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_memberships_wallets";
DROP MATERIALIZED VIEW IF EXISTS "legacy"."rm_billing_invoices";
