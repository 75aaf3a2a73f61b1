-- Verify: the outbox of context billing exists and receives events

DO $carve$
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass('"billing"."outbox"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', '"billing"."outbox"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."billing_accounts"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"billing"."billing_accounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."invoices"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"billing"."invoices"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."invoice_lines"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"billing"."invoice_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."credit_notes"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"billing"."credit_notes"';
  END IF;
  BEGIN
    SELECT count(*) INTO n_before FROM "billing"."outbox";
    EXECUTE 'UPDATE "billing"."billing_accounts" SET "id" = "id" WHERE ("id") IN (SELECT "id" FROM "billing"."billing_accounts" LIMIT 1)';
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM "billing"."outbox";
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', '"billing"."billing_accounts"', '"billing"."outbox"';
  END IF;
END
$carve$;
