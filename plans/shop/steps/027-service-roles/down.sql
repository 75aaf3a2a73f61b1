-- Undo: this plan stops using its roles; a role Carve created is dropped when no plan on any database uses it (roles that existed before are kept)

DO $carve$
DECLARE
  r record;
  users jsonb;
BEGIN
  IF to_regclass('"carve"."created_roles"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT role_name FROM "carve"."created_roles" WHERE role_name IN ('carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service') ORDER BY role_name LOOP
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles x
      JOIN pg_shdescription d ON d.objoid = x.oid AND d.classoid = 'pg_authid'::regclass
     WHERE x.rolname = r.role_name AND starts_with(d.description, 'carve:role ');
    users := coalesce(users, '[]') - (current_database() || '/' || 'shop');
    IF jsonb_array_length(users) > 0 THEN
      EXECUTE format('COMMENT ON ROLE %I IS %L', r.role_name, 'carve:role ' || jsonb_build_object('users', users)::text);
      RAISE NOTICE 'carve: role % kept: plans still use it (%)', r.role_name, users;
    ELSE
      BEGIN
        EXECUTE format('DROP ROLE IF EXISTS %I', r.role_name);
      EXCEPTION WHEN dependent_objects_still_exist THEN
        EXECUTE format('COMMENT ON ROLE %I IS NULL', r.role_name);
        RAISE NOTICE 'carve: role % kept: it holds privileges that no Carve plan granted', r.role_name;
      END;
    END IF;
    DELETE FROM "carve"."created_roles" WHERE role_name = r.role_name;
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
