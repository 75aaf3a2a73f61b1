-- Step: read models owned by availability-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "availability";
CREATE MATERIALIZED VIEW IF NOT EXISTS "availability"."rm_catalog_products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON MATERIALIZED VIEW "availability"."rm_catalog_products" IS 'carve:read-model of catalog.products, owned by availability-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_products_key" ON "availability"."rm_catalog_products" ("id");
GRANT SELECT ON "availability"."rm_catalog_products" TO "carve_availability_service";
