-- Verify: no foreign key from context pricing into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_category_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'discounts_category_id_fkey', '"pricing"."discounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."categories"'::regclass AND tgname = 'carve_loose_fk_f023b8b983') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_f023b8b983', '"catalog"."categories"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."discounts"'::regclass AND conname = 'discounts_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'discounts_product_id_fkey', '"pricing"."discounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."products"'::regclass AND tgname = 'carve_loose_fk_a0ca5a8f9e') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_a0ca5a8f9e', '"catalog"."products"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'price_lists_currency_code_fkey', '"pricing"."price_lists"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_lists"'::regclass AND conname = 'price_lists_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'price_lists_tenant_id_fkey', '"pricing"."price_lists"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_422110970e') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_422110970e', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."price_rules"'::regclass AND conname = 'price_rules_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'price_rules_product_id_fkey', '"pricing"."price_rules"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'fk_promotion_redemptions_order') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'fk_promotion_redemptions_order', '"pricing"."promotion_redemptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."orders"'::regclass AND tgname = 'carve_loose_fk_45522a37e1') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_45522a37e1', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."promotion_redemptions"'::regclass AND conname = 'promotion_redemptions_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'promotion_redemptions_user_id_fkey', '"pricing"."promotion_redemptions"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_d350a6146a') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_d350a6146a', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"pricing"."tax_rates"'::regclass AND conname = 'tax_rates_country_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'tax_rates_country_code_fkey', '"pricing"."tax_rates"';
  END IF;
END
$carve$;
