-- Step: read models owned by billing-service for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "billing";
CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_orders_order_lines" AS
  SELECT "id", "order_id", "line_no", "product_id", "sku", "description", "quantity", "unit_price", "discount_amount", "line_total"
  FROM "orders"."order_lines";
COMMENT ON MATERIALIZED VIEW "billing"."rm_orders_order_lines" IS 'carve:read-model of orders.order_lines, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_order_lines_key" ON "billing"."rm_orders_order_lines" ("id");
GRANT SELECT ON "billing"."rm_orders_order_lines" TO "carve_billing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_orders_orders" AS
  SELECT "id", "order_no", "tenant_id", "cust_id", "cart_id", "status", "currency_code", "ship_country", "subtotal", "discount_total", "tax_total", "grand_total", "pricing_quote_ref", "placed_at", "paid_at", "cancelled_at", "notes", "updated_at"
  FROM "orders"."orders";
COMMENT ON MATERIALIZED VIEW "billing"."rm_orders_orders" IS 'carve:read-model of orders.orders, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_orders_key" ON "billing"."rm_orders_orders" ("id");
GRANT SELECT ON "billing"."rm_orders_orders" TO "carve_billing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_rbac_permissions" AS
  SELECT "id", "code", "resource", "action", "description"
  FROM "rbac"."permissions";
COMMENT ON MATERIALIZED VIEW "billing"."rm_rbac_permissions" IS 'carve:read-model of rbac.permissions, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_permissions_key" ON "billing"."rm_rbac_permissions" ("id");
GRANT SELECT ON "billing"."rm_rbac_permissions" TO "carve_billing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_rbac_role_permissions" AS
  SELECT "role_id", "permission_id", "granted_at"
  FROM "rbac"."role_permissions";
COMMENT ON MATERIALIZED VIEW "billing"."rm_rbac_role_permissions" IS 'carve:read-model of rbac.role_permissions, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_role_permissions_key" ON "billing"."rm_rbac_role_permissions" ("role_id", "permission_id");
GRANT SELECT ON "billing"."rm_rbac_role_permissions" TO "carve_billing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_rbac_user_role_assignments" AS
  SELECT "id", "tenant_id", "user_id", "role_id", "granted_by", "granted_at", "expires_at"
  FROM "rbac"."user_role_assignments";
COMMENT ON MATERIALIZED VIEW "billing"."rm_rbac_user_role_assignments" IS 'carve:read-model of rbac.user_role_assignments, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_rbac_user_role_assignments_key" ON "billing"."rm_rbac_user_role_assignments" ("id");
GRANT SELECT ON "billing"."rm_rbac_user_role_assignments" TO "carve_billing_service";

CREATE MATERIALIZED VIEW IF NOT EXISTS "billing"."rm_reference_data_countries" AS
  SELECT "code", "iso3", "name", "currency_code", "region", "phone_prefix", "eu_member"
  FROM "reference_data"."countries";
COMMENT ON MATERIALIZED VIEW "billing"."rm_reference_data_countries" IS 'carve:read-model of reference-data.countries, owned by billing-service';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_reference_data_countries_key" ON "billing"."rm_reference_data_countries" ("code");
GRANT SELECT ON "billing"."rm_reference_data_countries" TO "carve_billing_service";
