-- Verify: ums-service can write the tables of context ums, and another service cannot
-- each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back

DO $carve$
DECLARE
  writers text;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(ARRAY['carve_ums_service', 'carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."users" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."users"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."users" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."users"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."users"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."users"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."user_profiles" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."user_profiles"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."user_profiles" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."user_profiles"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."user_profiles"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."user_profiles"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."organizations" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."organizations"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."organizations" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."organizations"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."organizations"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."organizations"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."org_memberships" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."org_memberships"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."org_memberships" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."org_memberships"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."org_memberships"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."org_memberships"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."modules" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."modules"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."modules" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."modules"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."modules"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."modules"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."module_access" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."module_access"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."module_access" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."module_access"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."module_access"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."module_access"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_ums_service"';
    EXECUTE 'DELETE FROM "ums"."user_attributes" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_ums_service', '"ums"."user_attributes"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "ums"."user_attributes" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"ums"."user_attributes"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"ums"."user_attributes"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"ums"."user_attributes"';
  END IF;
END
$carve$;
