-- Verify: publication carve_events_rbac covers every event table of context rbac

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_rbac') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_rbac';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_rbac' AND schemaname = 'rbac' AND tablename = 'roles') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_rbac', '"rbac"."roles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_rbac' AND schemaname = 'rbac' AND tablename = 'permissions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_rbac', '"rbac"."permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_rbac' AND schemaname = 'rbac' AND tablename = 'role_permissions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_rbac', '"rbac"."role_permissions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_rbac' AND schemaname = 'rbac' AND tablename = 'user_role_assignments') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_rbac', '"rbac"."user_role_assignments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_rbac' AND schemaname = 'rbac' AND tablename = 'access_policies') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_rbac', '"rbac"."access_policies"';
  END IF;
END
$carve$;
