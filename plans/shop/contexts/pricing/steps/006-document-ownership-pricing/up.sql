-- Step: document the ownership of context pricing
-- owner: pricing-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."price_lists"'::regclass, 'pricing', 'pricing-service', 'owned', 'price_lists'),
  ('"public"."price_rules"'::regclass, 'pricing', 'pricing-service', 'owned', 'price_rules'),
  ('"public"."discounts"'::regclass, 'pricing', 'pricing-service', 'owned', 'discounts'),
  ('"public"."promotions"'::regclass, 'pricing', 'pricing-service', 'owned', 'promotions'),
  ('"public"."promotion_redemptions"'::regclass, 'pricing', 'pricing-service', 'owned', 'promotion_redemptions'),
  ('"public"."pricing_snapshots"'::regclass, 'pricing', 'pricing-service', 'owned', 'pricing_snapshots'),
  ('"public"."tax_rates"'::regclass, 'pricing', 'pricing-service', 'owned', 'tax_rates')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
