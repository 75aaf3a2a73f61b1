-- Undo: the outbox of context memberships

DO $carve$
BEGIN
  IF to_regclass('"memberships"."membership_plans"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."membership_plans";
  END IF;
  IF to_regclass('"memberships"."plan_subscriptions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."plan_subscriptions";
  END IF;
  IF to_regclass('"memberships"."entitlements"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."entitlements";
  END IF;
  IF to_regclass('"memberships"."usage_records"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."usage_records";
  END IF;
  IF to_regclass('"memberships"."wallets"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallets";
  END IF;
  IF to_regclass('"memberships"."wallet_transactions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallet_transactions";
  END IF;
  IF to_regclass('"memberships"."wallet_fundings"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "memberships"."wallet_fundings";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "memberships"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"memberships"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "memberships"."outbox" FROM "carve_memberships_service";
    DROP TABLE "memberships"."outbox";
  END IF;
END
$carve$;
