-- Step: document the ownership of context memberships
-- owner: memberships-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."membership_plans"'::regclass, 'memberships', 'memberships-service', 'owned', 'membership_plans'),
  ('"public"."plan_subscriptions"'::regclass, 'memberships', 'memberships-service', 'owned', 'plan_subscriptions'),
  ('"public"."entitlements"'::regclass, 'memberships', 'memberships-service', 'owned', 'entitlements'),
  ('"public"."usage_records"'::regclass, 'memberships', 'memberships-service', 'owned', 'usage_records'),
  ('"public"."wallets"'::regclass, 'memberships', 'memberships-service', 'owned', 'wallets'),
  ('"public"."wallet_transactions"'::regclass, 'memberships', 'memberships-service', 'owned', 'wallet_transactions'),
  ('"public"."wallet_fundings"'::regclass, 'memberships', 'memberships-service', 'owned', 'wallet_fundings')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
