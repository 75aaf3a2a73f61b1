-- Step: events of context memberships from the WAL (publication carve_events_memberships, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_memberships" FOR TABLE "memberships"."membership_plans", "memberships"."plan_subscriptions", "memberships"."entitlements", "memberships"."usage_records", "memberships"."wallets", "memberships"."wallet_transactions", "memberships"."wallet_fundings";
COMMENT ON PUBLICATION "carve_events_memberships" IS 'carve:events {}';
