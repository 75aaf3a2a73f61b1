-- Reconciliation for the former foreign keys of context billing
-- read-only; each query lists up to 100 orphaned references

-- billing.billing_accounts → reference-data.countries (was billing_accounts_country_code_fkey): rows whose reference has no target
SELECT c."country_code", count(*) AS rows
FROM "billing"."billing_accounts" c
WHERE c."country_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."country_code")
GROUP BY c."country_code"
ORDER BY rows DESC
LIMIT 100;

-- billing.billing_accounts → ums.organizations (was billing_accounts_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "billing"."billing_accounts" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- billing.credit_notes → ums.organizations (was credit_notes_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "billing"."credit_notes" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- billing.invoice_lines → orders.order_lines (was invoice_lines_order_line_id_fkey): rows whose reference has no target
SELECT c."order_line_id", count(*) AS rows
FROM "billing"."invoice_lines" c
WHERE c."order_line_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "orders"."order_lines" p WHERE p."id" = c."order_line_id")
GROUP BY c."order_line_id"
ORDER BY rows DESC
LIMIT 100;

-- billing.invoices → ums.users (was invoices_bill_to_user_id_fkey): rows whose reference has no target
SELECT c."bill_to_user_id", count(*) AS rows
FROM "billing"."invoices" c
WHERE c."bill_to_user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."bill_to_user_id")
GROUP BY c."bill_to_user_id"
ORDER BY rows DESC
LIMIT 100;

-- billing.invoices → reference-data.currencies (was invoices_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "billing"."invoices" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- billing.invoices → orders.orders (was invoices_order_id_fkey): rows whose reference has no target
SELECT c."order_id", count(*) AS rows
FROM "billing"."invoices" c
WHERE c."order_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "orders"."orders" p WHERE p."id" = c."order_id")
GROUP BY c."order_id"
ORDER BY rows DESC
LIMIT 100;

-- billing.invoices → ums.organizations (was invoices_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "billing"."invoices" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;
