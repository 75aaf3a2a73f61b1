-- Undo: re-add the foreign keys of context memberships (NOT VALID, then validated)
-- fails if orphans appeared meanwhile: run reconcile.sql, fix them, then roll back again

-- Every lock up front, in one order (by original table name, as in the other direction). The
-- first waits up to the step's lock_timeout; each further one at most 200ms, so a table
-- already locked is never held longer than that while another is awaited. On a busy database an
-- application transaction is over within that (NOWAIT, tried before, almost never found every
-- table free at once). A lock not granted rolls the step back (55P03) and the executor retries.
LOCK TABLE ONLY "reference_data"."currencies" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('carve.step_lock_timeout', current_setting('lock_timeout'), true), set_config('lock_timeout', '200ms', true);
LOCK TABLE ONLY "memberships"."membership_plans" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."organizations" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "payments"."payments" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."plan_subscriptions" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "catalog"."products" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "ums"."users" IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallet_fundings" IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE ONLY "memberships"."wallets" IN SHARE ROW EXCLUSIVE MODE;
SELECT set_config('lock_timeout', current_setting('carve.step_lock_timeout'), true);
DROP TRIGGER IF EXISTS "carve_loose_fk_aab7302bed" ON "catalog"."products";
DROP TRIGGER IF EXISTS "carve_loose_fk_ecbdb8c5d7" ON "ums"."organizations";
DROP TRIGGER IF EXISTS "carve_loose_fk_c976dd02f3" ON "ums"."users";
DROP TRIGGER IF EXISTS "carve_loose_fk_b798caa848" ON "payments"."payments";
DROP FUNCTION IF EXISTS "memberships"."carve_loose_fk_enqueue"();
DROP TABLE IF EXISTS "memberships"."carve_loose_fk_queue";
DO $carve$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."membership_plans"'::regclass AND conname = 'membership_plans_product_id_fkey') THEN
    ALTER TABLE "memberships"."membership_plans" ADD CONSTRAINT "membership_plans_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "catalog"."products" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "memberships"."membership_plans" VALIDATE CONSTRAINT "membership_plans_product_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_tenant_id_fkey') THEN
    ALTER TABLE "memberships"."plan_subscriptions" ADD CONSTRAINT "plan_subscriptions_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "memberships"."plan_subscriptions" VALIDATE CONSTRAINT "plan_subscriptions_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_user_id_fkey') THEN
    ALTER TABLE "memberships"."plan_subscriptions" ADD CONSTRAINT "plan_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE CASCADE NOT VALID;
    ALTER TABLE "memberships"."plan_subscriptions" VALIDATE CONSTRAINT "plan_subscriptions_user_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallet_fundings"'::regclass AND conname = 'wallet_fundings_payment_id_fkey') THEN
    ALTER TABLE "memberships"."wallet_fundings" ADD CONSTRAINT "wallet_fundings_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"."payments" ("id") ON UPDATE NO ACTION ON DELETE SET NULL NOT VALID;
    ALTER TABLE "memberships"."wallet_fundings" VALIDATE CONSTRAINT "wallet_fundings_payment_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_currency_code_fkey') THEN
    ALTER TABLE "memberships"."wallets" ADD CONSTRAINT "wallets_currency_code_fkey" FOREIGN KEY ("currency_code") REFERENCES "reference_data"."currencies" ("code") ON UPDATE NO ACTION ON DELETE NO ACTION NOT VALID;
    ALTER TABLE "memberships"."wallets" VALIDATE CONSTRAINT "wallets_currency_code_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_tenant_id_fkey') THEN
    ALTER TABLE "memberships"."wallets" ADD CONSTRAINT "wallets_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "ums"."organizations" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "memberships"."wallets" VALIDATE CONSTRAINT "wallets_tenant_id_fkey";
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_user_id_fkey') THEN
    ALTER TABLE "memberships"."wallets" ADD CONSTRAINT "wallets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "ums"."users" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT NOT VALID;
    ALTER TABLE "memberships"."wallets" VALIDATE CONSTRAINT "wallets_user_id_fkey";
  END IF;
END
$carve$;
