-- Reconciliation for the former foreign keys of context legacy
-- read-only; each query lists up to 100 orphaned references

-- legacy.legacy_user_prefs → ums.users (was legacy_user_prefs_user_fk): rows whose reference has no target
SELECT c."user_id", count(*) AS rows
FROM "legacy"."legacy_user_prefs" c
WHERE c."user_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "ums"."users" p WHERE p."id" = c."user_id")
GROUP BY c."user_id"
ORDER BY rows DESC
LIMIT 100;
