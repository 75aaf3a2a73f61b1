-- Verify: publication carve_events_ums covers every event table of context ums

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_ums') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_ums';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'users') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."users"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'user_profiles') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."user_profiles"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'organizations') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."organizations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'org_memberships') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."org_memberships"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'modules') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."modules"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'module_access') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."module_access"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_ums' AND schemaname = 'ums' AND tablename = 'user_attributes') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_ums', '"ums"."user_attributes"';
  END IF;
END
$carve$;
