-- Verify: the read models of memberships exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'memberships' AND matviewname = 'rm_catalog_products' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"memberships"."rm_catalog_products"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'memberships' AND matviewname = 'rm_rbac_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"memberships"."rm_rbac_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'memberships' AND matviewname = 'rm_rbac_role_permissions' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"memberships"."rm_rbac_role_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'memberships' AND matviewname = 'rm_rbac_user_role_assignments' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"memberships"."rm_rbac_user_role_assignments"';
  END IF;
END
$carve$;
