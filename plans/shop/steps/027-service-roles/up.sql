-- Step: one role per service

CREATE SCHEMA IF NOT EXISTS "carve";
CREATE TABLE IF NOT EXISTS "carve"."created_roles" (role_name text PRIMARY KEY, service text NOT NULL);
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_admin') THEN
    CREATE ROLE "carve_admin" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_admin', 'admin') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_audit_service') THEN
    CREATE ROLE "carve_audit_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_audit_service', 'audit-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_auth_service') THEN
    CREATE ROLE "carve_auth_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_auth_service', 'auth-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_availability_service') THEN
    CREATE ROLE "carve_availability_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_availability_service', 'availability-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_billing_service') THEN
    CREATE ROLE "carve_billing_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_billing_service', 'billing-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_catalog_service') THEN
    CREATE ROLE "carve_catalog_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_catalog_service', 'catalog-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_memberships_service') THEN
    CREATE ROLE "carve_memberships_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_memberships_service', 'memberships-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_orders_service') THEN
    CREATE ROLE "carve_orders_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_orders_service', 'orders-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_payments_service') THEN
    CREATE ROLE "carve_payments_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_payments_service', 'payments-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_pricing_service') THEN
    CREATE ROLE "carve_pricing_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_pricing_service', 'pricing-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_rbac_service') THEN
    CREATE ROLE "carve_rbac_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_rbac_service', 'rbac-service') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_reference_data') THEN
    CREATE ROLE "carve_reference_data" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_reference_data', 'reference-data') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_reporting') THEN
    CREATE ROLE "carve_reporting" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_reporting', 'reporting') ON CONFLICT DO NOTHING;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'carve_ums_service') THEN
    CREATE ROLE "carve_ums_service" NOLOGIN;
    INSERT INTO "carve"."created_roles" (role_name, service) VALUES ('carve_ums_service', 'ums-service') ON CONFLICT DO NOTHING;
  END IF;
END
$carve$;
