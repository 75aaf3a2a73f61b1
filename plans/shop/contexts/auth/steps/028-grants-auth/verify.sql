-- Verify: auth-service can write the tables of context auth, and another service cannot
-- each write is attempted as that role (DELETE … WHERE false: no row is touched) in a block that is rolled back

DO $carve$
DECLARE
  writers text;
BEGIN
  IF EXISTS (SELECT 1 FROM unnest(ARRAY['carve_auth_service', 'carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)) THEN
    RAISE EXCEPTION 'carve verify: the service roles do not exist (apply the service-roles step first)';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."user_credentials" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."user_credentials"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."user_credentials" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."user_credentials"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."user_credentials"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."user_credentials"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."login_identities" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."login_identities"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."login_identities" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."login_identities"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."login_identities"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."login_identities"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."auth_sessions" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."auth_sessions"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."auth_sessions" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."auth_sessions"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."auth_sessions"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."auth_sessions"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."refresh_tokens" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."refresh_tokens"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."refresh_tokens" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."refresh_tokens"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."refresh_tokens"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."refresh_tokens"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."auth_tokens" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."auth_tokens"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."auth_tokens" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."auth_tokens"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."auth_tokens"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."auth_tokens"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."password_resets" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."password_resets"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."password_resets" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."password_resets"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."password_resets"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."password_resets"';
  END IF;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_auth_service"';
    EXECUTE 'DELETE FROM "auth"."mfa_factors" WHERE false';
    EXECUTE 'RESET ROLE';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE EXCEPTION 'carve verify: the owner role % cannot write %', 'carve_auth_service', '"auth"."mfa_factors"';
  END;
  BEGIN
    EXECUTE 'SET LOCAL ROLE "carve_admin"';
    EXECUTE 'DELETE FROM "auth"."mfa_factors" WHERE false';
    EXECUTE 'RESET ROLE';
    RAISE EXCEPTION 'carve verify: role % can still write %', 'carve_admin', '"auth"."mfa_factors"' USING ERRCODE = 'P0001';
  EXCEPTION WHEN insufficient_privilege THEN
    NULL; -- refused, as it should be
  END;
  SELECT string_agg(r, ', ' ORDER BY r) INTO writers FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) r
    WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) AND has_table_privilege(r, '"auth"."mfa_factors"', 'INSERT, UPDATE, DELETE, TRUNCATE');
  IF writers IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: role % can still write %', writers, '"auth"."mfa_factors"';
  END IF;
END
$carve$;
