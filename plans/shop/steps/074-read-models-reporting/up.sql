-- Step: read models for services without a context, and projections of views that join several contexts

CREATE SCHEMA "reporting";
GRANT USAGE ON SCHEMA "reporting" TO "carve_reporting";
CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_audit_audit_events" AS
  SELECT "id", "occurred_at", "tenant_id", "user_id", "action", "resource_type", "resource_id", "old_values", "new_values", "source_service", "correlation_id"
  FROM "audit"."audit_events";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_audit_audit_events" IS 'carve:read-model of audit.audit_events, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_audit_audit_events_key" ON "reporting"."rm_audit_audit_events" ("id");
GRANT SELECT ON "reporting"."rm_audit_audit_events" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_audit_auth_events" AS
  SELECT "id", "occurred_at", "user_id", "tenant_id", "event_type", "provider", "ip_address", "success", "failure_reason"
  FROM "audit"."auth_events";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_audit_auth_events" IS 'carve:read-model of audit.auth_events, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_audit_auth_events_key" ON "reporting"."rm_audit_auth_events" ("id");
GRANT SELECT ON "reporting"."rm_audit_auth_events" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_availability_slot_reservations" AS
  SELECT "id", "slot_id", "user_id", "order_id", "status", "held_until", "created_at"
  FROM "availability"."slot_reservations";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_availability_slot_reservations" IS 'carve:read-model of availability.slot_reservations, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_slot_reservations_key" ON "reporting"."rm_availability_slot_reservations" ("id");
GRANT SELECT ON "reporting"."rm_availability_slot_reservations" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_availability_stock_levels" AS
  SELECT "id", "product_id", "location_id", "on_hand", "reserved", "reorder_point", "updated_at"
  FROM "availability"."stock_levels";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_availability_stock_levels" IS 'carve:read-model of availability.stock_levels, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_stock_levels_key" ON "reporting"."rm_availability_stock_levels" ("id");
GRANT SELECT ON "reporting"."rm_availability_stock_levels" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_availability_stock_locations" AS
  SELECT "id", "code", "name", "country_code", "time_zone", "is_active"
  FROM "availability"."stock_locations";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_availability_stock_locations" IS 'carve:read-model of availability.stock_locations, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_stock_locations_key" ON "reporting"."rm_availability_stock_locations" ("id");
GRANT SELECT ON "reporting"."rm_availability_stock_locations" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_availability_time_slots" AS
  SELECT "id", "product_id", "location_id", "starts_at", "ends_at", "seats", "seats_taken"
  FROM "availability"."time_slots";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_availability_time_slots" IS 'carve:read-model of availability.time_slots, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_time_slots_key" ON "reporting"."rm_availability_time_slots" ("id");
GRANT SELECT ON "reporting"."rm_availability_time_slots" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_billing_billing_accounts" AS
  SELECT "id", "tenant_id", "billing_email", "vat_number", "country_code", "payment_terms_days", "created_at"
  FROM "billing"."billing_accounts";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_billing_billing_accounts" IS 'carve:read-model of billing.billing_accounts, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_billing_accounts_key" ON "reporting"."rm_billing_billing_accounts" ("id");
GRANT SELECT ON "reporting"."rm_billing_billing_accounts" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_billing_credit_notes" AS
  SELECT "id", "credit_note_no", "invoice_id", "tenant_id", "amount", "reason", "issued_at", "issued_by"
  FROM "billing"."credit_notes";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_billing_credit_notes" IS 'carve:read-model of billing.credit_notes, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_credit_notes_key" ON "reporting"."rm_billing_credit_notes" ("id");
GRANT SELECT ON "reporting"."rm_billing_credit_notes" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_billing_invoice_lines" AS
  SELECT "id", "invoice_id", "line_no", "description", "quantity", "unit_amount", "tax_rate_pct", "amount", "order_line_id"
  FROM "billing"."invoice_lines";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_billing_invoice_lines" IS 'carve:read-model of billing.invoice_lines, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_invoice_lines_key" ON "reporting"."rm_billing_invoice_lines" ("id");
