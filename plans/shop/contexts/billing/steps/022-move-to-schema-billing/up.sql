-- Step: move the tables of context billing into schema billing
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."billing_accounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."credit_notes" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."invoice_lines" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."invoices" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "billing";
DO $carve$
BEGIN
  IF to_regclass('"billing"."billing_accounts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."billing_accounts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."billing_accounts" SET SCHEMA "billing";
  END IF;
  IF to_regclass('"billing"."invoices"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."invoices"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."invoices" SET SCHEMA "billing";
  END IF;
  IF to_regclass('"billing"."invoice_lines"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."invoice_lines"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."invoice_lines" SET SCHEMA "billing";
  END IF;
  IF to_regclass('"billing"."credit_notes"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."credit_notes"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."credit_notes" SET SCHEMA "billing";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."billing_accounts" AS
  SELECT "id", "tenant_id", "billing_email", "vat_number", "country_code", "payment_terms_days", "created_at"
  FROM "billing"."billing_accounts";
COMMENT ON VIEW "public"."billing_accounts" IS 'carve:compatibility-view billing.billing_accounts (owner: billing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."invoices" AS
  SELECT "id", "invoice_no", "tenant_id", "billing_account_id", "order_id", "bill_to_user_id", "status", "currency_code", "net_amount", "tax_amount", "gross_amount", "issued_at", "due_date", "paid_at", "created_at"
  FROM "billing"."invoices";
COMMENT ON VIEW "public"."invoices" IS 'carve:compatibility-view billing.invoices (owner: billing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."invoice_lines" AS
  SELECT "id", "invoice_id", "line_no", "description", "quantity", "unit_amount", "tax_rate_pct", "amount", "order_line_id"
  FROM "billing"."invoice_lines";
COMMENT ON VIEW "public"."invoice_lines" IS 'carve:compatibility-view billing.invoice_lines (owner: billing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."credit_notes" AS
  SELECT "id", "credit_note_no", "invoice_id", "tenant_id", "amount", "reason", "issued_at", "issued_by"
  FROM "billing"."credit_notes";
COMMENT ON VIEW "public"."credit_notes" IS 'carve:compatibility-view billing.credit_notes (owner: billing-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"billing"."billing_accounts"', '"public"."billing_accounts"'),
    ('"billing"."invoices"', '"public"."invoices"'),
    ('"billing"."invoice_lines"', '"public"."invoice_lines"'),
    ('"billing"."credit_notes"', '"public"."credit_notes"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'billing')
       AND NOT has_schema_privilege(owner_name, 'billing', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'billing', owner_name);
    END IF;
    FOR a IN SELECT e.grantee, e.privilege_type, e.is_grantable FROM pg_class c, aclexplode(c.relacl) e
             WHERE c.oid = p.tbl AND e.grantee <> c.relowner LOOP
      EXECUTE format('GRANT %s ON %s TO %s%s', a.privilege_type, p.view,
                     CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                     CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
  END LOOP;
END
$carve$;
