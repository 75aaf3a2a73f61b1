-- Verify: every table of context availability has its owner recorded

DO $carve$
DECLARE
  missing text;
BEGIN
  IF to_regclass('"carve"."ownership"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', '"carve"."ownership"';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY['stock_locations', 'stock_levels', 'service_capacity', 'time_slots', 'slot_reservations']::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM "carve"."ownership" o
    WHERE o.table_key = k AND o.context = 'availability' AND o.owner = 'availability-service'
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', 'availability-service', missing;
  END IF;
END
$carve$;
