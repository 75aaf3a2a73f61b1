-- Loose foreign keys of context billing: apply queued ON DELETE actions
-- run repeatedly (e.g. every minute) until it affects no rows

-- billing_accounts_tenant_id_fkey: ON DELETE CASCADE on billing_accounts, applied after the fact
WITH q AS (
  DELETE FROM "billing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "billing"."carve_loose_fk_queue" WHERE constraint_name = 'billing_accounts_tenant_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
DELETE FROM "billing"."billing_accounts" c USING q WHERE c."tenant_id"::text = q.parent_key ->> 'id';

-- invoice_lines_order_line_id_fkey: ON DELETE SET NULL on invoice_lines, applied after the fact
WITH q AS (
  DELETE FROM "billing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "billing"."carve_loose_fk_queue" WHERE constraint_name = 'invoice_lines_order_line_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "billing"."invoice_lines" c SET "order_line_id" = NULL FROM q WHERE c."order_line_id"::text = q.parent_key ->> 'id';

-- invoices_bill_to_user_id_fkey: ON DELETE SET NULL on invoices, applied after the fact
WITH q AS (
  DELETE FROM "billing"."carve_loose_fk_queue" WHERE id IN (SELECT id FROM "billing"."carve_loose_fk_queue" WHERE constraint_name = 'invoices_bill_to_user_id_fkey' ORDER BY id LIMIT 1000)
  RETURNING parent_key
)
UPDATE "billing"."invoices" c SET "bill_to_user_id" = NULL FROM q WHERE c."bill_to_user_id"::text = q.parent_key ->> 'id';
