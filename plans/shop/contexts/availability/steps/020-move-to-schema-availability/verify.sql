-- Verify: the tables of context availability live in schema availability, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."stock_locations"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"availability"."stock_locations"', 'availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_locations"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."stock_locations"';
  END IF;
  PERFORM 1 FROM "public"."stock_locations" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."stock_levels"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"availability"."stock_levels"', 'availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."stock_levels"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."stock_levels"';
  END IF;
  PERFORM 1 FROM "public"."stock_levels" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."service_capacity"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"availability"."service_capacity"', 'availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."service_capacity"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."service_capacity"';
  END IF;
  PERFORM 1 FROM "public"."service_capacity" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."time_slots"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"availability"."time_slots"', 'availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."time_slots"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."time_slots"';
  END IF;
  PERFORM 1 FROM "public"."time_slots" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"availability"."slot_reservations"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"availability"."slot_reservations"', 'availability';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."slot_reservations"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."slot_reservations"';
  END IF;
  PERFORM 1 FROM "public"."slot_reservations" LIMIT 1;
END
$carve$;
