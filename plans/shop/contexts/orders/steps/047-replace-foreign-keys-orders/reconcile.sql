-- Reconciliation for the former foreign keys of context orders
-- read-only; each query lists up to 100 orphaned references

-- orders.cart_items → catalog.products (was cart_items_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "orders"."cart_items" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- orders.carts → reference-data.currencies (was carts_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "orders"."carts" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- orders.carts → ums.organizations (was carts_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "orders"."carts" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;

-- orders.carts → ums.users (was carts_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "orders"."carts" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- orders.order_lines → catalog.products (was order_lines_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "orders"."order_lines" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- orders.orders → reference-data.currencies (was orders_currency_code_fkey): rows whose reference has no target
SELECT c."currency_code", count(*) AS rows
FROM "orders"."orders" c
WHERE c."currency_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."currency_code")
GROUP BY c."currency_code"
ORDER BY rows DESC
LIMIT 100;

-- orders.orders → ums.users (was orders_cust_id_fkey): rows whose reference has no target
SELECT c."cust_id", count(*) AS rows
FROM "orders"."orders" c
WHERE c."cust_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."cust_id")
GROUP BY c."cust_id"
ORDER BY rows DESC
LIMIT 100;

-- orders.orders → reference-data.countries (was orders_ship_country_fkey): rows whose reference has no target
SELECT c."ship_country", count(*) AS rows
FROM "orders"."orders" c
WHERE c."ship_country" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."ship_country")
GROUP BY c."ship_country"
ORDER BY rows DESC
LIMIT 100;

-- orders.orders → ums.organizations (was orders_tenant_id_fkey): rows whose reference has no target
SELECT c."tenant_id", count(*) AS rows
FROM "orders"."orders" c
WHERE c."tenant_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."organizations" p WHERE p."id" = c."tenant_id")
GROUP BY c."tenant_id"
ORDER BY rows DESC
LIMIT 100;
