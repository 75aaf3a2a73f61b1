-- Verify: the read models and projections exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_audit_audit_events' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_audit_audit_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_audit_auth_events' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_audit_auth_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_availability_slot_reservations' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_availability_slot_reservations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_availability_stock_levels' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_availability_stock_levels"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_availability_stock_locations' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_availability_stock_locations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_availability_time_slots' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_availability_time_slots"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_billing_billing_accounts' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_billing_billing_accounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_billing_credit_notes' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_billing_credit_notes"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_billing_invoice_lines' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_billing_invoice_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_billing_invoices' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_billing_invoices"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_catalog_categories' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_catalog_categories"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_catalog_products' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_catalog_products"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_entitlements' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_entitlements"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_membership_plans' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_membership_plans"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_plan_subscriptions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_plan_subscriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_usage_records' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_usage_records"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_wallet_fundings' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_wallet_fundings"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_wallet_transactions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_wallet_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_memberships_wallets' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_memberships_wallets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_orders_cart_items' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_orders_cart_items"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_orders_carts' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_orders_carts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_orders_order_lines' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_orders_order_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_orders_orders' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_orders_orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_gateway_transactions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_gateway_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_payment_attempts' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_payment_attempts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_payment_methods' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_payment_methods"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_payments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_refunds' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_refunds"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_payments_webhook_events' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_payments_webhook_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_discounts' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_discounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_price_rules' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_price_rules"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_pricing_snapshots' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_pricing_snapshots"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_promotion_redemptions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_promotion_redemptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_promotions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_promotions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_pricing_tax_rates' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_pricing_tax_rates"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_rbac_roles' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_rbac_roles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_rbac_user_role_assignments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_rbac_user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_reference_data_countries' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_reference_data_countries"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_reference_data_currencies' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_reference_data_currencies"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_reference_data_exchange_rates' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_reference_data_exchange_rates"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_ums_org_memberships' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_ums_org_memberships"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_ums_organizations' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_ums_organizations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_ums_user_profiles' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_ums_user_profiles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'reporting' AND matviewname = 'rm_ums_users' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"reporting"."rm_ums_users"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reporting"."rm_mv_customer_lifetime_value"') AND relkind = 'r') THEN
    RAISE EXCEPTION 'carve verify: the projection % is missing', '"reporting"."rm_mv_customer_lifetime_value"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reporting"."rm_report_daily_revenue"') AND relkind = 'r') THEN
    RAISE EXCEPTION 'carve verify: the projection % is missing', '"reporting"."rm_report_daily_revenue"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reporting"."rm_v_active_users"') AND relkind = 'r') THEN
    RAISE EXCEPTION 'carve verify: the projection % is missing', '"reporting"."rm_v_active_users"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"reporting"."rm_v_product_listing"') AND relkind = 'r') THEN
    RAISE EXCEPTION 'carve verify: the projection % is missing', '"reporting"."rm_v_product_listing"';
  END IF;
END
$carve$;
