-- Undo: the reporting projections

DROP TABLE IF EXISTS "reporting"."rm_v_product_listing";
DROP TABLE IF EXISTS "reporting"."rm_v_active_users";
DROP TABLE IF EXISTS "reporting"."rm_report_daily_revenue";
DROP TABLE IF EXISTS "reporting"."rm_mv_customer_lifetime_value";
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
