-- Reconciliation for the former foreign keys of context availability
-- read-only; each query lists up to 100 orphaned references

-- availability.service_capacity → catalog.products (was service_capacity_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "availability"."service_capacity" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;

-- availability.slot_reservations → orders.orders (was fk_slot_reservations_order): rows whose reference has no target
SELECT c."order_id", count(*) AS rows
FROM "availability"."slot_reservations" c
WHERE c."order_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "orders"."orders" p WHERE p."id" = c."order_id")
GROUP BY c."order_id"
ORDER BY rows DESC
LIMIT 100;

-- availability.slot_reservations → ums.users (was slot_reservations_user_id_fkey): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "availability"."slot_reservations" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;

-- availability.stock_locations → reference-data.countries (was stock_locations_country_code_fkey): rows whose reference has no target
SELECT c."country_code", count(*) AS rows
FROM "availability"."stock_locations" c
WHERE c."country_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."country_code")
GROUP BY c."country_code"
ORDER BY rows DESC
LIMIT 100;

-- availability.stock_locations → reference-data.time_zones (was stock_locations_time_zone_fkey): rows whose reference has no target
SELECT c."time_zone", count(*) AS rows
FROM "availability"."stock_locations" c
WHERE c."time_zone" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."time_zones" p WHERE p."name" = c."time_zone")
GROUP BY c."time_zone"
ORDER BY rows DESC
LIMIT 100;

-- availability.time_slots → catalog.products (was time_slots_product_id_fkey): rows whose reference has no target
SELECT c."product_id", count(*) AS rows
FROM "availability"."time_slots" c
WHERE c."product_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "catalog"."products" p WHERE p."id" = c."product_id")
GROUP BY c."product_id"
ORDER BY rows DESC
LIMIT 100;
