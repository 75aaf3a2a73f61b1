-- Undo: the read models of services without a context, and the reporting projections

DROP TABLE IF EXISTS "reporting"."rm_v_product_listing";
DROP TABLE IF EXISTS "reporting"."rm_v_active_users";
DROP TABLE IF EXISTS "reporting"."rm_report_daily_revenue";
DROP TABLE IF EXISTS "reporting"."rm_mv_customer_lifetime_value";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_ums_users";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_ums_user_profiles";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_ums_organizations";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_ums_org_memberships";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_reference_data_exchange_rates";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_reference_data_currencies";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_reference_data_countries";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_rbac_user_role_assignments";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_rbac_roles";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_tax_rates";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_promotions";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_promotion_redemptions";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_pricing_snapshots";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_price_rules";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_pricing_discounts";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_webhook_events";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_refunds";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_payments";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_payment_methods";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_payment_attempts";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_payments_gateway_transactions";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_orders_orders";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_orders_order_lines";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_orders_carts";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_orders_cart_items";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_wallets";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_wallet_transactions";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_wallet_fundings";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_usage_records";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_plan_subscriptions";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_membership_plans";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_memberships_entitlements";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_catalog_products";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_catalog_categories";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_billing_invoices";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_billing_invoice_lines";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_billing_credit_notes";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_billing_billing_accounts";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_availability_time_slots";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_availability_stock_locations";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_availability_stock_levels";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_availability_slot_reservations";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_audit_auth_events";
DROP MATERIALIZED VIEW IF EXISTS "reporting"."rm_audit_audit_events";
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting') AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_reporting') THEN
    REVOKE USAGE ON SCHEMA "reporting" FROM "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'reporting')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'reporting') THEN
    DROP SCHEMA "reporting";
  ELSIF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting') THEN
    RAISE NOTICE 'carve: schema % kept: it still holds objects', 'reporting';
  END IF;
END
$carve$;
