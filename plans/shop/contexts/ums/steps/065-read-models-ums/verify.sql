-- Verify: the read models of ums exist and are populated

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'ums' AND matviewname = 'rm_reference_data_locales' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"ums"."rm_reference_data_locales"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_matviews WHERE schemaname = 'ums' AND matviewname = 'rm_reference_data_time_zones' AND ispopulated) THEN
    RAISE EXCEPTION 'carve verify: the read model % is missing or not populated', '"ums"."rm_reference_data_time_zones"';
  END IF;
END
$carve$;
