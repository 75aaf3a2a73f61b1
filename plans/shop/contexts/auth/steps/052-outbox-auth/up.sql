-- Step: events of context auth from the WAL (publication carve_events_auth, no trigger)

-- A plain CREATE: a publication of that name not made by this plan fails the step instead of being adopted.
CREATE PUBLICATION "carve_events_auth" FOR TABLE "auth"."user_credentials", "auth"."login_identities", "auth"."auth_sessions", "auth"."refresh_tokens", "auth"."auth_tokens", "auth"."password_resets", "auth"."mfa_factors";
COMMENT ON PUBLICATION "carve_events_auth" IS 'carve:events {}';
