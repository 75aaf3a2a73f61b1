-- Loose foreign keys of context orders: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- cart_items_product_id_fkey: ON DELETE CASCADE on cart_items, applied after the fact
WITH q AS (
  DELETE FROM "orders"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "orders"."carve_loose_fk_queue" WHERE constraint_name = 'cart_items_product_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "orders"."cart_items" c USING q WHERE c."product_id"::text = q.parent_key ->> 'id';

-- carts_tenant_id_fkey: ON DELETE CASCADE on carts, applied after the fact
WITH q AS (
  DELETE FROM "orders"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "orders"."carve_loose_fk_queue" WHERE constraint_name = 'carts_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "orders"."carts" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- carts_user_id_fkey: ON DELETE SET NULL on carts, applied after the fact
WITH q AS (
  DELETE FROM "orders"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "orders"."carve_loose_fk_queue" WHERE constraint_name = 'carts_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "orders"."carts" c SET "user_id" = NULL FROM q WHERE c."user_id"::text = q.parent_key ->> 'id';
