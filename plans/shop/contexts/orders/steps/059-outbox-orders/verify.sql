-- Verify: the outbox of context orders exists and receives events

DO $carve$
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass('"orders"."outbox"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', '"orders"."outbox"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."carts"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."carts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."cart_items"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."cart_items"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."orders"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."orders"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."order_lines"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."order_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."order_status_history"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."order_status_history"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."order_snapshots"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"orders"."order_snapshots"';
  END IF;
  BEGIN
    SELECT count(*) INTO n_before FROM "orders"."outbox";
    EXECUTE 'UPDATE "orders"."carts" SET "id" = "id" WHERE ("id") IN (SELECT "id" FROM "orders"."carts" LIMIT 1)';
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM "orders"."outbox";
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', '"orders"."carts"', '"orders"."outbox"';
  END IF;
END
$carve$;
