-- Step: one role per service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."created_roles" (role_name text PRIMARY KEY, service text NOT NULL);
DO $carve$
DECLARE
  users jsonb;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_admin') THEN
    CREATE ROLE "carve_admin" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_admin' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_admin', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_admin', 'admin') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_audit_service') THEN
    CREATE ROLE "carve_audit_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_audit_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_audit_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_audit_service', 'audit-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_auth_service') THEN
    CREATE ROLE "carve_auth_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_auth_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_auth_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_auth_service', 'auth-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_availability_service') THEN
    CREATE ROLE "carve_availability_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_availability_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_availability_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_availability_service', 'availability-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_billing_service') THEN
    CREATE ROLE "carve_billing_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_billing_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_billing_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_billing_service', 'billing-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_catalog_service') THEN
    CREATE ROLE "carve_catalog_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_catalog_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_catalog_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_catalog_service', 'catalog-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_memberships_service') THEN
    CREATE ROLE "carve_memberships_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_memberships_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_memberships_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_memberships_service', 'memberships-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_orders_service') THEN
    CREATE ROLE "carve_orders_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_orders_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_orders_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_orders_service', 'orders-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_payments_service') THEN
    CREATE ROLE "carve_payments_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_payments_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_payments_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_payments_service', 'payments-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_pricing_service') THEN
    CREATE ROLE "carve_pricing_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_pricing_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_pricing_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_pricing_service', 'pricing-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_rbac_service') THEN
    CREATE ROLE "carve_rbac_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_rbac_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_rbac_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_rbac_service', 'rbac-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_reference_data') THEN
    CREATE ROLE "carve_reference_data" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_reference_data' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_reference_data', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_reference_data', 'reference-data') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_reporting') THEN
    CREATE ROLE "carve_reporting" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_reporting' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_reporting', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_reporting', 'reporting') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_ums_service') THEN
    CREATE ROLE "carve_ums_service" NOLOGIN;
    users := '[]';
  ELSE
    SELECT substr(d.description, 12)::jsonb -> 'users' INTO users FROM pg_roles r
      JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
     WHERE r.rolname = 'carve_ums_service' AND starts_with(d.description, 'carve:role ');
  END IF;
  -- users IS NULL: the role existed and Carve did not create it; it is used, never counted or dropped.
  IF users IS NOT NULL THEN
    IF NOT users ? (current_database() || '/' || 'shop') THEN
      users := users || to_jsonb(current_database() || '/' || 'shop');
    END IF;
    EXECUTE format('COMMENT ON ROLE %I IS %L', 'carve_ums_service', 'carve:role ' || jsonb_build_object('users', users)::text);
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_ums_service', 'ums-service') ON CONFLICT DO NOTHING;
  END IF;
END
$carve$;
