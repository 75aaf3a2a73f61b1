-- Verify: no foreign key from context memberships into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."membership_plans"'::regclass AND conname = 'membership_plans_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'membership_plans_product_id_fkey', '"memberships"."membership_plans"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."products"'::regclass AND tgname = 'carve_loose_fk_aab7302bed') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_aab7302bed', '"catalog"."products"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'plan_subscriptions_tenant_id_fkey', '"memberships"."plan_subscriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_ecbdb8c5d7') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_ecbdb8c5d7', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."plan_subscriptions"'::regclass AND conname = 'plan_subscriptions_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'plan_subscriptions_user_id_fkey', '"memberships"."plan_subscriptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_c976dd02f3') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_c976dd02f3', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallet_fundings"'::regclass AND conname = 'wallet_fundings_payment_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'wallet_fundings_payment_id_fkey', '"memberships"."wallet_fundings"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"payments"."payments"'::regclass AND tgname = 'carve_loose_fk_b798caa848') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_b798caa848', '"payments"."payments"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'wallets_currency_code_fkey', '"memberships"."wallets"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'wallets_tenant_id_fkey', '"memberships"."wallets"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"memberships"."wallets"'::regclass AND conname = 'wallets_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'wallets_user_id_fkey', '"memberships"."wallets"';
  END IF;
END
$carve$;
