-- Verify: publication carve_events_memberships covers every event table of context memberships

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_memberships') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_memberships';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'membership_plans') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."membership_plans"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'plan_subscriptions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."plan_subscriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'entitlements') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."entitlements"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'usage_records') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."usage_records"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'wallets') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."wallets"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'wallet_transactions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."wallet_transactions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_memberships' AND schemaname = 'memberships' AND tablename = 'wallet_fundings') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_memberships', '"memberships"."wallet_fundings"';
  END IF;
END
$carve$;
