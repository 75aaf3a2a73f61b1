-- Verify: reference-data can write the tables of context reference-data, and another service cannot
-- each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back

DO $carve$
DECLARE
  writers text;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(ARRAY['carve_reference_data', 'carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."countries" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."countries"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."countries" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."countries"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."countries"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."countries"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."currencies" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."currencies"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."currencies" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."currencies"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."currencies"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."currencies"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."exchange_rates" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."exchange_rates"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."exchange_rates" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."exchange_rates"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."exchange_rates"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."exchange_rates"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."status_codes" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."status_codes"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."status_codes" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."status_codes"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."status_codes"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."status_codes"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."time_zones" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."time_zones"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."time_zones" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."time_zones"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."time_zones"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."time_zones"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_reference_data"';
    EXECUTE 'DELETE FROM "reference_data"."locales" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_reference_data', '"reference_data"."locales"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "reference_data"."locales" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"reference_data"."locales"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"reference_data"."locales"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"reference_data"."locales"';
  END IF;
END
$carve$;
