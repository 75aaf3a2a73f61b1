-- Verify: publication carve_events_availability covers every event table of context availability

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_availability') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_availability' AND schemaname = 'availability' AND tablename = 'stock_locations') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_availability', '"availability"."stock_locations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_availability' AND schemaname = 'availability' AND tablename = 'stock_levels') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_availability', '"availability"."stock_levels"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_availability' AND schemaname = 'availability' AND tablename = 'service_capacity') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_availability', '"availability"."service_capacity"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_availability' AND schemaname = 'availability' AND tablename = 'time_slots') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_availability', '"availability"."time_slots"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_availability' AND schemaname = 'availability' AND tablename = 'slot_reservations') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_availability', '"availability"."slot_reservations"';
  END IF;
END
$carve$;
