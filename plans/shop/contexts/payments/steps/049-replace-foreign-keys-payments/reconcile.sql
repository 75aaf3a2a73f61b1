-- Reconciliation for the former foreign keys of context payments
-- read-only; each query lists up to 100 orphaned references

-- payments.payment_methods → ums.users (was payment_methods_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "payments"."payment_methods" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- payments.payments → reference-data.currencies (was payments_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "payments"."payments" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- payments.payments → billing.invoices (was payments_invoice_id_fkey): rows whose reference has no target
SELECT c."invoice_id", count(*) AS rows
FROM "payments"."payments" c
WHERE c."invoice_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "billing"."invoices" p WHERE p."id" = c."invoice_id")
GROUP BY c."invoice_id"
ORDER BY rows DESC
LIMIT 100;

-- payments.payments → orders.orders (was payments_order_id_fkey): rows whose reference has no target
SELECT c."order_id", count(*) AS rows
FROM "payments"."payments" c
WHERE c."order_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "orders"."orders" p WHERE p."id" = c."order_id")
GROUP BY c."order_id"
ORDER BY rows DESC
LIMIT 100;

-- payments.refunds → billing.credit_notes (was refunds_credit_note_id_fkey): rows whose reference has no target
SELECT c."credit_note_id", count(*) AS rows
FROM "payments"."refunds" c
WHERE c."credit_note_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "billing"."credit_notes" p WHERE p."id" = c."credit_note_id")
GROUP BY c."credit_note_id"
ORDER BY rows DESC
LIMIT 100;
