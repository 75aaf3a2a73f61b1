-- Step: reporting projections for views that join several contexts

CREATE SCHEMA IF NOT EXISTS "reporting";
GRANT USAGE ON SCHEMA "reporting" TO "carve_reporting";
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
