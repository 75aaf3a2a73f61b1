-- Step: read models owned by orders-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "orders";
CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_availability_stock_levels" AS
  SELECT "id", "product_id", "location_id", "on_hand", "reserved", "reorder_point", "updated_at"
  FROM "availability"."stock_levels";
COMMENT ON MATERIALIZED VIEW "orders"."rm_availability_stock_levels" IS 'carve:read-model of availability.stock_levels, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_availability_stock_levels_key" ON "orders"."rm_availability_stock_levels" ("id");
GRANT SELECT ON "orders"."rm_availability_stock_levels" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_billing_invoices" AS
  SELECT "id", "invoice_no", "tenant_id", "billing_account_id", "order_id", "bill_to_user_id", "status", "currency_code", "net_amount", "tax_amount", "gross_amount", "issued_at", "due_date", "paid_at", "created_at"
  FROM "billing"."invoices";
COMMENT ON MATERIALIZED VIEW "orders"."rm_billing_invoices" IS 'carve:read-model of billing.invoices, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_invoices_key" ON "orders"."rm_billing_invoices" ("id");
GRANT SELECT ON "orders"."rm_billing_invoices" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_catalog_products" AS
  SELECT "id", "sku", "name", "category_id", "product_type", "status", "list_price", "weight_grams", "create_dt", "updated_at"
  FROM "catalog"."products";
COMMENT ON MATERIALIZED VIEW "orders"."rm_catalog_products" IS 'carve:read-model of catalog.products, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_catalog_products_key" ON "orders"."rm_catalog_products" ("id");
GRANT SELECT ON "orders"."rm_catalog_products" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_payments_payments" AS
  SELECT "id", "order_id", "invoice_id", "payment_method_id", "purpose", "status", "amount", "currency_code", "idempotency_key", "created_at", "captured_at", "updated_at"
  FROM "payments"."payments";
COMMENT ON MATERIALIZED VIEW "orders"."rm_payments_payments" IS 'carve:read-model of payments.payments, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_payments_key" ON "orders"."rm_payments_payments" ("id");
GRANT SELECT ON "orders"."rm_payments_payments" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_rbac_permissions" AS
  SELECT "id", "code", "resource", "action", "description"
  FROM "rbac"."permissions";
COMMENT ON MATERIALIZED VIEW "orders"."rm_rbac_permissions" IS 'carve:read-model of rbac.permissions, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_permissions_key" ON "orders"."rm_rbac_permissions" ("id");
GRANT SELECT ON "orders"."rm_rbac_permissions" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_rbac_role_permissions" AS
  SELECT "role_id", "permission_id", "granted_at"
  FROM "rbac"."role_permissions";
COMMENT ON MATERIALIZED VIEW "orders"."rm_rbac_role_permissions" IS 'carve:read-model of rbac.role_permissions, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_role_permissions_key" ON "orders"."rm_rbac_role_permissions" ("role_id", "permission_id");
GRANT SELECT ON "orders"."rm_rbac_role_permissions" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_rbac_user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON MATERIALIZED VIEW "orders"."rm_rbac_user_role_assignments" IS 'carve:read-model of rbac.user_role_assignments, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_user_role_assignments_key" ON "orders"."rm_rbac_user_role_assignments" ("id");
GRANT SELECT ON "orders"."rm_rbac_user_role_assignments" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_reference_data_countries" AS
  SELECT "code", "iso3", "name", "currency_code", "region", "phone_prefix", "eu_member"
  FROM "reference_data"."countries";
COMMENT ON MATERIALIZED VIEW "orders"."rm_reference_data_countries" IS 'carve:read-model of reference-data.countries, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_countries_key" ON "orders"."rm_reference_data_countries" ("code");
GRANT SELECT ON "orders"."rm_reference_data_countries" TO "carve_orders_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "orders"."rm_reference_data_currencies" AS
  SELECT "code", "name", "symbol", "minor_units", "is_active"
  FROM "reference_data"."currencies";
COMMENT ON MATERIALIZED VIEW "orders"."rm_reference_data_currencies" IS 'carve:read-model of reference-data.currencies, owned by orders-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_currencies_key" ON "orders"."rm_reference_data_currencies" ("code");
GRANT SELECT ON "orders"."rm_reference_data_currencies" TO "carve_orders_service";
