-- Step: move the tables of context payments into schema payments
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."gateway_transactions" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."payment_attempts" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."payment_methods" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."refunds" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."webhook_events" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "payments";
DO $carve$
BEGIN
  IF to_regclass('"payments"."payment_methods"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payment_methods"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."payment_methods" SET SCHEMA "payments";
  END IF;
  IF to_regclass('"payments"."payments"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payments"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."payments" SET SCHEMA "payments";
  END IF;
  IF to_regclass('"payments"."payment_attempts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."payment_attempts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."payment_attempts" SET SCHEMA "payments";
  END IF;
  IF to_regclass('"payments"."gateway_transactions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."gateway_transactions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."gateway_transactions" SET SCHEMA "payments";
  END IF;
  IF to_regclass('"payments"."webhook_events"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."webhook_events"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."webhook_events" SET SCHEMA "payments";
  END IF;
  IF to_regclass('"payments"."refunds"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."refunds"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."refunds" SET SCHEMA "payments";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."payment_methods" AS
  SELECT "id", "user_id", "method_type", "brand", "last4", "exp_month", "exp_year", "gateway", "gateway_token", "is_default", "created_at"
  FROM "payments"."payment_methods";
COMMENT ON VIEW "public"."payment_methods" IS 'carve:compatibility-view payments.payment_methods (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."payments" AS
  SELECT "id", "order_id", "invoice_id", "payment_method_id", "purpose", "status", "amount", "currency_code", "idempotency_key", "created_at", "captured_at", "updated_at"
  FROM "payments"."payments";
COMMENT ON VIEW "public"."payments" IS 'carve:compatibility-view payments.payments (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."payment_attempts" AS
  SELECT "id", "payment_id", "attempt_no", "status", "error_code", "attempted_at"
  FROM "payments"."payment_attempts";
COMMENT ON VIEW "public"."payment_attempts" IS 'carve:compatibility-view payments.payment_attempts (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."gateway_transactions" AS
  SELECT "id", "payment_id", "gateway", "gateway_ref", "txn_type", "status", "amount", "currency_code", "created_at", "settled_at", "last_writer"
  FROM "payments"."gateway_transactions";
COMMENT ON VIEW "public"."gateway_transactions" IS 'carve:compatibility-view payments.gateway_transactions (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."webhook_events" AS
  SELECT "id", "gateway", "event_id", "event_type", "gateway_ref", "payload", "received_at", "processed_at", "process_error"
  FROM "payments"."webhook_events";
COMMENT ON VIEW "public"."webhook_events" IS 'carve:compatibility-view payments.webhook_events (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."refunds" AS
  SELECT "id", "payment_id", "credit_note_id", "amount", "status", "reason", "requested_at", "completed_at"
  FROM "payments"."refunds";
COMMENT ON VIEW "public"."refunds" IS 'carve:compatibility-view payments.refunds (owner: payments-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"payments"."payment_methods"', '"public"."payment_methods"'),
    ('"payments"."payments"', '"public"."payments"'),
    ('"payments"."payment_attempts"', '"public"."payment_attempts"'),
    ('"payments"."gateway_transactions"', '"public"."gateway_transactions"'),
    ('"payments"."webhook_events"', '"public"."webhook_events"'),
    ('"payments"."refunds"', '"public"."refunds"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'payments')
       AND NOT has_schema_privilege(owner_name, 'payments', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'payments', owner_name);
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
