-- Step: document the ownership of context availability
-- owner: availability-service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."ownership" (
  relation regclass PRIMARY KEY,
  context text NOT NULL,
  owner text NOT NULL,
  classification text NOT NULL,
  table_key text NOT NULL
);
INSERT INTO "carve"."ownership" (relation, context, owner, classification, table_key) VALUES
  ('"public"."stock_locations"'::regclass, 'availability', 'availability-service', 'owned', 'stock_locations'),
  ('"public"."stock_levels"'::regclass, 'availability', 'availability-service', 'owned', 'stock_levels'),
  ('"public"."service_capacity"'::regclass, 'availability', 'availability-service', 'owned', 'service_capacity'),
  ('"public"."time_slots"'::regclass, 'availability', 'availability-service', 'owned', 'time_slots'),
  ('"public"."slot_reservations"'::regclass, 'availability', 'availability-service', 'owned', 'slot_reservations')
ON CONFLICT (relation) DO UPDATE SET context = EXCLUDED.context, owner = EXCLUDED.owner, classification = EXCLUDED.classification, table_key = EXCLUDED.table_key;
