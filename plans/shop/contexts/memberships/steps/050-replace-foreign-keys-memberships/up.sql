-- Step: drop the foreign keys from context memberships into other contexts
-- reconcile.sql finds orphans; cleanup.sql applies ON DELETE actions for loose foreign keys

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."currencies" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "memberships"."membership_plans" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."plan_subscriptions" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_fundings" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallets" IN ACCESS EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
CREATE TABLE IF NOT EXISTS "memberships"."carve_loose_fk_queue" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  constraint_name text NOT NULL,
  parent_key jsonb NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
-- SECURITY DEFINER: the referenced table's owner deletes rows, and its role has no grant on this queue.
CREATE OR REPLACE FUNCTION "memberships"."carve_loose_fk_enqueue"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  key jsonb := '{}'::jsonb;
  i int;
BEGIN
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    key := key || jsonb_build_object(TG_ARGV[i], to_jsonb(OLD) -> TG_ARGV[i]);
  END LOOP;
  INSERT INTO "memberships"."carve_loose_fk_queue" (constraint_name, parent_key) VALUES (TG_ARGV[0], key);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_loose_fk_aab7302bed" ON "catalog"."products";
CREATE TRIGGER "carve_loose_fk_aab7302bed" AFTER DELETE ON "catalog"."products"
  FOR EACH ROW EXECUTE FUNCTION "memberships"."carve_loose_fk_enqueue"('membership_plans_product_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_ecbdb8c5d7" ON "ums"."organizations";
CREATE TRIGGER "carve_loose_fk_ecbdb8c5d7" AFTER DELETE ON "ums"."organizations"
  FOR EACH ROW EXECUTE FUNCTION "memberships"."carve_loose_fk_enqueue"('plan_subscriptions_tenant_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_c976dd02f3" ON "ums"."users";
CREATE TRIGGER "carve_loose_fk_c976dd02f3" AFTER DELETE ON "ums"."users"
  FOR EACH ROW EXECUTE FUNCTION "memberships"."carve_loose_fk_enqueue"('plan_subscriptions_user_id_fkey', 'id');
DROP TRIGGER IF EXISTS "carve_loose_fk_b798caa848" ON "payments"."payments";
CREATE TRIGGER "carve_loose_fk_b798caa848" AFTER DELETE ON "payments"."payments"
  FOR EACH ROW EXECUTE FUNCTION "memberships"."carve_loose_fk_enqueue"('wallet_fundings_payment_id_fkey', 'id');
DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."membership_plans"'::regclass AND conname = 'membership_plans_product_id_fkey') THEN
    ALTER TABLE "memberships"."membership_plans" DROP CONSTRAINT "membership_plans_product_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_tenant_id_fkey') THEN
    ALTER TABLE "memberships"."plan_subscriptions" DROP CONSTRAINT "plan_subscriptions_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_user_id_fkey') THEN
    ALTER TABLE "memberships"."plan_subscriptions" DROP CONSTRAINT "plan_subscriptions_user_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallet_fundings"'::regclass AND conname = 'wallet_fundings_payment_id_fkey') THEN
    ALTER TABLE "memberships"."wallet_fundings" DROP CONSTRAINT "wallet_fundings_payment_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_currency_code_fkey') THEN
    ALTER TABLE "memberships"."wallets" DROP CONSTRAINT "wallets_currency_code_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_tenant_id_fkey') THEN
    ALTER TABLE "memberships"."wallets" DROP CONSTRAINT "wallets_tenant_id_fkey";
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_user_id_fkey') THEN
    ALTER TABLE "memberships"."wallets" DROP CONSTRAINT "wallets_user_id_fkey";
  END IF;
END
$carve$;
