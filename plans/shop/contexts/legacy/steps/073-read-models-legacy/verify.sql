-- Verify: the read models of legacy exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_billing_invoices' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_billing_invoices"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_memberships_wallets' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_memberships_wallets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_orders_order_lines' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_orders_order_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_orders_orders' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_orders_orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_payments_payments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_payments_payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'legacy' AND matviewname = 'rm_ums_users' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"legacy"."rm_ums_users"';
  END IF;
END
$carve$;
