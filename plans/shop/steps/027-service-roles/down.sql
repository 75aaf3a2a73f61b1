-- Undo: drop the roles this plan created (roles that existed before are kept)

DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."created_roles"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT role_name FROM "carve"."created_roles" WHERE role_name IN ('carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service') ORDER BY role_name LOOP
    BEGIN
      EXECUTE format('DROP ROLE IF EXISTS %I', r.role_name);
      DELETE FROM "carve"."created_roles" WHERE role_name = r.role_name;
    EXCEPTION WHEN dependent_objects_still_exist THEN
      RAISE NOTICE 'carve: role % kept: it still holds privileges in another database', r.role_name;
    END;
  END LOOP;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."created_roles"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."created_roles") THEN
      DROP TABLE "carve"."created_roles";
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
