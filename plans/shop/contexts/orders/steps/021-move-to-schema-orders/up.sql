-- Step: move the tables of context orders into schema orders
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."cart_items" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."carts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."order_status_history" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."orders" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "orders";
DO $carve$
BEGIN
  IF to_regclass('"orders"."carts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."carts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."carts" SET SCHEMA "orders";
  END IF;
  IF to_regclass('"orders"."cart_items"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."cart_items"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."cart_items" SET SCHEMA "orders";
  END IF;
  IF to_regclass('"orders"."orders"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."orders"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."orders" SET SCHEMA "orders";
  END IF;
  IF to_regclass('"orders"."order_lines"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_lines"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."order_lines" SET SCHEMA "orders";
  END IF;
  IF to_regclass('"orders"."order_status_history"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_status_history"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."order_status_history" SET SCHEMA "orders";
  END IF;
  IF to_regclass('"orders"."order_snapshots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."order_snapshots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."order_snapshots" SET SCHEMA "orders";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."carts" AS
  SELECT "id", "tenant_id", "user_id", "session_ref", "currency_code", "status", "created_at", "updated_at"
  FROM "orders"."carts";
COMMENT ON VIEW "public"."carts" IS 'carve:compatibility-view orders.carts (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."cart_items" AS
  SELECT "id", "cart_id", "product_id", "quantity", "added_at"
  FROM "orders"."cart_items";
COMMENT ON VIEW "public"."cart_items" IS 'carve:compatibility-view orders.cart_items (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."orders" AS
  SELECT "id", "order_no", "tenant_id", "cust_id", "cart_id", "status", "currency_code", "ship_country", "subtotal", "discount_total", "tax_total", "grand_total", "pricing_quote_ref", "placed_at", "paid_at", "cancelled_at", "notes", "updated_at"
  FROM "orders"."orders";
COMMENT ON VIEW "public"."orders" IS 'carve:compatibility-view orders.orders (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."order_lines" AS
  SELECT "id", "order_id", "line_no", "product_id", "sku", "description", "quantity", "unit_price", "discount_amount", "line_total"
  FROM "orders"."order_lines";
COMMENT ON VIEW "public"."order_lines" IS 'carve:compatibility-view orders.order_lines (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."order_status_history" AS
  SELECT "id", "order_id", "from_status", "to_status", "changed_at", "changed_by", "reason"
  FROM "orders"."order_status_history";
COMMENT ON VIEW "public"."order_status_history" IS 'carve:compatibility-view orders.order_status_history (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."order_snapshots" AS
  SELECT "order_id", "confirmed_at", "snapshot", "snapshot_hash"
  FROM "orders"."order_snapshots";
COMMENT ON VIEW "public"."order_snapshots" IS 'carve:compatibility-view orders.order_snapshots (owner: orders-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"orders"."carts"', '"public"."carts"'),
    ('"orders"."cart_items"', '"public"."cart_items"'),
    ('"orders"."orders"', '"public"."orders"'),
    ('"orders"."order_lines"', '"public"."order_lines"'),
    ('"orders"."order_status_history"', '"public"."order_status_history"'),
    ('"orders"."order_snapshots"', '"public"."order_snapshots"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'orders')
       AND NOT has_schema_privilege(owner_name, 'orders', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'orders', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
