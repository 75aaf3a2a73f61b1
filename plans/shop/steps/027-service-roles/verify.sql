-- Verify: every service role exists

DO $carve$
DECLARE
  missing text;
BEGIN
  SELECT string_agg(r, ', ' ORDER BY r) INTO missing
  FROM unnest(ARRAY['carve_admin', 'carve_audit_service', 'carve_auth_service', 'carve_availability_service', 'carve_billing_service', 'carve_catalog_service', 'carve_memberships_service', 'carve_orders_service', 'carve_payments_service', 'carve_pricing_service', 'carve_rbac_service', 'carve_reference_data', 'carve_reporting', 'carve_ums_service']::text[]) AS r
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: missing roles: %', missing;
  END IF;
END
$carve$;
