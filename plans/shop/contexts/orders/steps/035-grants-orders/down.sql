-- Undo: the grants on the tables of context orders

REVOKE SELECT ON "public"."order_snapshots" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."order_snapshots" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."order_snapshots" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."order_snapshots" FROM "carve_orders_service";
REVOKE SELECT ON "public"."order_status_history" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."order_status_history" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."order_status_history" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."order_status_history" FROM "carve_orders_service";
REVOKE SELECT ON "public"."order_lines" FROM "carve_reporting";
REVOKE SELECT ON "public"."order_lines" FROM "carve_billing_service";
REVOKE SELECT ON "public"."order_lines" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."order_lines" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."order_lines" FROM "carve_reporting";
REVOKE SELECT ON "orders"."order_lines" FROM "carve_billing_service";
REVOKE SELECT ON "orders"."order_lines" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."order_lines" FROM "carve_orders_service";
REVOKE SELECT ON "public"."orders" FROM "carve_reporting";
REVOKE SELECT ON "public"."orders" FROM "carve_pricing_service";
REVOKE SELECT ON "public"."orders" FROM "carve_billing_service";
REVOKE SELECT ON "public"."orders" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."orders" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."orders" FROM "carve_reporting";
REVOKE SELECT ON "orders"."orders" FROM "carve_pricing_service";
REVOKE SELECT ON "orders"."orders" FROM "carve_billing_service";
REVOKE SELECT ON "orders"."orders" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."orders" FROM "carve_orders_service";
REVOKE SELECT ON "public"."cart_items" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."cart_items" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."cart_items" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."cart_items" FROM "carve_orders_service";
REVOKE SELECT ON "public"."carts" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."carts" FROM "carve_orders_service";
REVOKE SELECT ON "orders"."carts" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "orders"."carts" FROM "carve_orders_service";
REVOKE USAGE, SELECT ON SEQUENCE "orders"."cart_items_id_seq" FROM "carve_orders_service";
REVOKE USAGE, SELECT ON SEQUENCE "orders"."carts_id_seq" FROM "carve_orders_service";
REVOKE USAGE, SELECT ON SEQUENCE "orders"."order_lines_id_seq" FROM "carve_orders_service";
REVOKE USAGE, SELECT ON SEQUENCE "orders"."order_status_history_id_seq" FROM "carve_orders_service";
REVOKE USAGE, SELECT ON SEQUENCE "orders"."orders_id_seq" FROM "carve_orders_service";
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT c.oid, x.relation,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) a) AS default_acl
           FROM "carve"."revoked_grants" x JOIN pg_class c ON c.oid = to_regclass(x.relation)
           WHERE x.context = 'orders' AND x.privilege = '(acl was null)' AND c.relacl IS NOT NULL LOOP
    IF r.acl IS DISTINCT FROM r.default_acl THEN
      RAISE NOTICE 'carve: % keeps its explicit ACL: someone changed its grants since the plan ran', r.relation;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      -- Equal to the default, so nothing changes for anyone: only the catalog returns to NULL.
      UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = r.oid;
    ELSE
      RAISE NOTICE 'carve: % keeps an explicit ACL equal to the default (only a superuser can reset it to NULL)', r.relation;
    END IF;
  END LOOP;
END
$carve$;
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'orders' AND relation <> '' AND privilege <> '(acl was null)' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'orders';
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'orders') THEN
    REVOKE USAGE ON SCHEMA "orders" FROM "carve_admin", "carve_billing_service", "carve_orders_service", "carve_pricing_service", "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."revoked_grants") THEN
      DROP TABLE "carve"."revoked_grants";
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'carve')
     AND NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'carve') THEN
    DROP SCHEMA "carve";
  END IF;
END
$carve$;
