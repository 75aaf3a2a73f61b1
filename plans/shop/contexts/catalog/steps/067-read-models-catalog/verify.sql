-- Verify: the read models of catalog exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_availability_stock_levels' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_availability_stock_levels"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_pricing_discounts' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_pricing_discounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_pricing_price_lists' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_pricing_price_lists"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_pricing_price_rules' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_pricing_price_rules"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_pricing_promotions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_pricing_promotions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_rbac_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_rbac_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_rbac_role_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_rbac_role_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'catalog' AND matviewname = 'rm_rbac_user_role_assignments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"catalog"."rm_rbac_user_role_assignments"';
  END IF;
END
$carve$;
