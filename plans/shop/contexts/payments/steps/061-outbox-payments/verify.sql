-- Verify: the outbox of context payments exists and receives events

DO $carve$
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass('"payments"."outbox"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', '"payments"."outbox"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."payment_methods"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."payment_methods"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."payments"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."payment_attempts"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."payment_attempts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."gateway_transactions"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."gateway_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."webhook_events"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."webhook_events"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."refunds"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"payments"."refunds"';
  END IF;
  BEGIN
    SELECT count(*) INTO n_before FROM "payments"."outbox";
    EXECUTE 'UPDATE "payments"."payment_methods" SET "id" = "id" WHERE ("id") IN (SELECT "id" FROM "payments"."payment_methods" LIMIT 1)';
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM "payments"."outbox";
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', '"payments"."payment_methods"', '"payments"."outbox"';
  END IF;
END
$carve$;
