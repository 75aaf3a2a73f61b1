-- Step: move the tables of context memberships into schema memberships
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."entitlements" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."membership_plans" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."plan_subscriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."usage_records" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallet_fundings" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallet_transactions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."wallets" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "memberships";
DO $carve$
BEGIN
  IF to_regclass('"memberships"."membership_plans"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."membership_plans"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."membership_plans" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."plan_subscriptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."plan_subscriptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."plan_subscriptions" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."entitlements"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."entitlements"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."entitlements" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."usage_records"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."usage_records"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."usage_records" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."wallets"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallets"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."wallets" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."wallet_transactions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_transactions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."wallet_transactions" SET SCHEMA "memberships";
  END IF;
  IF to_regclass('"memberships"."wallet_fundings"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."wallet_fundings"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."wallet_fundings" SET SCHEMA "memberships";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."membership_plans" AS
  SELECT "id", "code", "name", "product_id", "billing_period", "monthly_fee", "is_public"
  FROM "memberships"."membership_plans";
COMMENT ON VIEW "public"."membership_plans" IS 'carve:compatibility-view memberships.membership_plans (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."plan_subscriptions" AS
  SELECT "id", "tenant_id", "user_id", "plan_id", "status", "started_at", "current_period_end", "cancelled_at", "auto_renew"
  FROM "memberships"."plan_subscriptions";
COMMENT ON VIEW "public"."plan_subscriptions" IS 'carve:compatibility-view memberships.plan_subscriptions (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."entitlements" AS
  SELECT "id", "subscription_id", "feature_code", "quota", "period", "valid_from", "valid_to"
  FROM "memberships"."entitlements";
COMMENT ON VIEW "public"."entitlements" IS 'carve:compatibility-view memberships.entitlements (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."usage_records" AS
  SELECT "id", "entitlement_id", "user_id", "quantity", "recorded_at", "source_ref"
  FROM "memberships"."usage_records";
COMMENT ON VIEW "public"."usage_records" IS 'carve:compatibility-view memberships.usage_records (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."wallets" AS
  SELECT "id", "tenant_id", "user_id", "currency_code", "balance", "status", "created_at"
  FROM "memberships"."wallets";
COMMENT ON VIEW "public"."wallets" IS 'carve:compatibility-view memberships.wallets (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."wallet_transactions" AS
  SELECT "id", "wallet_id", "kind", "amount", "order_id", "note", "created_at", "created_by"
  FROM "memberships"."wallet_transactions";
COMMENT ON VIEW "public"."wallet_transactions" IS 'carve:compatibility-view memberships.wallet_transactions (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."wallet_fundings" AS
  SELECT "id", "wallet_id", "payment_id", "amount", "method", "funded_at", "wallet_transaction_id"
  FROM "memberships"."wallet_fundings";
COMMENT ON VIEW "public"."wallet_fundings" IS 'carve:compatibility-view memberships.wallet_fundings (owner: memberships-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"memberships"."membership_plans"', '"public"."membership_plans"'),
    ('"memberships"."plan_subscriptions"', '"public"."plan_subscriptions"'),
    ('"memberships"."entitlements"', '"public"."entitlements"'),
    ('"memberships"."usage_records"', '"public"."usage_records"'),
    ('"memberships"."wallets"', '"public"."wallets"'),
    ('"memberships"."wallet_transactions"', '"public"."wallet_transactions"'),
    ('"memberships"."wallet_fundings"', '"public"."wallet_fundings"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'memberships')
       AND NOT has_schema_privilege(owner_name, 'memberships', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'memberships', owner_name);
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