GRANT SELECT ON "reporting"."rm_billing_invoice_lines" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_billing_invoices" AS
  SELECT "id", "invoice_no", "tenant_id", "billing_account_id", "order_id", "bill_to_user_id", "status", "currency_code", "net_amount", "tax_amount", "gross_amount", "issued_at", "due_date", "paid_at", "created_at"
  FROM "billing"."invoices";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_billing_invoices" IS 'carve:read-model of billing.invoices, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_invoices_key" ON "reporting"."rm_billing_invoices" ("id");
GRANT SELECT ON "reporting"."rm_billing_invoices" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_catalog_categories" AS
  SELECT "id", "parent_id", "slug", "name", "sort_order", "active_flag"
  FROM "catalog"."categories";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_catalog_categories" IS 'carve:read-model of catalog.categories, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_categories_key" ON "reporting"."rm_catalog_categories" ("id");
GRANT SELECT ON "reporting"."rm_catalog_categories" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_catalog_products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_catalog_products" IS 'carve:read-model of catalog.products, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_products_key" ON "reporting"."rm_catalog_products" ("id");
GRANT SELECT ON "reporting"."rm_catalog_products" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_entitlements" AS
  SELECT "id", "subscription_id", "feature_code", "quota", "period", "valid_from", "valid_to"
  FROM "memberships"."entitlements";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_entitlements" IS 'carve:read-model of memberships.entitlements, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_entitlements_key" ON "reporting"."rm_memberships_entitlements" ("id");
GRANT SELECT ON "reporting"."rm_memberships_entitlements" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_membership_plans" AS
  SELECT "id", "code", "name", "product_id", "billing_period", "monthly_fee", "is_public"
  FROM "memberships"."membership_plans";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_membership_plans" IS 'carve:read-model of memberships.membership_plans, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_membership_plans_key" ON "reporting"."rm_memberships_membership_plans" ("id");
GRANT SELECT ON "reporting"."rm_memberships_membership_plans" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_plan_subscriptions" AS
  SELECT "id", "tenant_id", "user_id", "plan_id", "status", "started_at", "current_period_end", "cancelled_at", "auto_renew"
  FROM "memberships"."plan_subscriptions";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_plan_subscriptions" IS 'carve:read-model of memberships.plan_subscriptions, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_plan_subscriptions_key" ON "reporting"."rm_memberships_plan_subscriptions" ("id");
GRANT SELECT ON "reporting"."rm_memberships_plan_subscriptions" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_usage_records" AS
  SELECT "id", "entitlement_id", "user_id", "quantity", "recorded_at", "source_ref"
  FROM "memberships"."usage_records";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_usage_records" IS 'carve:read-model of memberships.usage_records, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_usage_records_key" ON "reporting"."rm_memberships_usage_records" ("id");
GRANT SELECT ON "reporting"."rm_memberships_usage_records" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_wallet_fundings" AS
  SELECT "id", "wallet_id", "payment_id", "amount", "method", "funded_at", "wallet_transaction_id"
  FROM "memberships"."wallet_fundings";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_wallet_fundings" IS 'carve:read-model of memberships.wallet_fundings, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_wallet_fundings_key" ON "reporting"."rm_memberships_wallet_fundings" ("id");
GRANT SELECT ON "reporting"."rm_memberships_wallet_fundings" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_wallet_transactions" AS
  SELECT "id", "wallet_id", "kind", "amount", "order_id", "note", "created_at", "created_by"
  FROM "memberships"."wallet_transactions";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_wallet_transactions" IS 'carve:read-model of memberships.wallet_transactions, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_wallet_transactions_key" ON "reporting"."rm_memberships_wallet_transactions" ("id");
GRANT SELECT ON "reporting"."rm_memberships_wallet_transactions" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_memberships_wallets" AS
  SELECT "id", "tenant_id", "user_id", "currency_code", "balance", "status", "created_at"
  FROM "memberships"."wallets";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_memberships_wallets" IS 'carve:read-model of memberships.wallets, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_wallets_key" ON "reporting"."rm_memberships_wallets" ("id");
GRANT SELECT ON "reporting"."rm_memberships_wallets" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_orders_cart_items" AS
  SELECT "id", "cart_id", "product_id", "quantity", "added_at"
  FROM "orders"."cart_items";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_orders_cart_items" IS 'carve:read-model of orders.cart_items, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_cart_items_key" ON "reporting"."rm_orders_cart_items" ("id");
