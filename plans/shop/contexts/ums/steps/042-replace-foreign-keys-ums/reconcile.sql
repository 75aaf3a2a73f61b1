-- Reconciliation for the former foreign keys of context ums
-- read-only; each query lists up to 100 orphaned references

-- ums.organizations → reference-data.countries (was organizations_country_code_fkey): rows whose reference has no target
SELECT c."country_code", count(*) AS rows
FROM "ums"."organizations" c
WHERE c."country_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."country_code")
GROUP BY c."country_code"
ORDER BY rows DESC
LIMIT 100;

-- ums.organizations → reference-data.currencies (was organizations_default_currency_fkey): rows whose reference has no target
SELECT c."default_currency", count(*) AS rows
FROM "ums"."organizations" c
WHERE c."default_currency" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."currencies" p WHERE p."code" = c."default_currency")
GROUP BY c."default_currency"
ORDER BY rows DESC
LIMIT 100;

-- ums.user_profiles → reference-data.countries (was user_profiles_country_code_fkey): rows whose reference has no target
SELECT c."country_code", count(*) AS rows
FROM "ums"."user_profiles" c
WHERE c."country_code" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."countries" p WHERE p."code" = c."country_code")
GROUP BY c."country_code"
ORDER BY rows DESC
LIMIT 100;

-- ums.user_profiles → reference-data.locales (was user_profiles_locale_fkey): rows whose reference has no target
SELECT c."locale", count(*) AS rows
FROM "ums"."user_profiles" c
WHERE c."locale" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."locales" p WHERE p."code" = c."locale")
GROUP BY c."locale"
ORDER BY rows DESC
LIMIT 100;

-- ums.user_profiles → reference-data.time_zones (was user_profiles_time_zone_fkey): rows whose reference has no target
SELECT c."time_zone", count(*) AS rows
FROM "ums"."user_profiles" c
WHERE c."time_zone" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."time_zones" p WHERE p."name" = c."time_zone")
GROUP BY c."time_zone"
ORDER BY rows DESC
LIMIT 100;
