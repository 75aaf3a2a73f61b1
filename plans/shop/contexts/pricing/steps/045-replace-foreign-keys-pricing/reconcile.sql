-- Reconciliation for the former foreign keys of context pricing
-- read-only; each query lists up to 100 orphaned references

-- pricing.discounts → catalog.categories (was discounts_category_id_fkey): rows whose reference has no target
SELECT c."category_id", count(*) AS rows
FROM "pricing"."discounts" c
WHERE c."category_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."categories" p WHERE p."id" = c."category_id")
GROUP BY c."category_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.discounts → catalog.products (was discounts_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "pricing"."discounts" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.price_lists → reference-data.currencies (was price_lists_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "pricing"."price_lists" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- pricing.price_lists → ums.organizations (was price_lists_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "pricing"."price_lists" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.price_rules → catalog.products (was price_rules_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "pricing"."price_rules" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.promotion_redemptions → orders.orders (was fk_promotion_redemptions_order): rows whose reference has no target
SELECT c."order_id", count(*) AS rows
FROM "pricing"."promotion_redemptions" c
WHERE c."order_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "orders"."orders" p WHERE p."id" = c."order_id")
GROUP BY c."order_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.promotion_redemptions → ums.users (was promotion_redemptions_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "pricing"."promotion_redemptions" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- pricing.tax_rates → reference-data.countries (was tax_rates_country_code_fkey): rows whose reference has no target
SELECT c."country_code", count(*) AS rows
FROM "pricing"."tax_rates" c
WHERE c."country_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."country_code")
GROUP BY c."country_code"
ORDER BY rows DESC
LIMIT 100;
