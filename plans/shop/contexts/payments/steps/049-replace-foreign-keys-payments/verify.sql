-- Verify: no foreign key from context payments into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payment_methods"'::regclass AND conname = 'payment_methods_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'payment_methods_user_id_fkey', '"payments"."payment_methods"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_d59acd9a96') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_d59acd9a96', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'payments_currency_code_fkey', '"payments"."payments"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_invoice_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'payments_invoice_id_fkey', '"payments"."payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."invoices"'::regclass AND tgname = 'carve_loose_fk_c184dd21a5') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_c184dd21a5', '"billing"."invoices"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."payments"'::regclass AND conname = 'payments_order_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'payments_order_id_fkey', '"payments"."payments"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."orders"'::regclass AND tgname = 'carve_loose_fk_b5ad2a390e') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_b5ad2a390e', '"orders"."orders"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"payments"."refunds"'::regclass AND conname = 'refunds_credit_note_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'refunds_credit_note_id_fkey', '"payments"."refunds"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"billing"."credit_notes"'::regclass AND tgname = 'carve_loose_fk_19879ed0c6') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_19879ed0c6', '"billing"."credit_notes"';
  END IF;
END
$carve$;
