-- Undo: the outbox of context pricing

DO $carve$
BEGIN
  IF to_regclass('"pricing"."price_lists"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_lists";
  END IF;
  IF to_regclass('"pricing"."price_rules"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_rules";
  END IF;
  IF to_regclass('"pricing"."discounts"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."discounts";
  END IF;
  IF to_regclass('"pricing"."promotions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotions";
  END IF;
  IF to_regclass('"pricing"."promotion_redemptions"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotion_redemptions";
  END IF;
  IF to_regclass('"pricing"."pricing_snapshots"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."pricing_snapshots";
  END IF;
  IF to_regclass('"pricing"."tax_rates"') IS NOT NULL THEN
    DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."tax_rates";
  END IF;
END
$carve$;
DROP FUNCTION IF EXISTS "pricing"."carve_outbox_emit"();
DO $carve$
BEGIN
  IF to_regclass('"pricing"."outbox"') IS NOT NULL THEN
    REVOKE ALL ON "pricing"."outbox" FROM "carve_pricing_service";
    DROP TABLE "pricing"."outbox";
  END IF;
END
$carve$;
