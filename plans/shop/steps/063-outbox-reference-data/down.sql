-- Undo: the outbox of context reference-data

DO $carve$
BEGIN
  IF to_regclass('"reference_data"."countries"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."countries";
  END IF;
  IF to_regclass('"reference_data"."currencies"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."currencies";
  END IF;
  IF to_regclass('"reference_data"."exchange_rates"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."exchange_rates";
  END IF;
  IF to_regclass('"reference_data"."status_codes"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."status_codes";
  END IF;
  IF to_regclass('"reference_data"."time_zones"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."time_zones";
  END IF;
  IF to_regclass('"reference_data"."locales"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "reference_data"."locales";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "reference_data"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"reference_data"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "reference_data"."outbox" FROM "carve_reference_data";
    DROP TABLE "reference_data"."outbox";
  END IF;
END
$carve$;
