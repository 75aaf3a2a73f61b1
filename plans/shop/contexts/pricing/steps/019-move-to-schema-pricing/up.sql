-- Step: move the tables of context pricing into schema pricing
-- and leave a compatibility view under each old name

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "public"."discounts" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "public"."price_lists" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."price_rules" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."pricing_snapshots" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."promotion_redemptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."promotions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "public"."tax_rates" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
-- A plain CREATE SCHEMA: if the schema appeared since the plan was made, this fails instead of adopting it.
CREATE SCHEMA "pricing";
DO $carve$
BEGIN
  IF to_regclass('"pricing"."price_lists"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."price_lists"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."price_lists" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."price_rules"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."price_rules"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."price_rules" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."discounts"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."discounts"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."discounts" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."promotions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."promotions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."promotions" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."promotion_redemptions"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."promotion_redemptions"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."promotion_redemptions" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."pricing_snapshots"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."pricing_snapshots"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."pricing_snapshots" SET SCHEMA "pricing";
  END IF;
  IF to_regclass('"pricing"."tax_rates"') IS NULL AND EXISTS (SELECT 1 FROM pg_class WHERE oid = to_regclass('"public"."tax_rates"') AND relkind IN ('r', 'p')) THEN
    ALTER TABLE "public"."tax_rates" SET SCHEMA "pricing";
  END IF;
END
$carve$;

CREATE OR REPLACE VIEW "public"."price_lists" AS
  SELECT "id", "tenant_id", "code", "name", "currency_code", "is_active", "created_at"
  FROM "pricing"."price_lists";
COMMENT ON VIEW "public"."price_lists" IS 'carve:compatibility-view pricing.price_lists (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."price_rules" AS
  SELECT "id", "price_list_id", "product_id", "amount", "min_quantity", "priority", "valid_from", "valid_to", "created_by"
  FROM "pricing"."price_rules";
COMMENT ON VIEW "public"."price_rules" IS 'carve:compatibility-view pricing.price_rules (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."discounts" AS
  SELECT "id", "code", "description", "percent_off", "amount_off", "product_id", "category_id", "valid_from", "valid_to"
  FROM "pricing"."discounts";
COMMENT ON VIEW "public"."discounts" IS 'carve:compatibility-view pricing.discounts (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."promotions" AS
  SELECT "id", "code", "name", "starts_at", "ends_at", "rules", "budget_amount", "max_redemptions", "is_stackable"
  FROM "pricing"."promotions";
COMMENT ON VIEW "public"."promotions" IS 'carve:compatibility-view pricing.promotions (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."promotion_redemptions" AS
  SELECT "id", "promotion_id", "order_id", "user_id", "discount_amount", "redeemed_at"
  FROM "pricing"."promotion_redemptions";
COMMENT ON VIEW "public"."promotion_redemptions" IS 'carve:compatibility-view pricing.promotion_redemptions (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."pricing_snapshots" AS
  SELECT "id", "quote_ref", "order_id", "tenant_id", "currency_code", "net_total", "tax_total", "breakdown", "computed_at"
  FROM "pricing"."pricing_snapshots";
COMMENT ON VIEW "public"."pricing_snapshots" IS 'carve:compatibility-view pricing.pricing_snapshots (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

CREATE OR REPLACE VIEW "public"."tax_rates" AS
  SELECT "id", "country_code", "tax_class", "rate_pct", "valid_from", "valid_to"
  FROM "pricing"."tax_rates";
COMMENT ON VIEW "public"."tax_rates" IS 'carve:compatibility-view pricing.tax_rates (owner: pricing-service). Legacy access path; move readers to the owner''s API or a read model.';

-- Each view gets its table's owner and grants; the owners get USAGE on the schema.
DO $carve$
DECLARE
  p record;
  a record;
  owner_name text;
BEGIN
  FOR p IN SELECT to_regclass(t) AS tbl, to_regclass(v) AS view FROM (VALUES
    ('"pricing"."price_lists"', '"public"."price_lists"'),
    ('"pricing"."price_rules"', '"public"."price_rules"'),
    ('"pricing"."discounts"', '"public"."discounts"'),
    ('"pricing"."promotions"', '"public"."promotions"'),
    ('"pricing"."promotion_redemptions"', '"public"."promotion_redemptions"'),
    ('"pricing"."pricing_snapshots"', '"public"."pricing_snapshots"'),
    ('"pricing"."tax_rates"', '"public"."tax_rates"')
  ) AS m(t, v) LOOP
    CONTINUE WHEN p.tbl IS NULL OR p.view IS NULL;
    SELECT pg_get_userbyid(relowner) INTO owner_name FROM pg_class WHERE oid = p.tbl;
    EXECUTE format('ALTER VIEW %s OWNER TO %I', p.view, owner_name);
    IF owner_name <> (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'pricing')
       AND NOT has_schema_privilege(owner_name, 'pricing', 'USAGE') THEN
      EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', 'pricing', owner_name);
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
