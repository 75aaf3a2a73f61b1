-- Step: read models owned by pricing-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "pricing";
CREATE MATERIALIZED VIEW IF NOT EXISTS "pricing"."rm_catalog_products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON MATERIALIZED VIEW "pricing"."rm_catalog_products" IS 'carve:read-model of catalog.products, owned by pricing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_products_key" ON "pricing"."rm_catalog_products" ("id");
GRANT SELECT ON "pricing"."rm_catalog_products" TO "carve_pricing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "pricing"."rm_orders_orders" AS
  SELECT "id", "order_no", "tenant_id", "cust_id", "cart_id", "status", "currency_code", "ship_country", "subtotal", "discount_total", "tax_total", "grand_total", "pricing_quote_ref", "placed_at", "paid_at", "cancelled_at", "notes", "updated_at"
  FROM "orders"."orders";
COMMENT ON MATERIALIZED VIEW "pricing"."rm_orders_orders" IS 'carve:read-model of orders.orders, owned by pricing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_orders_key" ON "pricing"."rm_orders_orders" ("id");
GRANT SELECT ON "pricing"."rm_orders_orders" TO "carve_pricing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "pricing"."rm_reference_data_exchange_rates" AS
  SELECT "id", "base_currency", "quote_currency", "rate_date", "rate", "source"
  FROM "reference_data"."exchange_rates";
COMMENT ON MATERIALIZED VIEW "pricing"."rm_reference_data_exchange_rates" IS 'carve:read-model of reference-data.exchange_rates, owned by pricing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_exchange_rates_key" ON "pricing"."rm_reference_data_exchange_rates" ("id");
GRANT SELECT ON "pricing"."rm_reference_data_exchange_rates" TO "carve_pricing_service";
