-- Verify: the outbox of context memberships exists and receives events

DO $carve$
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass('"memberships"."outbox"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', '"memberships"."outbox"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."membership_plans"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."membership_plans"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."plan_subscriptions"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."plan_subscriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."entitlements"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."entitlements"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."usage_records"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."usage_records"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."wallets"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."wallets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."wallet_transactions"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."wallet_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"memberships"."wallet_fundings"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"memberships"."wallet_fundings"';
  END IF;
  BEGIN
    SELECT count(*) INTO n_before FROM "memberships"."outbox";
    EXECUTE 'UPDATE "memberships"."membership_plans" SET "id" = "id" WHERE ("id") IN (SELECT "id" FROM "memberships"."membership_plans" LIMIT 1)';
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM "memberships"."outbox";
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', '"memberships"."membership_plans"', '"memberships"."outbox"';
  END IF;
END
$carve$;
