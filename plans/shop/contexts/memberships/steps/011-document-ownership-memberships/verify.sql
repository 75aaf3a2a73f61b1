-- Verify: every table of context memberships has its owner recorded

DO $carve$
DECLARE
  missing text;
BEGIN
  IF to_regclass('"carve"."ownership"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', '"carve"."ownership"';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY['membership_plans', 'plan_subscriptions', 'entitlements', 'usage_records', 'wallets', 'wallet_transactions', 'wallet_fundings']::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM "carve"."ownership" o
    WHERE o.table_key = k AND o.context = 'memberships' AND o.owner = 'memberships-service'
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', 'memberships-service', missing;
  END IF;
END
$carve$;
