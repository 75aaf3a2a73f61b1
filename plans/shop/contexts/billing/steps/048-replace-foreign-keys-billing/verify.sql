-- Verify: no foreign key from context billing into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_country_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'billing_accounts_country_code_fkey', '"billing"."billing_accounts"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."billing_accounts"'::regclass AND conname = 'billing_accounts_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'billing_accounts_tenant_id_fkey', '"billing"."billing_accounts"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."organizations"'::regclass AND tgname = 'carve_loose_fk_ff456ea008') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_ff456ea008', '"ums"."organizations"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."credit_notes"'::regclass AND conname = 'credit_notes_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'credit_notes_tenant_id_fkey', '"billing"."credit_notes"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoice_lines"'::regclass AND conname = 'invoice_lines_order_line_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'invoice_lines_order_line_id_fkey', '"billing"."invoice_lines"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"orders"."order_lines"'::regclass AND tgname = 'carve_loose_fk_6352f530db') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_6352f530db', '"orders"."order_lines"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_bill_to_user_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'invoices_bill_to_user_id_fkey', '"billing"."invoices"';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = '"ums"."users"'::regclass AND tgname = 'carve_loose_fk_95fb1142ac') THEN
    RAISE EXCEPTION 'carve verify: the loose foreign key trigger % on % is missing', 'carve_loose_fk_95fb1142ac', '"ums"."users"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_currency_code_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'invoices_currency_code_fkey', '"billing"."invoices"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_order_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'invoices_order_id_fkey', '"billing"."invoices"';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"billing"."invoices"'::regclass AND conname = 'invoices_tenant_id_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'invoices_tenant_id_fkey', '"billing"."invoices"';
  END IF;
END
$carve$;
