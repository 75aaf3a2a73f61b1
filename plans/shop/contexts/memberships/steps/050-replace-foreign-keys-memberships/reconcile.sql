-- Reconciliation for the former foreign keys of context memberships
-- read-only; each query lists up to 100 orphaned references

-- memberships.membership_plans → catalog.products (was membership_plans_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "memberships"."membership_plans" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- memberships.plan_subscriptions → ums.organizations (was plan_subscriptions_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "memberships"."plan_subscriptions" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- memberships.plan_subscriptions → ums.users (was plan_subscriptions_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "memberships"."plan_subscriptions" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- memberships.wallet_fundings → payments.payments (was wallet_fundings_payment_id_fkey): rows whose reference has no target
SELECT c."payment_id", count(*) AS rows
FROM "memberships"."wallet_fundings" c
WHERE c."payment_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "payments"."payments" p WHERE p."id" = c."payment_id")
GROUP BY c."payment_id"
ORDER BY rows DESC
LIMIT 100;

-- memberships.wallets → reference-data.currencies (was wallets_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "memberships"."wallets" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- memberships.wallets → ums.organizations (was wallets_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "memberships"."wallets" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- memberships.wallets → ums.users (was wallets_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "memberships"."wallets" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;
