-- Verify: orders-service can write the tables of context orders, and another service cannot
-- each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back

DO $carve$
DECLARE
  writers text;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(ARRAY['carve_orders_service', 'carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."carts" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."carts"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."carts" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."carts"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."carts"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."carts"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."cart_items" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."cart_items"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."cart_items" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."cart_items"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."cart_items"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."cart_items"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."orders" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."orders"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."orders" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."orders"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."orders"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."orders"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."order_lines" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."order_lines"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."order_lines" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."order_lines"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."order_lines"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."order_lines"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."order_status_history" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."order_status_history"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."order_status_history" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."order_status_history"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."order_status_history"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."order_status_history"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_orders_service"';
    EXECUTE 'DELETE FROM "orders"."order_snapshots" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_orders_service', '"orders"."order_snapshots"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "orders"."order_snapshots" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"orders"."order_snapshots"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"orders"."order_snapshots"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"orders"."order_snapshots"';
  END IF;
END
$carve$;
