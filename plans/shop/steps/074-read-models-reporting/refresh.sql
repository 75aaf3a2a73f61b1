-- Refresh the reporting projections

BEGIN;
TRUNCATE "reporting"."rm_mv_customer_lifetime_value";
INSERT INTO "reporting"."rm_mv_customer_lifetime_value" ("user_id", "tenant_id", "orders", "gross_spend", "first_order_at", "last_order_at", "refunded", "wallet_balance") SELECT "user_id", "tenant_id", "orders", "gross_spend", "first_order_at", "last_order_at", "refunded", "wallet_balance" FROM "public"."mv_customer_lifetime_value";
COMMIT;
BEGIN;
TRUNCATE "reporting"."rm_report_daily_revenue";
INSERT INTO "reporting"."rm_report_daily_revenue" ("revenue_date", "country_code", "country_name", "currency_code", "category", "order_count", "customer_count", "units", "gross_amount", "paid_amount") SELECT "revenue_date", "country_code", "country_name", "currency_code", "category", "order_count", "customer_count", "units", "gross_amount", "paid_amount" FROM "public"."report_daily_revenue";
COMMIT;
BEGIN;
TRUNCATE "reporting"."rm_v_active_users";
INSERT INTO "reporting"."rm_v_active_users" ("user_id", "email", "display_name", "country_code", "org_id", "org_name", "last_login_at", "active_roles") SELECT "user_id", "email", "display_name", "country_code", "org_id", "org_name", "last_login_at", "active_roles" FROM "public"."v_active_users";
COMMIT;
BEGIN;
TRUNCATE "reporting"."rm_v_product_listing";
INSERT INTO "reporting"."rm_v_product_listing" ("product_id", "sku", "title", "short_text", "category", "product_type", "price", "best_percent_off", "available_units") SELECT "product_id", "sku", "title", "short_text", "category", "product_type", "price", "best_percent_off", "available_units" FROM "public"."v_product_listing";
COMMIT;
