-- Loose foreign keys of context availability: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- service_capacity_product_id_fkey: ON DELETE CASCADE on service_capacity, applied after the fact
WITH q AS (
  DELETE FROM "availability"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "availability"."carve_loose_fk_queue" WHERE constraint_name = 'service_capacity_product_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "availability"."service_capacity" c USING q WHERE c."product_id"::text = q.parent_key ->> 'id';

-- fk_slot_reservations_order: ON DELETE SET NULL on slot_reservations, applied after the fact
WITH q AS (
  DELETE FROM "availability"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "availability"."carve_loose_fk_queue" WHERE constraint_name = 'fk_slot_reservations_order' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "availability"."slot_reservations" c SET "order_id" = NULL FROM q WHERE c."order_id"::text = q.parent_key ->> 'id';

-- slot_reservations_user_id_fkey: ON DELETE SET NULL on slot_reservations, applied after the fact
WITH q AS (
  DELETE FROM "availability"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "availability"."carve_loose_fk_queue" WHERE constraint_name = 'slot_reservations_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "availability"."slot_reservations" c SET "user_id" = NULL FROM q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- time_slots_product_id_fkey: ON DELETE CASCADE on time_slots, applied after the fact
WITH q AS (
  DELETE FROM "availability"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "availability"."carve_loose_fk_queue" WHERE constraint_name = 'time_slots_product_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "availability"."time_slots" c USING q WHERE c."product_id"::text = q.parent_key ->> 'id';
