-- Verify: the reporting projections exist and are populated

DO $carve$
BEGIN
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