GRANT SELECT ON "reporting"."rm_orders_cart_items" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_orders_carts" AS
  SELECT "id", "tenant_id", "user_id", "session_ref", "currency_code", "status", "created_at", "updated_at"
  FROM "orders"."carts";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_orders_carts" IS 'carve:read-model of orders.carts, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_carts_key" ON "reporting"."rm_orders_carts" ("id");
GRANT SELECT ON "reporting"."rm_orders_carts" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_orders_order_lines" AS
  SELECT "id", "order_id", "line_no", "product_id", "sku", "description", "quantity", "unit_price", "discount_amount", "line_total"
  FROM "orders"."order_lines";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_orders_order_lines" IS 'carve:read-model of orders.order_lines, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_order_lines_key" ON "reporting"."rm_orders_order_lines" ("id");
GRANT SELECT ON "reporting"."rm_orders_order_lines" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_orders_orders" AS
  SELECT "id", "order_no", "tenant_id", "cust_id", "cart_id", "status", "currency_code", "ship_country", "subtotal", "discount_total", "tax_total", "grand_total", "pricing_quote_ref", "placed_at", "paid_at", "cancelled_at", "notes", "updated_at"
  FROM "orders"."orders";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_orders_orders" IS 'carve:read-model of orders.orders, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_orders_key" ON "reporting"."rm_orders_orders" ("id");
GRANT SELECT ON "reporting"."rm_orders_orders" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_gateway_transactions" AS
  SELECT "id", "payment_id", "gateway", "gateway_ref", "txn_type", "status", "amount", "currency_code", "created_at", "settled_at", "last_writer"
  FROM "payments"."gateway_transactions";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_gateway_transactions" IS 'carve:read-model of payments.gateway_transactions, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_gateway_transactions_key" ON "reporting"."rm_payments_gateway_transactions" ("id");
GRANT SELECT ON "reporting"."rm_payments_gateway_transactions" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_payment_attempts" AS
  SELECT "id", "payment_id", "attempt_no", "status", "error_code", "attempted_at"
  FROM "payments"."payment_attempts";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_payment_attempts" IS 'carve:read-model of payments.payment_attempts, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_payment_attempts_key" ON "reporting"."rm_payments_payment_attempts" ("id");
GRANT SELECT ON "reporting"."rm_payments_payment_attempts" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_payment_methods" AS
  SELECT "id", "user_id", "method_type", "brand", "last4", "exp_month", "exp_year", "gateway", "gateway_token", "is_default", "created_at"
  FROM "payments"."payment_methods";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_payment_methods" IS 'carve:read-model of payments.payment_methods, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_payment_methods_key" ON "reporting"."rm_payments_payment_methods" ("id");
GRANT SELECT ON "reporting"."rm_payments_payment_methods" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_payments" AS
  SELECT "id", "order_id", "invoice_id", "payment_method_id", "purpose", "status", "amount", "currency_code", "idempotency_key", "created_at", "captured_at", "updated_at"
  FROM "payments"."payments";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_payments" IS 'carve:read-model of payments.payments, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_payments_key" ON "reporting"."rm_payments_payments" ("id");
GRANT SELECT ON "reporting"."rm_payments_payments" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_refunds" AS
  SELECT "id", "payment_id", "credit_note_id", "amount", "status", "reason", "requested_at", "completed_at"
  FROM "payments"."refunds";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_refunds" IS 'carve:read-model of payments.refunds, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_refunds_key" ON "reporting"."rm_payments_refunds" ("id");
GRANT SELECT ON "reporting"."rm_payments_refunds" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_payments_webhook_events" AS
  SELECT "id", "gateway", "event_id", "event_type", "gateway_ref", "payload", "received_at", "processed_at", "process_error"
  FROM "payments"."webhook_events";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_payments_webhook_events" IS 'carve:read-model of payments.webhook_events, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_webhook_events_key" ON "reporting"."rm_payments_webhook_events" ("id");
