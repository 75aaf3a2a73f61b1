-- Loose foreign keys of context pricing: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- discounts_category_id_fkey: ON DELETE CASCADE on discounts, applied after the fact
WITH q AS (
  DELETE FROM "pricing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "pricing"."carve_loose_fk_queue" WHERE constraint_name = 'discounts_category_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "pricing"."discounts" c USING q WHERE c."category_id"::text = q.parent_key ->> 'id';

-- discounts_product_id_fkey: ON DELETE CASCADE on discounts, applied after the fact
WITH q AS (
  DELETE FROM "pricing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "pricing"."carve_loose_fk_queue" WHERE constraint_name = 'discounts_product_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "pricing"."discounts" c USING q WHERE c."product_id"::text = q.parent_key ->> 'id';

-- price_lists_tenant_id_fkey: ON DELETE CASCADE on price_lists, applied after the fact
WITH q AS (
  DELETE FROM "pricing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "pricing"."carve_loose_fk_queue" WHERE constraint_name = 'price_lists_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "pricing"."price_lists" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- fk_promotion_redemptions_order: ON DELETE CASCADE on promotion_redemptions, applied after the fact
WITH q AS (
  DELETE FROM "pricing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "pricing"."carve_loose_fk_queue" WHERE constraint_name = 'fk_promotion_redemptions_order' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "pricing"."promotion_redemptions" c USING q WHERE c."order_id"::text = q.parent_key ->> 'id';

-- promotion_redemptions_user_id_fkey: ON DELETE SET NULL on promotion_redemptions, applied after the fact
WITH q AS (
  DELETE FROM "pricing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "pricing"."carve_loose_fk_queue" WHERE constraint_name = 'promotion_redemptions_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "pricing"."promotion_redemptions" c SET "user_id" = NULL FROM q WHERE c."user_id"::text = q.parent_key ->> 'id';
