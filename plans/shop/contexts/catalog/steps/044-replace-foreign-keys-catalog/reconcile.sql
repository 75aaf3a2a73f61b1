-- Reconciliation for the former foreign keys of context catalog
-- read-only; each query lists up to 100 orphaned references

-- catalog.product_descriptions → reference-data.locales (was product_descriptions_locale_fkey): rows whose reference has no target
SELECT c."locale", count(*) AS rows
FROM "catalog"."product_descriptions" c
WHERE c."locale" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "reference_data"."locales" p WHERE p."code" = c."locale")
GROUP BY c."locale"
ORDER BY rows DESC
LIMIT 100;
