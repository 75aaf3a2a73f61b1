-- Loose foreign keys of context payments: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- payment_methods_user_id_fkey: ON DELETE CASCADE on payment_methods, applied after the fact
WITH q AS (
  DELETE FROM "payments"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "payments"."carve_loose_fk_queue" WHERE constraint_name = 'payment_methods_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "payments"."payment_methods" c USING q WHERE c."user_id"::text = q.parent_key ->> 'id';

-- payments_invoice_id_fkey: ON DELETE SET NULL on payments, applied after the fact
WITH q AS (
  DELETE FROM "payments"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "payments"."carve_loose_fk_queue" WHERE constraint_name = 'payments_invoice_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "payments"."payments" c SET "invoice_id" = NULL FROM q WHERE c."invoice_id"::text = q.parent_key ->> 'id';

-- payments_order_id_fkey: ON DELETE SET NULL on payments, applied after the fact
WITH q AS (
  DELETE FROM "payments"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "payments"."carve_loose_fk_queue" WHERE constraint_name = 'payments_order_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "payments"."payments" c SET "order_id" = NULL FROM q WHERE c."order_id"::text = q.parent_key ->> 'id';

-- refunds_credit_note_id_fkey: ON DELETE SET NULL on refunds, applied after the fact
WITH q AS (
  DELETE FROM "payments"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "payments"."carve_loose_fk_queue" WHERE constraint_name = 'refunds_credit_note_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "payments"."refunds" c SET "credit_note_id" = NULL FROM q WHERE c."credit_note_id"::text = q.parent_key ->> 'id';
