-- Step: read models owned by admin for what it reads from other contexts

CREATE SCHEMA IF NOT EXISTS "legacy";
CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_billing_invoices" AS
  SELECT "id", "invoice_no", "tenant_id", "billing_account_id", "order_id", "bill_to_user_id", "status", "currency_code", "net_amount", "tax_amount", "gross_amount", "issued_at", "due_date", "paid_at", "created_at"
  FROM "billing"."invoices";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_billing_invoices" IS 'carve:read-model of billing.invoices, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_billing_invoices_key" ON "legacy"."rm_billing_invoices" ("id");
GRANT SELECT ON "legacy"."rm_billing_invoices" TO "carve_admin";

CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_memberships_wallets" AS
  SELECT "id", "tenant_id", "user_id", "currency_code", "balance", "status", "created_at"
  FROM "memberships"."wallets";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_memberships_wallets" IS 'carve:read-model of memberships.wallets, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_memberships_wallets_key" ON "legacy"."rm_memberships_wallets" ("id");
GRANT SELECT ON "legacy"."rm_memberships_wallets" TO "carve_admin";

CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_orders_order_lines" AS
  SELECT "id", "order_id", "line_no", "product_id", "sku", "description", "quantity", "unit_price", "discount_amount", "line_total"
  FROM "orders"."order_lines";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_orders_order_lines" IS 'carve:read-model of orders.order_lines, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_order_lines_key" ON "legacy"."rm_orders_order_lines" ("id");
GRANT SELECT ON "legacy"."rm_orders_order_lines" TO "carve_admin";

CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_orders_orders" AS
  SELECT "id", "order_no", "tenant_id", "cust_id", "cart_id", "status", "currency_code", "ship_country", "subtotal", "discount_total", "tax_total", "grand_total", "pricing_quote_ref", "placed_at", "paid_at", "cancelled_at", "notes", "updated_at"
  FROM "orders"."orders";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_orders_orders" IS 'carve:read-model of orders.orders, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_orders_orders_key" ON "legacy"."rm_orders_orders" ("id");
GRANT SELECT ON "legacy"."rm_orders_orders" TO "carve_admin";

CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_payments_payments" AS
  SELECT "id", "order_id", "invoice_id", "payment_method_id", "purpose", "status", "amount", "currency_code", "idempotency_key", "created_at", "captured_at", "updated_at"
  FROM "payments"."payments";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_payments_payments" IS 'carve:read-model of payments.payments, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_payments_payments_key" ON "legacy"."rm_payments_payments" ("id");
GRANT SELECT ON "legacy"."rm_payments_payments" TO "carve_admin";

CREATE MATERIALIZED VIEW IF NOT EXISTS "legacy"."rm_ums_users" AS
  SELECT "id", "email", "legacy_login", "primary_org_id", "status", "email_verified", "created_at", "updated_at", "deleted_at"
  FROM "ums"."users";
COMMENT ON MATERIALIZED VIEW "legacy"."rm_ums_users" IS 'carve:read-model of ums.users, owned by admin';
CREATE UNIQUE INDEX IF NOT EXISTS "rm_ums_users_key" ON "legacy"."rm_ums_users" ("id");
GRANT SELECT ON "legacy"."rm_ums_users" TO "carve_admin";
