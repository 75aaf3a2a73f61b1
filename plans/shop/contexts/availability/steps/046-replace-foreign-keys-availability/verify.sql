-- Verify: no foreign key from context availability into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."service_capacity"'::regclass AND conname = 'service_capacity_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'service_capacity_product_id_fkey', '"availability"."service_capacity"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."products"'::regclass AND tgname = 'carve_loose_fk_0cc39c6218') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_0cc39c6218', '"catalog"."products"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'fk_slot_reservations_order') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'fk_slot_reservations_order', '"availability"."slot_reservations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."orders"'::regclass AND tgname = 'carve_loose_fk_d24196f1da') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_d24196f1da', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."slot_reservations"'::regclass AND conname = 'slot_reservations_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'slot_reservations_user_id_fkey', '"availability"."slot_reservations"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_92f9369908') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_92f9369908', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_country_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'stock_locations_country_code_fkey', '"availability"."stock_locations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."stock_locations"'::regclass AND conname = 'stock_locations_time_zone_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'stock_locations_time_zone_fkey', '"availability"."stock_locations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"availability"."time_slots"'::regclass AND conname = 'time_slots_product_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'time_slots_product_id_fkey', '"availability"."time_slots"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"catalog"."products"'::regclass AND tgname = 'carve_loose_fk_0abd802903') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_0abd802903', '"catalog"."products"';
  END IF;
END
$carve$;
