-- Step: events of context pricing from the WAL (publication carve_events_pricing, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_pricing" FOR TABLE "pricing"."price_lists", "pricing"."price_rules", "pricing"."discounts", "pricing"."promotions", "pricing"."promotion_redemptions", "pricing"."pricing_snapshots", "pricing"."tax_rates";
COMMENT ON PUBLICATION "carve_events_pricing" IS 'carve:events {}';
