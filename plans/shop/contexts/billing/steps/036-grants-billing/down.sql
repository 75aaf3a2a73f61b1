-- Undo: the grants on the tables of context billing

REVOKE SELECT ON "public"."credit_notes" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."credit_notes" FROM "carve_billing_service";
REVOKE SELECT ON "billing"."credit_notes" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "billing"."credit_notes" FROM "carve_billing_service";
REVOKE SELECT ON "public"."invoice_lines" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."invoice_lines" FROM "carve_billing_service";
REVOKE SELECT ON "billing"."invoice_lines" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "billing"."invoice_lines" FROM "carve_billing_service";
REVOKE SELECT ON "public"."invoices" FROM "carve_reporting";
REVOKE SELECT ON "public"."invoices" FROM "carve_orders_service";
REVOKE SELECT ON "public"."invoices" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."invoices" FROM "carve_billing_service";
REVOKE SELECT ON "billing"."invoices" FROM "carve_reporting";
REVOKE SELECT ON "billing"."invoices" FROM "carve_orders_service";
REVOKE SELECT ON "billing"."invoices" FROM "carve_admin";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "billing"."invoices" FROM "carve_billing_service";
REVOKE SELECT ON "public"."billing_accounts" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "public"."billing_accounts" FROM "carve_billing_service";
REVOKE SELECT ON "billing"."billing_accounts" FROM "carve_reporting";
REVOKE SELECT, INSERT, UPDATE, DELETE ON "billing"."billing_accounts" FROM "carve_billing_service";
REVOKE USAGE, SELECT ON SEQUENCE "billing"."billing_accounts_id_seq" FROM "carve_billing_service";
REVOKE USAGE, SELECT ON SEQUENCE "billing"."credit_notes_id_seq" FROM "carve_billing_service";
REVOKE USAGE, SELECT ON SEQUENCE "billing"."invoice_lines_id_seq" FROM "carve_billing_service";
REVOKE USAGE, SELECT ON SEQUENCE "billing"."invoices_id_seq" FROM "carve_billing_service";
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT c.oid, x.relation,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(c.relacl) a) AS acl,
                  (SELECT array_agg(a::text ORDER BY a::text) FROM unnest(acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)) a) AS default_acl
           FROM "carve"."revoked_grants" x JOIN pg_class c ON c.oid = to_regclass(x.relation)
           WHERE x.context = 'billing' AND x.privilege = '(acl was null)' AND c.relacl IS NOT NULL LOOP
    IF r.acl IS DISTINCT FROM r.default_acl THEN
      RAISE NOTICE 'carve: % keeps its explicit ACL: someone changed its grants since the plan ran', r.relation;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
      -- Equal to the default, so nothing changes for anyone: only the catalog returns to NULL.
      UPDATE pg_catalog.pg_class SET relacl = NULL WHERE oid = r.oid;
    ELSE
      RAISE NOTICE 'carve: % keeps an explicit ACL equal to the default (only a superuser can reset it to NULL)', r.relation;
    END IF;
  END LOOP;
END
$carve$;
DO $carve$
DECLARE
  r record;
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NULL THEN
    RETURN;
  END IF;
  FOR r IN SELECT relation, privilege FROM "carve"."revoked_grants" WHERE context = 'billing' AND relation <> '' AND privilege <> '(acl was null)' ORDER BY relation, privilege LOOP
    IF to_regclass(r.relation) IS NOT NULL THEN
      EXECUTE format('GRANT %s ON %s TO PUBLIC', r.privilege, r.relation);
    END IF;
  END LOOP;
  DELETE FROM "carve"."revoked_grants" WHERE context = 'billing';
END
$carve$;
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'billing') THEN
    REVOKE USAGE ON SCHEMA "billing" FROM "carve_admin", "carve_billing_service", "carve_orders_service", "carve_reporting";
  END IF;
END
$carve$;
DO $carve$
BEGIN
  IF to_regclass('"carve"."revoked_grants"') IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM "carve"."revoked_grants") THEN
      DROP TABLE "carve"."revoked_grants";
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
