-- Step: document the ownership of context reference-data
-- owner: reference-data

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."countries"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'countries'),
  ('"public"."currencies"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'currencies'),
  ('"public"."exchange_rates"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'exchange_rates'),
  ('"public"."status_codes"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'status_codes'),
  ('"public"."time_zones"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'time_zones'),
  ('"public"."locales"'::regclass, 'reference-data', 'reference-data', 'shared-reference', 'locales')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
