-- Verify: availability-service can write the tables of context availability, and another service cannot
-- each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back

DO $carve$
DECLARE
  writers text;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(ARRAY['carve_availability_service', 'carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_availability_service"';
    EXECUTE 'DELETE FROM "availability"."stock_locations" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_availability_service', '"availability"."stock_locations"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "availability"."stock_locations" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"availability"."stock_locations"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"availability"."stock_locations"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"availability"."stock_locations"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_availability_service"';
    EXECUTE 'DELETE FROM "availability"."stock_levels" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_availability_service', '"availability"."stock_levels"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "availability"."stock_levels" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"availability"."stock_levels"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"availability"."stock_levels"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"availability"."stock_levels"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_availability_service"';
    EXECUTE 'DELETE FROM "availability"."service_capacity" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_availability_service', '"availability"."service_capacity"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "availability"."service_capacity" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"availability"."service_capacity"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"availability"."service_capacity"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"availability"."service_capacity"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_availability_service"';
    EXECUTE 'DELETE FROM "availability"."time_slots" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_availability_service', '"availability"."time_slots"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "availability"."time_slots" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"availability"."time_slots"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"availability"."time_slots"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"availability"."time_slots"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_availability_service"';
    EXECUTE 'DELETE FROM "availability"."slot_reservations" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_availability_service', '"availability"."slot_reservations"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "availability"."slot_reservations" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"availability"."slot_reservations"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"availability"."slot_reservations"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"availability"."slot_reservations"';
  END IF;
END
$carve$;
