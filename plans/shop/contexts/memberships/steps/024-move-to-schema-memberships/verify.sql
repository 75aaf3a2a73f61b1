-- Verify: the tables of context memberships live in schema memberships, reachable under their old names

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."membership_plans"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."membership_plans"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."membership_plans"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."membership_plans"';
  END IF;
  PERFORM 1 FROM "public"."membership_plans" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."plan_subscriptions"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."plan_subscriptions"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."plan_subscriptions"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."plan_subscriptions"';
  END IF;
  PERFORM 1 FROM "public"."plan_subscriptions" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."entitlements"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."entitlements"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."entitlements"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."entitlements"';
  END IF;
  PERFORM 1 FROM "public"."entitlements" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."usage_records"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."usage_records"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."usage_records"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."usage_records"';
  END IF;
  PERFORM 1 FROM "public"."usage_records" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallets"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."wallets"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallets"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."wallets"';
  END IF;
  PERFORM 1 FROM "public"."wallets" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallet_transactions"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."wallet_transactions"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_transactions"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."wallet_transactions"';
  END IF;
  PERFORM 1 FROM "public"."wallet_transactions" LIMIT 1;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"memberships"."wallet_fundings"') AND relkind IN ('r', 'p')) THEN
    RAISE EXCEPTION 'carve verify: % is not a table in schema %', '"memberships"."wallet_fundings"', 'memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_fundings"') AND relkind = 'v') THEN
    RAISE EXCEPTION 'carve verify: the compatibility view % is missing', '"public"."wallet_fundings"';
  END IF;
  PERFORM 1 FROM "public"."wallet_fundings" LIMIT 1;
END
$carve$;
