-- Verify: every table of context ums has its owner recorded

DO $carve$
DECLARE
  missing text;
BEGIN
  IF to_regclass('"carve"."ownership"') IS NULL THEN
    RAISE EXCEPTION 'carve verify: the ownership registry % does not exist', '"carve"."ownership"';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO missing
  FROM unnest(ARRAY['users', 'user_profiles', 'organizations', 'org_memberships', 'modules', 'module_access', 'user_attributes']::text[]) AS k
  WHERE k <> '' AND NOT EXISTS (
    SELECT 1 FROM "carve"."ownership" o
    WHERE o.table_key = k AND o.context = 'ums' AND o.owner = 'ums-service'
  );
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'carve verify: no recorded owner % for: %', 'ums-service', missing;
  END IF;
END
$carve$;
