-- Verify: the read models of rbac exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'rbac' AND matviewname = 'rm_ums_org_memberships' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"rbac"."rm_ums_org_memberships"';
  END IF;
END
$carve$;
