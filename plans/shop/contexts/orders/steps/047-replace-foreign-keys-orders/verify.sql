-- Verify: no foreign key from context orders into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."cart_items"'::regclass AND conname = 'cart_items_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'cart_items_product_id_fkey', '"orders"."cart_items"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."products"'::regclass AND tgname = 'carve_loose_fk_0f393a8871') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_0f393a8871', '"catalog"."products"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'carts_currency_code_fkey', '"orders"."carts"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'carts_tenant_id_fkey', '"orders"."carts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_abca1ee1e4') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_abca1ee1e4', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."carts"'::regclass AND conname = 'carts_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'carts_user_id_fkey', '"orders"."carts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_28e8f534e0') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_28e8f534e0', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."order_lines"'::regclass AND conname = 'order_lines_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'order_lines_product_id_fkey', '"orders"."order_lines"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'orders_currency_code_fkey', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_cust_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'orders_cust_id_fkey', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_ship_country_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'orders_ship_country_fkey', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"orders"."orders"'::regclass AND conname = 'orders_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'orders_tenant_id_fkey', '"orders"."orders"';
  END IF;
END
$carve$;
