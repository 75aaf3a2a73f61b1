-- Verify: the outbox of context auth exists and receives events

DO $carve$
DECLARE
  n_before bigint;
  n_after bigint;
  touched bigint := 0;
BEGIN
  IF to_regclass('"auth"."outbox"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the outbox % does not exist', '"auth"."outbox"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."user_credentials"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."user_credentials"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."login_identities"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."login_identities"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."auth_sessions"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."auth_sessions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."refresh_tokens"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."refresh_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."auth_tokens"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."auth_tokens"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."password_resets"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."password_resets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"auth"."mfa_factors"'::regclass AND tgname = 'carve_outbox' AND NOT tgisinternal) THEN
    RAISE EXCEPTION 'carve verify: % has no outbox trigger', '"auth"."mfa_factors"';
  END IF;
  BEGIN
    SELECT count(*) INTO n_before FROM "auth"."outbox";
    EXECUTE 'UPDATE "auth"."user_credentials" SET "id" = "id" WHERE ("id") IN (SELECT "id" FROM "auth"."user_credentials" LIMIT 1)';
    GET DIAGNOSTICS touched = ROW_COUNT;
    SELECT count(*) INTO n_after FROM "auth"."outbox";
    RAISE EXCEPTION USING ERRCODE = 'CRVUN', MESSAGE = 'carve: undo the probe';
  EXCEPTION WHEN SQLSTATE 'CRVUN' THEN
    NULL;
  END;
  IF touched > 0 AND n_after <= n_before THEN
    RAISE EXCEPTION 'carve verify: an update of % added no event to %', '"auth"."user_credentials"', '"auth"."outbox"';
  END IF;
END
$carve$;
