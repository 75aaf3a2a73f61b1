-- Verify: the read models of billing exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_orders_order_lines' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_orders_order_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_orders_orders' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_orders_orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_rbac_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_rbac_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_rbac_role_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_rbac_role_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_rbac_user_role_assignments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_rbac_user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'billing' AND matviewname = 'rm_reference_data_countries' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"billing"."rm_reference_data_countries"';
  END IF;
END
$carve$;
