-- Verify: publication carve_events_pricing covers every event table of context pricing

DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'carve_events_pricing') THEN
    RAISE EXCEPTION 'carve verify: publication % does not exist', 'carve_events_pricing';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'price_lists') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."price_lists"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'price_rules') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."price_rules"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'discounts') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."discounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'promotions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."promotions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'promotion_redemptions') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."promotion_redemptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'pricing_snapshots') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."pricing_snapshots"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_publication_tables WHERE pubname = 'carve_events_pricing' AND schemaname = 'pricing' AND tablename = 'tax_rates') THEN
    RAISE EXCEPTION 'carve verify: publication % does not cover %', 'carve_events_pricing', '"pricing"."tax_rates"';
  END IF;
END
$carve$;
