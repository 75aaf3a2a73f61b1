-- Loose foreign keys of context memberships: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- membership_plans_product_id_fkey: ON DELETE SET NULL on membership_plans, applied after the fact
WITH q AS (
  DELETE FROM "memberships"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "memberships"."carve_loose_fk_queue" WHERE constraint_name = 'membership_plans_product_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "memberships"."membership_plans" c SET "product_id" = NULL FROM q WHERE c."product_id"::text = q.parent_key ->> 'id';

-- plan_subscriptions_tenant_id_fkey: ON DELETE CASCADE on plan_subscriptions, applied after the fact
WITH q AS (
  DELETE FROM "memberships"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "memberships"."carve_loose_fk_queue" WHERE constraint_name = 'plan_subscriptions_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "memberships"."plan_subscriptions" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- plan_subscriptions_user_id_fkey: ON DELETE CASCADE on plan_subscriptions, applied after the fact
WITH q AS (
  DELETE FROM "memberships"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "memberships"."carve_loose_fk_queue" WHERE constraint_name = 'plan_subscriptions_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "memberships"."plan_subscriptions" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- wallet_fundings_payment_id_fkey: ON DELETE SET NULL on wallet_fundings, applied after the fact
WITH q AS (
  DELETE FROM "memberships"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "memberships"."carve_loose_fk_queue" WHERE constraint_name = 'wallet_fundings_payment_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "memberships"."wallet_fundings" c SET "payment_id" = NULL FROM q WHERE c."payment_id"::text = q.parent_key ->> 'id';
