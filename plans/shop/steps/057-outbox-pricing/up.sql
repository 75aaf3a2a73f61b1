-- Step: an outbox for context pricing, fed by triggers on its tables

CREATE TABLE IF NOT EXISTS "pricing"."outbox" (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE "pricing"."outbox" IS 'carve:outbox events of context pricing (owner: pricing-service); a relay publishes and deletes them';
-- SECURITY DEFINER: any role allowed to write the tables may emit events, without a grant on the outbox.
CREATE OR REPLACE FUNCTION "pricing"."carve_outbox_emit"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  row_data jsonb;
  key_text text;
BEGIN
  row_data := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
  SELECT string_agg(coalesce(row_data ->> k, ''), ',' ORDER BY n) INTO key_text
  FROM unnest(TG_ARGV) WITH ORDINALITY AS a(k, n);
  INSERT INTO "pricing"."outbox" (aggregate_type, aggregate_id, event_type, payload)
  VALUES (TG_TABLE_NAME, coalesce(key_text, ''),
          TG_TABLE_NAME || '.' || CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
          row_data);
  RETURN NULL;
END
$body$;
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_lists";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."price_lists"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."price_rules";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."price_rules"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."discounts";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."discounts"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotions";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."promotions"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."promotion_redemptions";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."promotion_redemptions"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."pricing_snapshots";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."pricing_snapshots"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
DROP TRIGGER IF EXISTS "carve_outbox" ON "pricing"."tax_rates";
CREATE TRIGGER "carve_outbox" AFTER INSERT OR UPDATE OR DELETE ON "pricing"."tax_rates"
  FOR EACH ROW EXECUTE FUNCTION "pricing"."carve_outbox_emit"('id');
GRANT SELECT, DELETE ON "pricing"."outbox" TO "carve_pricing_service";
