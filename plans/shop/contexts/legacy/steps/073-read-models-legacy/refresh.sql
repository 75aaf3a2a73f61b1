-- Refresh the read models of legacy
-- run on a schedule until outbox events feed them

REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_billing_invoices";
REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_memberships_wallets";
REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_orders_order_lines";
REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_orders_orders";
REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_payments_payments";
REFRESH MATERIALIZED VIEW CONCURRENTLY "legacy"."rm_ums_users";
