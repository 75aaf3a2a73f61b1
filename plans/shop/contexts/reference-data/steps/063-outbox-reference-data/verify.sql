-- Verify: publication carve_events_reference_data covers every event table of context reference-data

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_reference_data') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_reference_data';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'countries') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."countries"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'currencies') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."currencies"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'exchange_rates') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."exchange_rates"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'status_codes') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."status_codes"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'time_zones') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."time_zones"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_reference_data' AND schemaname = 'reference_data' AND tablename = 'locales') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_reference_data', '"reference_data"."locales"';
  END IF;
END
$carve$;
