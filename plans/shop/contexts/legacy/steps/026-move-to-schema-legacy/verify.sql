-- Verify: the tables of context legacy live in schema legacy, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"legacy"."legacy_user_prefs"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"legacy"."legacy_user_prefs"', 'legacy';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."legacy_user_prefs"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."legacy_user_prefs"';
  END IF;
  PERFORM 1 FROM "public"."legacy_user_prefs" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"legacy"."old_payment_log"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"legacy"."old_payment_log"', 'legacy';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."old_payment_log"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."old_payment_log"';
  END IF;
  PERFORM 1 FROM "public"."old_payment_log" LIMIT 1;
END
$carve$;
