-- Verify: the read models of auth exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'auth' AND matviewname = 'rm_ums_org_memberships' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"auth"."rm_ums_org_memberships"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'auth' AND matviewname = 'rm_ums_users' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"auth"."rm_ums_users"';
  END IF;
END
$carve$;
