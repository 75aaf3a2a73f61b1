-- Undo: the outbox of context availability

DO $carve$
BEGIN
  IF to_regclass('"availability"."stock_locations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."stock_locations";
  END IF;
  IF to_regclass('"availability"."stock_levels"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."stock_levels";
  END IF;
  IF to_regclass('"availability"."service_capacity"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."service_capacity";
  END IF;
  IF to_regclass('"availability"."time_slots"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."time_slots";
  END IF;
  IF to_regclass('"availability"."slot_reservations"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "availability"."slot_reservations";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "availability"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"availability"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "availability"."outbox" FROM "carve_availability_service";
    DROP TABLE "availability"."outbox";
  END IF;
END
$carve$;