GRANT SELECT ON "reporting"."rm_payments_webhook_events" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_discounts" AS
  SELECT "id", "code", "description", "percent_off", "amount_off", "product_id", "category_id", "valid_from", "valid_to"
  FROM "pricing"."discounts";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_discounts" IS 'carve:read-model of pricing.discounts, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_discounts_key" ON "reporting"."rm_pricing_discounts" ("id");
GRANT SELECT ON "reporting"."rm_pricing_discounts" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_price_rules" AS
  SELECT "id", "price_list_id", "product_id", "amount", "min_quantity", "priority", "valid_from", "valid_to", "created_by"
  FROM "pricing"."price_rules";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_price_rules" IS 'carve:read-model of pricing.price_rules, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_price_rules_key" ON "reporting"."rm_pricing_price_rules" ("id");
GRANT SELECT ON "reporting"."rm_pricing_price_rules" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_pricing_snapshots" AS
  SELECT "id", "quote_ref", "order_id", "tenant_id", "currency_code", "net_total", "tax_total", "breakdown", "computed_at"
  FROM "pricing"."pricing_snapshots";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_pricing_snapshots" IS 'carve:read-model of pricing.pricing_snapshots, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_pricing_snapshots_key" ON "reporting"."rm_pricing_pricing_snapshots" ("id");
GRANT SELECT ON "reporting"."rm_pricing_pricing_snapshots" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_promotion_redemptions" AS
  SELECT "id", "promotion_id", "order_id", "user_id", "discount_amount", "redeemed_at"
  FROM "pricing"."promotion_redemptions";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_promotion_redemptions" IS 'carve:read-model of pricing.promotion_redemptions, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_promotion_redemptions_key" ON "reporting"."rm_pricing_promotion_redemptions" ("id");
GRANT SELECT ON "reporting"."rm_pricing_promotion_redemptions" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_promotions" AS
  SELECT "id", "code", "name", "starts_at", "ends_at", "rules", "budget_amount", "max_redemptions", "is_stackable"
  FROM "pricing"."promotions";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_promotions" IS 'carve:read-model of pricing.promotions, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_promotions_key" ON "reporting"."rm_pricing_promotions" ("id");
GRANT SELECT ON "reporting"."rm_pricing_promotions" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_pricing_tax_rates" AS
  SELECT "id", "country_code", "tax_class", "rate_pct", "valid_from", "valid_to"
  FROM "pricing"."tax_rates";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_pricing_tax_rates" IS 'carve:read-model of pricing.tax_rates, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_pricing_tax_rates_key" ON "reporting"."rm_pricing_tax_rates" ("id");
GRANT SELECT ON "reporting"."rm_pricing_tax_rates" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_rbac_roles" AS
  SELECT "id", "tenant_id", "code", "name", "description", "is_system", "created_at"
  FROM "rbac"."roles";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_rbac_roles" IS 'carve:read-model of rbac.roles, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_roles_key" ON "reporting"."rm_rbac_roles" ("id");
GRANT SELECT ON "reporting"."rm_rbac_roles" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_rbac_user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_rbac_user_role_assignments" IS 'carve:read-model of rbac.user_role_assignments, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_user_role_assignments_key" ON "reporting"."rm_rbac_user_role_assignments" ("id");
GRANT SELECT ON "reporting"."rm_rbac_user_role_assignments" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_reference_data_countries" AS
  SELECT "code", "iso3", "name", "currency_code", "region", "phone_prefix", "eu_member"
  FROM "reference_data"."countries";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_reference_data_countries" IS 'carve:read-model of reference-data.countries, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_countries_key" ON "reporting"."rm_reference_data_countries" ("code");
GRANT SELECT ON "reporting"."rm_reference_data_countries" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_reference_data_currencies" AS
  SELECT "code", "name", "symbol", "minor_units", "is_active"
  FROM "reference_data"."currencies";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_reference_data_currencies" IS 'carve:read-model of reference-data.currencies, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_currencies_key" ON "reporting"."rm_reference_data_currencies" ("code");
GRANT SELECT ON "reporting"."rm_reference_data_currencies" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_reference_data_exchange_rates" AS
  SELECT "id", "base_currency", "quote_currency", "rate_date", "rate", "source"
  FROM "reference_data"."exchange_rates";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_reference_data_exchange_rates" IS 'carve:read-model of reference-data.exchange_rates, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_exchange_rates_key" ON "reporting"."rm_reference_data_exchange_rates" ("id");
