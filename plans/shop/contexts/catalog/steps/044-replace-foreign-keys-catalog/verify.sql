-- Verify: no foreign key from context catalog into another context is left

DO $carve$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"catalog"."product_descriptions"'::regclass AND conname = 'product_descriptions_locale_fkey') THEN
    RAISE EXCEPTION 'carve verify: the cross-context foreign key % on % still exists', 'product_descriptions_locale_fkey', '"catalog"."product_descriptions"';
  END IF;
END
$carve$;