GRANT SELECT ON "reporting"."rm_reference_data_exchange_rates" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_ums_org_memberships" AS
  SELECT "id", "tenant_id", "user_id", "member_type", "joined_at", "left_at", "invited_by"
  FROM "ums"."org_memberships";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_ums_org_memberships" IS 'carve:read-model of ums.org_memberships, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_org_memberships_key" ON "reporting"."rm_ums_org_memberships" ("id");
GRANT SELECT ON "reporting"."rm_ums_org_memberships" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_ums_organizations" AS
  SELECT "id", "slug", "legal_name", "display_name", "country_code", "default_currency", "plan_tier", "is_active", "created_on", "parent_org_id"
  FROM "ums"."organizations";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_ums_organizations" IS 'carve:read-model of ums.organizations, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_organizations_key" ON "reporting"."rm_ums_organizations" ("id");
GRANT SELECT ON "reporting"."rm_ums_organizations" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_ums_user_profiles" AS
  SELECT "user_id", "first_name", "last_name", "display_name", "phone", "country_code", "locale", "time_zone", "avatar_url", "job_title", "fax", "updated_at", "updated_by"
  FROM "ums"."user_profiles";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_ums_user_profiles" IS 'carve:read-model of ums.user_profiles, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_user_profiles_key" ON "reporting"."rm_ums_user_profiles" ("user_id");
GRANT SELECT ON "reporting"."rm_ums_user_profiles" TO "carve_reporting";

CREATE MATERIALIZED VIEW IF NOT EXISTS "reporting"."rm_ums_users" AS
  SELECT "id", "email", "legacy_login", "primary_org_id", "status", "email_verified", "created_at", "updated_at", "deleted_at"
  FROM "ums"."users";
COMMENT ON MATERIALIZED VIEW "reporting"."rm_ums_users" IS 'carve:read-model of ums.users, owned by reporting';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_users_key" ON "reporting"."rm_ums_users" ("id");
GRANT SELECT ON "reporting"."rm_ums_users" TO "carve_reporting";

CREATE TABLE IF NOT EXISTS "reporting"."rm_mv_customer_lifetime_value" AS
  SELECT "user_id", "tenant_id", "orders", "gross_spend", "first_order_at", "last_order_at", "refunded", "wallet_balance"
  FROM "public"."mv_customer_lifetime_value";
COMMENT ON TABLE "reporting"."rm_mv_customer_lifetime_value" IS 'carve:read-model of public.mv_customer_lifetime_value, owned by reporting';
GRANT SELECT ON "reporting"."rm_mv_customer_lifetime_value" TO "carve_reporting";

CREATE TABLE IF NOT EXISTS "reporting"."rm_report_daily_revenue" AS
  SELECT "revenue_date", "country_code", "country_name", "currency_code", "category", "order_count", "customer_count", "units", "gross_amount", "paid_amount"
  FROM "public"."report_daily_revenue";
COMMENT ON TABLE "reporting"."rm_report_daily_revenue" IS 'carve:read-model of public.report_daily_revenue, owned by reporting';
GRANT SELECT ON "reporting"."rm_report_daily_revenue" TO "carve_reporting";

CREATE TABLE IF NOT EXISTS "reporting"."rm_v_active_users" AS
  SELECT "user_id", "email", "display_name", "country_code", "org_id", "org_name", "last_login_at", "active_roles"
  FROM "public"."v_active_users";
COMMENT ON TABLE "reporting"."rm_v_active_users" IS 'carve:read-model of public.v_active_users, owned by reporting';
GRANT SELECT ON "reporting"."rm_v_active_users" TO "carve_reporting";

CREATE TABLE IF NOT EXISTS "reporting"."rm_v_product_listing" AS
  SELECT "product_id", "sku", "title", "short_text", "category", "product_type", "price", "best_percent_off", "available_units"
  FROM "public"."v_product_listing";
COMMENT ON TABLE "reporting"."rm_v_product_listing" IS 'carve:read-model of public.v_product_listing, owned by reporting';
GRANT SELECT ON "reporting"."rm_v_product_listing" TO "carve_reporting";
