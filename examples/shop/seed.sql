-- =====================================================================================
-- Harbor & Pine — deterministic seed data for schema.sql.
--
-- No random(): every value comes from generate_series, arithmetic and hashtext(), so two
-- loads give identical rows. Dates are fixed (January 2024 to June 2025), never now().
-- The whole load is one transaction.
--
-- A few data-quality problems are planted on purpose, the kind a shared database collects:
--   * user_attributes: five users have two open 'loyalty_tier' rows, and a handful of
--     'credit_limit' values are not decimals although data_type says so;
--   * stock_levels: 20 rows for product ids Catalog never published (no declared FK);
--   * wallet_transactions: 15 refunds point at order ids that no longer exist;
--   * audit_events: some rows name user ids that were purged from users.
-- =====================================================================================

BEGIN;

SET LOCAL timezone = 'UTC';
SET LOCAL jit = off;  -- JIT compiling each generator query costs more than running it
SET LOCAL work_mem = '64MB';  -- keep the sorts behind row_number() in memory

-- As a superuser (PGlite always is), skip trigger-based checks for this transaction, the way
-- pg_restore --disable-triggers does: the data below is consistent by construction and the
-- load runs about twice as fast. Other users load with every foreign key checked.
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        SET LOCAL session_replication_role = replica;
    END IF;
END;
$$;

-- Bulk loads skip the row-level audit trigger (it would stamp clock_timestamp()).
ALTER TABLE users DISABLE TRIGGER USER;
ALTER TABLE roles DISABLE TRIGGER USER;
ALTER TABLE user_role_assignments DISABLE TRIGGER USER;
ALTER TABLE price_rules DISABLE TRIGGER USER;

-- A stable non-negative hash of a text key.
CREATE FUNCTION pg_temp.h(text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT hashtext($1) & 2147483647 $$;

-- -------------------------------------------------------------------------------------
-- Reference data
-- -------------------------------------------------------------------------------------

INSERT INTO currencies (code, name, symbol, minor_units) VALUES
    ('EUR', 'Euro', '€', 2),
    ('USD', 'US Dollar', '$', 2),
    ('GBP', 'Pound Sterling', '£', 2),
    ('CHF', 'Swiss Franc', 'CHF', 2),
    ('SEK', 'Swedish Krona', 'kr', 2),
    ('NOK', 'Norwegian Krone', 'kr', 2),
    ('DKK', 'Danish Krone', 'kr', 2),
    ('PLN', 'Polish Zloty', 'zł', 2),
    ('CAD', 'Canadian Dollar', 'C$', 2),
    ('JPY', 'Japanese Yen', '¥', 0);

INSERT INTO countries (code, iso3, name, currency_code, region, phone_prefix, eu_member) VALUES
    ('DE', 'DEU', 'Germany', 'EUR', 'Europe', '+49', true),
    ('FR', 'FRA', 'France', 'EUR', 'Europe', '+33', true),
    ('NL', 'NLD', 'Netherlands', 'EUR', 'Europe', '+31', true),
    ('BE', 'BEL', 'Belgium', 'EUR', 'Europe', '+32', true),
    ('AT', 'AUT', 'Austria', 'EUR', 'Europe', '+43', true),
    ('IE', 'IRL', 'Ireland', 'EUR', 'Europe', '+353', true),
    ('ES', 'ESP', 'Spain', 'EUR', 'Europe', '+34', true),
    ('IT', 'ITA', 'Italy', 'EUR', 'Europe', '+39', true),
    ('PT', 'PRT', 'Portugal', 'EUR', 'Europe', '+351', true),
    ('FI', 'FIN', 'Finland', 'EUR', 'Europe', '+358', true),
    ('LU', 'LUX', 'Luxembourg', 'EUR', 'Europe', '+352', true),
    ('GR', 'GRC', 'Greece', 'EUR', 'Europe', '+30', true),
    ('SK', 'SVK', 'Slovakia', 'EUR', 'Europe', '+421', true),
    ('SI', 'SVN', 'Slovenia', 'EUR', 'Europe', '+386', true),
    ('EE', 'EST', 'Estonia', 'EUR', 'Europe', '+372', true),
    ('LV', 'LVA', 'Latvia', 'EUR', 'Europe', '+371', true),
    ('LT', 'LTU', 'Lithuania', 'EUR', 'Europe', '+370', true),
    ('HR', 'HRV', 'Croatia', 'EUR', 'Europe', '+385', true),
    ('MT', 'MLT', 'Malta', 'EUR', 'Europe', '+356', true),
    ('CY', 'CYP', 'Cyprus', 'EUR', 'Europe', '+357', true),
    ('SE', 'SWE', 'Sweden', 'SEK', 'Europe', '+46', true),
    ('DK', 'DNK', 'Denmark', 'DKK', 'Europe', '+45', true),
    ('PL', 'POL', 'Poland', 'PLN', 'Europe', '+48', true),
    ('NO', 'NOR', 'Norway', 'NOK', 'Europe', '+47', false),
    ('CH', 'CHE', 'Switzerland', 'CHF', 'Europe', '+41', false),
    ('LI', 'LIE', 'Liechtenstein', 'CHF', 'Europe', '+423', false),
    ('GB', 'GBR', 'United Kingdom', 'GBP', 'Europe', '+44', false),
    ('US', 'USA', 'United States', 'USD', 'North America', '+1', false),
    ('CA', 'CAN', 'Canada', 'CAD', 'North America', '+1', false),
    ('JP', 'JPN', 'Japan', 'JPY', 'Asia', '+81', false);

INSERT INTO time_zones (name, utc_offset_min, observes_dst) VALUES
    ('UTC', 0, false),
    ('Europe/London', 0, true),
    ('Europe/Dublin', 0, true),
    ('Europe/Lisbon', 0, true),
    ('Europe/Berlin', 60, true),
    ('Europe/Paris', 60, true),
    ('Europe/Amsterdam', 60, true),
    ('Europe/Brussels', 60, true),
    ('Europe/Vienna', 60, true),
    ('Europe/Madrid', 60, true),
    ('Europe/Rome', 60, true),
    ('Europe/Stockholm', 60, true),
    ('Europe/Oslo', 60, true),
    ('Europe/Copenhagen', 60, true),
    ('Europe/Warsaw', 60, true),
    ('Europe/Zurich', 60, true),
    ('Europe/Helsinki', 120, true),
    ('Europe/Athens', 120, true),
    ('America/New_York', -300, true),
    ('America/Chicago', -360, true),
    ('America/Los_Angeles', -480, true),
    ('America/Toronto', -300, true),
    ('Asia/Tokyo', 540, false);

INSERT INTO locales (code, language, country_code, is_default) VALUES
    ('en-GB', 'English (UK)', 'GB', true),
    ('en-US', 'English (US)', 'US', false),
    ('de-DE', 'German', 'DE', false),
    ('fr-FR', 'French', 'FR', false),
    ('nl-NL', 'Dutch', 'NL', false),
    ('es-ES', 'Spanish', 'ES', false),
    ('it-IT', 'Italian', 'IT', false),
    ('sv-SE', 'Swedish', 'SE', false),
    ('pl-PL', 'Polish', 'PL', false),
    ('ja-JP', 'Japanese', 'JP', false);

INSERT INTO status_codes (domain, code, label, is_terminal, sort_order) VALUES
    ('order', 'pending', 'Awaiting payment', false, 10),
    ('order', 'confirmed', 'Confirmed', false, 20),
    ('order', 'paid', 'Paid', false, 30),
    ('order', 'shipped', 'Shipped', false, 40),
    ('order', 'delivered', 'Delivered', true, 50),
    ('order', 'cancelled', 'Cancelled', true, 60),
    ('order', 'refunded', 'Refunded', true, 70),
    ('payment', 'initiated', 'Started', false, 10),
    ('payment', 'authorized', 'Authorized', false, 20),
    ('payment', 'captured', 'Captured', true, 30),
    ('payment', 'failed', 'Failed', true, 40),
    ('payment', 'voided', 'Voided', true, 50),
    ('payment', 'refunded', 'Refunded', true, 60),
    ('invoice', 'draft', 'Draft', false, 10),
    ('invoice', 'issued', 'Issued', false, 20),
    ('invoice', 'overdue', 'Overdue', false, 30),
    ('invoice', 'paid', 'Paid', true, 40),
    ('invoice', 'void', 'Void', true, 50),
    ('invoice', 'credited', 'Credited', true, 60),
    ('refund', 'requested', 'Requested', false, 10),
    ('refund', 'processing', 'Processing', false, 20),
    ('refund', 'succeeded', 'Refunded', true, 30),
    ('refund', 'failed', 'Refund failed', true, 40),
    ('subscription', 'trial', 'Trial', false, 10),
    ('subscription', 'active', 'Active', false, 20),
    ('subscription', 'past_due', 'Payment overdue', false, 30),
    ('subscription', 'cancelled', 'Cancelled', true, 40),
    ('subscription', 'expired', 'Expired', true, 50),
    ('reservation', 'held', 'Held', false, 10),
    ('reservation', 'confirmed', 'Confirmed', false, 20),
    ('reservation', 'released', 'Released', true, 30),
    ('reservation', 'no_show', 'No show', true, 40),
    ('user', 'invited', 'Invited', false, 10),
    ('user', 'active', 'Active', false, 20),
    ('user', 'suspended', 'Suspended', false, 30),
    ('user', 'deleted', 'Deleted', true, 40);

-- EUR reference rates for each business day, Jan 2024 - Jun 2025, wobbling deterministically around a mid rate.
INSERT INTO exchange_rates (base_currency, quote_currency, rate_date, rate, source)
SELECT 'EUR', q.code, d::date,
       round(q.mid * (1 + ((pg_temp.h(q.code || d::date::text) % 401) - 200) / 10000.0), 6),
       'ecb'
  FROM (VALUES ('USD', 1.0850), ('GBP', 0.8580), ('CHF', 0.9600), ('SEK', 11.3500), ('NOK', 11.6000),
               ('DKK', 7.4600), ('PLN', 4.3200), ('CAD', 1.4800), ('JPY', 162.0000)) AS q (code, mid)
 CROSS JOIN generate_series(date '2024-01-01', date '2025-06-30', interval '1 day') AS d
 WHERE extract(isodow FROM d) < 6
 ORDER BY d, q.code;

-- Helper tables for the seed only.
CREATE TEMP TABLE seed_geo (code char(2) PRIMARY KEY, locale varchar(10), tz varchar(64), vat numeric(5, 2)) ON COMMIT DROP;
INSERT INTO seed_geo VALUES
    ('DE', 'de-DE', 'Europe/Berlin', 19), ('FR', 'fr-FR', 'Europe/Paris', 20), ('NL', 'nl-NL', 'Europe/Amsterdam', 21),
    ('BE', 'fr-FR', 'Europe/Brussels', 21), ('AT', 'de-DE', 'Europe/Vienna', 20), ('IE', 'en-GB', 'Europe/Dublin', 23),
    ('ES', 'es-ES', 'Europe/Madrid', 21), ('IT', 'it-IT', 'Europe/Rome', 22), ('PT', 'en-GB', 'Europe/Lisbon', 23),
    ('FI', 'sv-SE', 'Europe/Helsinki', 24), ('LU', 'fr-FR', 'Europe/Brussels', 17), ('GR', 'en-GB', 'Europe/Athens', 24),
    ('SK', 'en-GB', 'Europe/Vienna', 20), ('SI', 'en-GB', 'Europe/Vienna', 22), ('EE', 'en-GB', 'Europe/Helsinki', 22),
    ('LV', 'en-GB', 'Europe/Helsinki', 21), ('LT', 'en-GB', 'Europe/Helsinki', 21), ('HR', 'en-GB', 'Europe/Vienna', 25),
    ('MT', 'en-GB', 'Europe/Rome', 18), ('CY', 'en-GB', 'Europe/Athens', 19), ('SE', 'sv-SE', 'Europe/Stockholm', 25),
    ('DK', 'en-GB', 'Europe/Copenhagen', 25), ('PL', 'pl-PL', 'Europe/Warsaw', 23), ('NO', 'en-GB', 'Europe/Oslo', 25),
    ('CH', 'de-DE', 'Europe/Zurich', 8.1), ('LI', 'de-DE', 'Europe/Zurich', 8.1), ('GB', 'en-GB', 'Europe/London', 20),
    ('US', 'en-US', 'America/New_York', 7.25), ('CA', 'en-US', 'America/Toronto', 5), ('JP', 'ja-JP', 'Asia/Tokyo', 10);

-- Prices are kept in EUR; other price lists convert with a fixed factor.
CREATE TEMP TABLE seed_fx (currency char(3) PRIMARY KEY, factor numeric(8, 4)) ON COMMIT DROP;
INSERT INTO seed_fx VALUES ('EUR', 1), ('GBP', 0.86), ('USD', 1.09), ('CHF', 0.96), ('SEK', 11.35);

INSERT INTO tax_rates (country_code, tax_class, rate_pct, valid_from, valid_to)
SELECT code, 'standard', vat, date '2019-01-01', NULL FROM seed_geo WHERE code NOT IN ('DE', 'CH', 'LI')
UNION ALL SELECT 'DE', 'standard', 19, date '2019-01-01', date '2020-06-30'
UNION ALL SELECT 'DE', 'standard', 16, date '2020-07-01', date '2020-12-31'
UNION ALL SELECT 'DE', 'standard', 19, date '2021-01-01', NULL
UNION ALL SELECT 'DE', 'reduced', 7, date '2019-01-01', NULL
UNION ALL SELECT 'FR', 'reduced', 5.5, date '2019-01-01', NULL
UNION ALL SELECT 'GB', 'reduced', 5, date '2019-01-01', NULL
UNION ALL SELECT 'CH', 'standard', 7.7, date '2019-01-01', date '2023-12-31'
UNION ALL SELECT 'CH', 'standard', 8.1, date '2024-01-01', NULL
UNION ALL SELECT 'LI', 'standard', 7.7, date '2019-01-01', date '2023-12-31'
UNION ALL SELECT 'LI', 'standard', 8.1, date '2024-01-01', NULL
ORDER BY 1, 2, 4;

-- -------------------------------------------------------------------------------------
-- UMS
-- -------------------------------------------------------------------------------------

INSERT INTO organizations (id, slug, legal_name, display_name, country_code, default_currency, plan_tier, is_active, created_on, parent_org_id)
VALUES
    (1, 'harbor-pine-direct', 'Harbor & Pine Retail GmbH', 'Harbor & Pine Direct', 'DE', 'EUR', 'enterprise', true, '2018-02-01 09:00', NULL),
    (2, 'northwind-outfitters', 'Northwind Outfitters Ltd', 'Northwind Outfitters', 'GB', 'GBP', 'business', true, '2018-09-14 10:30', NULL),
    (3, 'bluefin-marine', 'Bluefin Marine Supply B.V.', 'Bluefin Marine', 'NL', 'EUR', 'standard', true, '2019-01-22 08:15', NULL),
    (4, 'cedar-stone', 'Cedar & Stone Interiors SAS', 'Cedar & Stone', 'FR', 'EUR', 'standard', true, '2019-03-05 14:00', NULL),
    (5, 'alder-street-bikes', 'Alder Street Bikes Inc.', 'Alder Street Bikes', 'US', 'USD', 'enterprise', true, '2019-05-18 16:45', NULL),
    (6, 'lumen-coffee', 'Lumen Coffee Roasters GmbH', 'Lumen Coffee', 'DE', 'EUR', 'business', true, '2019-08-30 11:20', NULL),
    (7, 'fjord-kitchenware', 'Fjord Kitchenware AB', 'Fjord Kitchenware', 'SE', 'SEK', 'standard', true, '2019-11-11 09:05', NULL),
    (8, 'quayside-bakery', 'Quayside Bakery Group Ltd', 'Quayside Bakery', 'IE', 'EUR', 'standard', true, '2020-02-03 07:50', NULL),
    (9, 'meridian-workshops', 'Meridian Workshops AG', 'Meridian Workshops', 'CH', 'CHF', 'business', true, '2020-04-27 13:10', NULL),
    (10, 'tidewater-garden', 'Tidewater Garden Co Ltd', 'Tidewater Garden', 'GB', 'GBP', 'standard', true, '2020-07-08 15:35', NULL),
    (11, 'copperleaf-studios', 'Copperleaf Studios GmbH', 'Copperleaf', 'AT', 'EUR', 'trial', true, '2020-10-19 10:00', NULL),
    (12, 'saltmarsh-outdoor', 'Saltmarsh Outdoor GmbH', 'Saltmarsh Outdoor', 'DE', 'EUR', 'standard', true, '2021-01-12 12:40', 1),
    (13, 'juniper-home', 'Juniper Home SRL', 'Juniper Home', 'BE', 'EUR', 'standard', true, '2021-04-01 08:00', NULL),
    (14, 'ironbridge-tools', 'Ironbridge Tools plc', 'Ironbridge Tools', 'GB', 'GBP', 'business', true, '2021-06-23 17:15', NULL),
    (15, 'kestrel-sports', 'Kestrel Sports S.L.', 'Kestrel Sports', 'ES', 'EUR', 'standard', true, '2021-09-09 09:45', NULL),
    (16, 'marlow-textiles', 'Marlow Textiles S.p.A.', 'Marlow Textiles', 'IT', 'EUR', 'standard', true, '2022-01-17 10:20', NULL),
    (17, 'oakhaven-schools', 'Oakhaven Schools District', 'Oakhaven Schools', 'US', 'USD', 'trial', true, '2022-05-02 14:55', 5),
    (18, 'pebble-cove-rentals', 'Pebble Cove Rentals Lda', 'Pebble Cove', 'PT', 'EUR', 'standard', false, '2022-08-15 11:30', NULL),
    (19, 'greyfriars-books', 'Greyfriars Books Ltd', 'Greyfriars Books', 'GB', 'GBP', 'standard', true, '2023-02-06 16:00', 14),
    (20, 'vireo-health', 'Vireo Health ApS', 'Vireo Health', 'DK', 'EUR', 'business', true, '2023-06-26 08:30', NULL);

CREATE TEMP TABLE seed_people ON COMMIT DROP AS
SELECT g AS id,
       (ARRAY['Anna','Ben','Clara','David','Emma','Felix','Grace','Hugo','Ines','Jonas','Katja','Liam','Mia','Noah','Olivia','Paul',
              'Quinn','Rosa','Sven','Tara','Umar','Vera','Will','Xenia','Yusuf','Zoe','Lena','Marco','Nina','Oscar','Priya','Rafael',
              'Sofia','Tomas','Ulla','Victor','Wendy','Yara','Elif','Jamal'])[1 + (g * 7) % 40] AS first_name,
       (ARRAY['Berg','Carter','Dubois','Eriksen','Fischer','Garcia','Hansen','Ivanova','Jensen','Keller','Larsen','Moreau','Novak',
              'Olsen','Petit','Quist','Rossi','Schmidt','Tanaka','Urban','Vogel','Walsh','Young','Ziegler','Murphy','Kowalski','Lindqvist',
              'Brennan','Costa','De Vries','Evans','Fontaine','Gallo','Huber','Ito','Jansen','Klein','Lopez','Meyer','Nolan'])[1 + (g * 13 + g / 40) % 40] AS last_name,
       (ARRAY['DE','DE','DE','DE','DE','GB','GB','GB','FR','FR','NL','NL','US','US','US','BE','AT','IE','ES','ES',
              'IT','IT','PT','FI','SE','DK','PL','NO','CH','CA','JP','LU','GR','SK','SI','EE','LV','LT','HR','MT',
              'CY','LI'])[1 + pg_temp.h('cty' || g) % 42] AS country_code,
       CASE g % 50 WHEN 0 THEN 'deleted' WHEN 1 THEN 'suspended' WHEN 2 THEN 'invited' ELSE 'active' END AS status,
       timestamptz '2021-03-01 08:00:00+00' + g * interval '9 hours 17 minutes' AS created_at
  FROM generate_series(1, 2000) AS g;

INSERT INTO users (id, email, legacy_login, primary_org_id, status, email_verified, created_at, updated_at, deleted_at)
SELECT p.id,
       lower(p.first_name) || '.' || replace(lower(p.last_name), ' ', '') || p.id || '@'
           || (ARRAY['example.com', 'mail.example.org', 'post.example.net', 'example.co.uk'])[1 + p.id % 4],
       CASE WHEN p.id <= 400 THEN 'u' || lpad(p.id::text, 5, '0') END,
       CASE WHEN p.id % 97 = 0 THEN NULL WHEN p.id % 2 = 0 THEN 1 ELSE 2 + (p.id / 2) % 19 END,
       p.status,
       p.status <> 'invited',
       p.created_at,
       p.created_at + (p.id % 300) * interval '24 hours',
       CASE WHEN p.status = 'deleted' THEN p.created_at + (400 + p.id % 200) * interval '24 hours' END
  FROM seed_people p
 ORDER BY p.id;

INSERT INTO user_profiles (user_id, first_name, last_name, display_name, phone, country_code, locale, time_zone, avatar_url, job_title, fax, updated_at, updated_by)
SELECT u.id, p.first_name, p.last_name, p.first_name || ' ' || left(p.last_name, 1) || '.',
       CASE WHEN u.id % 3 <> 0 THEN '+' || (10000000000 + pg_temp.h('ph' || u.id) % 89999999999)::text END,
       p.country_code,
       CASE WHEN u.id % 9 = 0 THEN 'en-GB' ELSE geo.locale END,
       geo.tz,
       CASE WHEN u.id % 4 = 0 THEN 'https://cdn.example.com/avatars/' || md5('av' || u.id) || '.jpg' END,
       (ARRAY['Buyer', 'Store manager', 'Accountant', 'Owner', 'Workshop lead', NULL, 'Purchasing', NULL])[1 + u.id % 8],
       CASE WHEN u.id < 60 AND u.id % 7 = 0 THEN '+4940' || (1000000 + u.id) END,
       u.updated_at,
       (ARRAY['ums', 'ums', 'ums', 'rbac-sync', 'admin:ops', 'ums'])[1 + u.id % 6]
  FROM users u
  JOIN seed_people p ON p.id = u.id
  JOIN seed_geo geo ON geo.code = p.country_code;

INSERT INTO org_memberships (id, tenant_id, user_id, member_type, joined_at, left_at, invited_by)
SELECT row_number() OVER (ORDER BY m.tenant_id, m.user_id), m.tenant_id, m.user_id, m.member_type, m.joined_at, m.left_at, m.invited_by
  FROM (
        SELECT u.primary_org_id AS tenant_id, u.id AS user_id,
               CASE WHEN u.id = min(u.id) OVER (PARTITION BY u.primary_org_id) THEN 'owner'
                    WHEN u.id % 25 = 0 THEN 'admin' ELSE 'member' END AS member_type,
               u.created_at + interval '10 minutes' AS joined_at,
               CASE WHEN u.status = 'deleted' THEN u.deleted_at END AS left_at,
               NULL::integer AS invited_by
          FROM users u WHERE u.primary_org_id IS NOT NULL
        UNION ALL
        SELECT 1 + (u.primary_org_id + 1 + u.id % 7) % 20, u.id, 'guest',
               u.created_at + (30 + u.id % 200) * interval '24 hours', NULL,
               CASE WHEN u.id > 100 THEN u.id - 1 - (u.id % 50) END
          FROM users u WHERE u.primary_org_id IS NOT NULL AND u.id % 6 = 0
       ) m;

INSERT INTO modules (code, name, description, is_billable) VALUES
    ('orders', 'Ordering', 'Place and track orders', false),
    ('billing', 'Invoices', 'See and download invoices', false),
    ('wallet', 'Wallet', 'Prepaid store credit', true),
    ('workshops', 'Workshops', 'Book service slots and workshops', true),
    ('reports', 'Reports', 'Sales and spend reports', true),
    ('catalog_admin', 'Catalog administration', 'Edit products and descriptions', false),
    ('memberships', 'Memberships', 'Membership plans and perks', true),
    ('api', 'API access', 'Personal API tokens', true);

INSERT INTO module_access (id, tenant_id, user_id, module_code, granted_at, revoked_at)
SELECT row_number() OVER (ORDER BY m.id, k), m.tenant_id, m.user_id,
       (ARRAY['orders', 'billing', 'wallet', 'workshops', 'reports', 'catalog_admin', 'memberships', 'api'])[1 + (m.user_id + k * 3) % 8],
       m.joined_at + k * interval '1 hour',
       CASE WHEN (m.id + k) % 23 = 0 THEN m.joined_at + interval '200 days' END
  FROM org_memberships m
 CROSS JOIN LATERAL generate_series(0, pg_temp.h('mods' || m.id) % 3) AS k;

-- Effective-dated attributes. Rows opened before 2022 use NULL as the open end, later ones 9999-12-31.
INSERT INTO user_attributes (user_id, tenant_id, attr_key, attr_value, data_type, st_dt, e_dt, changed_by)
SELECT a.user_id, a.tenant_id, a.attr_key,
       CASE a.attr_key
            WHEN 'marketing_opt_in' THEN CASE WHEN (a.user_id + a.v) % 2 = 0 THEN 'true' ELSE 'false' END
            WHEN 'loyalty_tier' THEN (ARRAY['bronze', 'silver', 'gold', 'platinum'])[least(4, a.v + a.user_id % 2)]
            WHEN 'credit_limit' THEN CASE WHEN a.user_id % 380 = 0 AND a.v = a.n THEN 'n/a' ELSE (500 * (a.v + a.user_id % 4))::text || '.00' END
            WHEN 'preferred_language' THEN (ARRAY['en', 'de', 'fr', 'nl'])[1 + (a.user_id + a.v) % 4]
       END,
       CASE a.attr_key WHEN 'marketing_opt_in' THEN 'boolean' WHEN 'credit_limit' THEN 'decimal' ELSE 'string' END,
       a.st,
       CASE WHEN a.v < a.n AND NOT (a.attr_key = 'loyalty_tier' AND a.v = a.n - 1 AND a.user_id IN (398, 796, 1004, 1592, 1990)) THEN a.next_st - 1
            WHEN a.st < date '2022-01-01' THEN NULL
            ELSE date '9999-12-31' END,
       (ARRAY['ums', 'ums', 'ums', 'admin', 'rbac-sync'])[1 + (a.user_id + a.v) % 5]
  FROM (
        SELECT k.user_id, k.tenant_id, k.attr_key, k.n, v,
               k.first_st + (v - 1) * k.step AS st,
               k.first_st + v * k.step AS next_st
          FROM (
                SELECT u.id AS user_id, u.primary_org_id AS tenant_id, key.attr_key,
                       CASE key.attr_key
                            WHEN 'marketing_opt_in' THEN 1 + (u.id % 3 = 0)::int
                            WHEN 'loyalty_tier' THEN 1 + u.id % 3
                            WHEN 'credit_limit' THEN 1 + u.id % 2
                            ELSE 1 END AS n,
                       (u.created_at AT TIME ZONE 'UTC')::date AS first_st,
                       120 + u.id % 180 AS step
                  FROM users u
                 CROSS JOIN (VALUES ('marketing_opt_in'), ('loyalty_tier'), ('credit_limit'), ('preferred_language')) AS key (attr_key)
                 WHERE key.attr_key = 'marketing_opt_in'
                    OR (key.attr_key = 'loyalty_tier' AND u.id % 2 = 0)
                    OR (key.attr_key = 'credit_limit' AND u.id % 5 = 0)
                    OR (key.attr_key = 'preferred_language' AND u.id % 3 = 1)
               ) k
         CROSS JOIN LATERAL generate_series(1, k.n) AS v
       ) a
 ORDER BY a.user_id, a.attr_key, a.v;

-- -------------------------------------------------------------------------------------
-- Auth
-- -------------------------------------------------------------------------------------

INSERT INTO user_credentials (id, user_id, password_hash, hash_algo, must_change, failed_attempts, locked_until, last_login_at, created_at, rotated_at, is_current)
SELECT row_number() OVER (ORDER BY c.user_id, c.is_current), c.*
  FROM (
        SELECT u.id AS user_id,
               CASE WHEN u.id <= 400 AND u.id % 3 = 0 THEN md5('pw' || u.id)
                    ELSE '$2b$12$' || substr(md5('salt' || u.id), 1, 22) || substr(md5('hash' || u.id), 1, 31) END,
               CASE WHEN u.id <= 400 AND u.id % 3 = 0 THEN 'md5' WHEN u.id > 1800 THEN 'argon2id' ELSE 'bcrypt' END,
               u.id % 41 = 0,
               (u.id % 13 = 0)::int * (1 + u.id % 4),
               CASE WHEN u.status = 'suspended' THEN timestamptz '2025-07-01 00:00:00+00' END,
               timestamptz '2025-06-30 00:00:00+00' - (pg_temp.h('ll' || u.id) % 7200) * interval '1 hour',
               u.created_at,
               CASE WHEN u.id % 10 = 0 THEN u.created_at + interval '400 days' END,
               true AS is_current
          FROM users u
         WHERE u.status <> 'invited' AND u.id % 11 <> 0
        UNION ALL
        SELECT u.id, md5('oldpw' || u.id), 'md5', false, 0, NULL, u.created_at + interval '300 days', u.created_at, NULL, false
          FROM users u
         WHERE u.status <> 'invited' AND u.id % 11 <> 0 AND u.id % 10 = 0
       ) c;

INSERT INTO login_identities (id, user_id, provider, subject, email_at_link, linked_at, last_used_at)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY i.user_id, i.provider), i.*
  FROM (
        SELECT c.user_id, 'password' AS provider, 'local:' || c.user_id AS subject, u.email, u.created_at AS linked_at, c.last_login_at
          FROM user_credentials c JOIN users u ON u.id = c.user_id WHERE c.is_current
        UNION ALL
        SELECT u.id, 'google', (100000000000000000000 + pg_temp.h('g' || u.id)::numeric * 10000 + u.id)::text, u.email,
               u.created_at + interval '2 days', timestamptz '2025-06-01 00:00:00+00' + (u.id % 600) * interval '1 hour'
          FROM users u WHERE u.id % 4 = 0 OR u.id % 11 = 0
        UNION ALL
        SELECT u.id, 'microsoft', md5('ms' || u.id)::uuid::text, u.email, u.created_at + interval '5 days', NULL
          FROM users u WHERE u.id % 9 = 0
        UNION ALL
        SELECT u.id, 'saml', 'alder-street-bikes|' || split_part(u.email, '@', 1), u.email, u.created_at + interval '1 day',
               timestamptz '2025-05-01 00:00:00+00' + (u.id % 900) * interval '1 hour'
          FROM users u WHERE u.primary_org_id = 5
       ) i;

INSERT INTO auth_sessions (id, user_id, identity_id, ip_address, user_agent, created_at, expires_at, revoked_at)
SELECT md5('session' || g)::uuid,
       uid,
       (SELECT min(li.id) FROM login_identities li WHERE li.user_id = uid),
       ('10.' || (g % 200) || '.' || (g / 200 % 250) || '.' || (1 + g % 250))::inet,
       (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4)',
              'HarborPine/5.12 (iOS 17.4)', 'HarborPine/5.12 (Android 14)', 'okhttp/4.12.0'])[1 + g % 5],
       started,
       started + interval '720 hours',
       CASE WHEN g % 5 = 0 THEN started + (1 + g % 48) * interval '1 hour' END
  FROM generate_series(1, 4000) AS g
 CROSS JOIN LATERAL (SELECT 1 + pg_temp.h('su' || g) % 2000 AS uid0,
                            timestamptz '2024-01-01 00:00:00+00' + g * interval '196 minutes' AS started) AS x
 CROSS JOIN LATERAL (SELECT CASE WHEN uid0 % 50 = 2 THEN uid0 + 1 ELSE uid0 END AS uid) AS y;

-- Sessions that lived past a day rotated their token once; the old token points at its successor.
INSERT INTO refresh_tokens (id, session_id, user_id, token_hash, issued_at, expires_at, replaced_by, revoked)
SELECT r.id, r.session_id, r.user_id, r.token_hash, r.issued_at, r.expires_at,
       CASE WHEN r.t < r.n THEN r.id + 1 END, r.revoked
  FROM (
        SELECT row_number() OVER (ORDER BY s.created_at, s.id, t) AS id, t, k.n,
               s.id AS session_id, s.user_id,
               md5('rt' || s.id::text || t) || md5('rt2' || s.id::text || t) AS token_hash,
               s.created_at + (t - 1) * interval '24 hours' AS issued_at,
               s.created_at + (t - 1) * interval '24 hours' + interval '720 hours' AS expires_at,
               s.revoked_at IS NOT NULL AS revoked
          FROM auth_sessions s
         CROSS JOIN LATERAL (SELECT 1 + (pg_temp.h(s.id::text) % 3 = 0)::int AS n) AS k
         CROSS JOIN LATERAL generate_series(1, k.n) AS t
       ) r;

INSERT INTO auth_tokens (id, user_id, tenant_id, name, token_prefix, token_hash, scopes, created_at, last_used_at, expires_at)
SELECT g, u.id, u.primary_org_id,
       (ARRAY['ERP sync', 'Zapier', 'Reporting export', 'Warehouse scanner', 'CLI'])[1 + g % 5],
       'hp_' || substr(md5('tp' || g), 1, 5),
       md5('tok' || g) || md5('tok2' || g),
       CASE g % 5 WHEN 0 THEN ARRAY['orders:read', 'invoices:read'] WHEN 1 THEN ARRAY['orders:read', 'orders:write']
                  WHEN 2 THEN ARRAY['reports:read', 'reports:export'] WHEN 3 THEN ARRAY['stock:read', 'stock:write']
                  ELSE ARRAY['catalog:read', 'catalog:write'] END,
       u.created_at + interval '90 days',
       CASE WHEN g % 4 <> 0 THEN timestamptz '2025-06-15 00:00:00+00' + g * interval '1 hour' END,
       CASE WHEN g % 3 = 0 THEN timestamptz '2026-01-01 00:00:00+00' END
  FROM generate_series(1, 300) AS g
  JOIN users u ON u.id = 1 + (g * 37) % 2000
 WHERE u.primary_org_id IS NOT NULL;

INSERT INTO password_resets (id, user_id, token_hash, requested_at, requested_ip, expires_at, used_at)
OVERRIDING SYSTEM VALUE
SELECT g, 1 + (g * 53) % 2000,
       md5('pr' || g) || md5('pr2' || g),
       timestamptz '2024-01-02 00:00:00+00' + g * interval '29 hours',
       ('192.168.' || (g % 255) || '.' || (1 + g % 253))::inet,
       timestamptz '2024-01-02 00:00:00+00' + g * interval '29 hours' + interval '1 hour',
       CASE WHEN g % 3 <> 0 THEN timestamptz '2024-01-02 00:00:00+00' + g * interval '29 hours' + (5 + g % 40) * interval '1 minute' END
  FROM generate_series(1, 450) AS g;

INSERT INTO mfa_factors (id, user_id, factor_type, secret_ref, label, enrolled_at, disabled_at)
SELECT row_number() OVER (ORDER BY u.id, f.t), u.id, f.t,
       'vault:mfa/' || md5(f.t || u.id), CASE f.t WHEN 'totp' THEN 'Authenticator' WHEN 'webauthn' THEN 'YubiKey' WHEN 'sms' THEN 'Phone' ELSE 'Recovery codes' END,
       u.created_at + interval '30 days',
       CASE WHEN u.id % 17 = 0 THEN u.created_at + interval '300 days' END
  FROM users u
 CROSS JOIN (VALUES ('totp'), ('webauthn'), ('sms'), ('recovery')) AS f (t)
 WHERE (f.t = 'totp' AND u.id % 4 = 1)
    OR (f.t = 'webauthn' AND u.id % 15 = 0)
    OR (f.t = 'sms' AND u.id % 19 = 0)
    OR (f.t = 'recovery' AND u.id % 8 = 1);

-- -------------------------------------------------------------------------------------
-- RBAC
-- -------------------------------------------------------------------------------------

INSERT INTO roles (id, tenant_id, code, name, description, is_system, created_at)
VALUES
    (1, NULL, 'platform_admin', 'Platform administrator', 'Harbor & Pine staff with full access', true, '2018-02-01 09:00+00'),
    (2, NULL, 'support_agent', 'Support agent', 'Customer support; may impersonate', true, '2018-02-01 09:00+00'),
    (3, NULL, 'finance_viewer', 'Finance (read only)', 'Invoices, payments and reports', true, '2018-06-01 09:00+00'),
    (4, NULL, 'org_owner', 'Organization owner', 'Everything inside one organization', true, '2018-02-01 09:00+00'),
    (5, NULL, 'org_admin', 'Organization admin', 'Manage users and settings of an organization', true, '2018-02-01 09:00+00'),
    (6, NULL, 'buyer', 'Buyer', 'Place and track orders', true, '2018-02-01 09:00+00'),
    (7, NULL, 'viewer', 'Viewer', 'Read-only access', true, '2019-03-01 09:00+00'),
    (8, NULL, 'warehouse_operator', 'Warehouse operator', 'Adjust stock and fulfil orders', true, '2019-09-01 09:00+00'),
    (9, NULL, 'billing_clerk', 'Billing clerk', 'Issue invoices and credit notes', true, '2020-01-15 09:00+00'),
    (10, NULL, 'catalog_editor', 'Catalog editor', 'Edit products, descriptions and prices', true, '2020-05-01 09:00+00');

INSERT INTO roles (id, tenant_id, code, name, description, is_system, created_at)
SELECT 10 + (o.id - 1) * 2 + r.k, o.id, r.code, r.name, 'Custom role of ' || o.display_name, false,
       (o.created_on AT TIME ZONE 'UTC') + interval '60 days'
  FROM organizations o
 CROSS JOIN (VALUES (1, 'store_manager', 'Store manager'), (2, 'accountant', 'Accountant')) AS r (k, code, name);

INSERT INTO permissions (id, code, resource, action, description)
SELECT row_number() OVER (ORDER BY p.resource, p.action), p.resource || '.' || p.action, p.resource, p.action,
       initcap(p.action) || ' ' || replace(p.resource, '_', ' ')
  FROM (VALUES ('orders', 'read'), ('orders', 'create'), ('orders', 'cancel'), ('orders', 'refund'),
               ('invoices', 'read'), ('invoices', 'issue'), ('invoices', 'void'),
               ('payments', 'read'), ('payments', 'capture'), ('payments', 'refund'),
               ('wallet', 'read'), ('wallet', 'adjust'), ('wallet', 'fund'),
               ('catalog', 'read'), ('catalog', 'edit'), ('catalog', 'publish'),
               ('pricing', 'read'), ('pricing', 'edit'),
               ('stock', 'read'), ('stock', 'adjust'),
               ('users', 'read'), ('users', 'invite'), ('users', 'suspend'),
               ('roles', 'read'), ('roles', 'assign'),
               ('reports', 'read'), ('reports', 'export'),
               ('audit', 'read'),
               ('memberships', 'read'), ('memberships', 'manage'),
               ('admin', 'impersonate')) AS p (resource, action);

INSERT INTO role_permissions (role_id, permission_id, granted_at)
SELECT r.id, p.id, r.created_at + interval '1 hour'
  FROM roles r
 CROSS JOIN permissions p
 WHERE r.code = 'platform_admin'
    OR (r.code IN ('org_owner') AND p.resource <> 'admin')
    OR (r.code = 'org_admin' AND p.resource IN ('orders', 'invoices', 'users', 'roles', 'wallet', 'reports', 'memberships'))
    OR (r.code = 'support_agent' AND (p.action = 'read' OR p.code IN ('admin.impersonate', 'orders.cancel', 'users.suspend')))
    OR (r.code = 'finance_viewer' AND p.resource IN ('invoices', 'payments', 'reports') AND p.action IN ('read', 'export'))
    OR (r.code = 'buyer' AND p.code IN ('orders.read', 'orders.create', 'orders.cancel', 'invoices.read', 'wallet.read', 'catalog.read', 'memberships.read'))
    OR (r.code = 'viewer' AND p.action = 'read' AND p.resource NOT IN ('audit', 'payments'))
    OR (r.code = 'warehouse_operator' AND p.resource IN ('stock', 'orders') AND p.action IN ('read', 'adjust'))
    OR (r.code = 'billing_clerk' AND p.resource IN ('invoices', 'payments'))
    OR (r.code = 'catalog_editor' AND p.resource IN ('catalog', 'pricing'))
    OR (r.code = 'store_manager' AND p.resource IN ('orders', 'stock', 'catalog', 'reports') AND pg_temp.h(r.id || ':' || p.id) % 4 <> 0)
    OR (r.code = 'accountant' AND p.resource IN ('invoices', 'payments', 'reports', 'wallet') AND pg_temp.h(r.id || ':' || p.id) % 3 <> 0);

INSERT INTO user_role_assignments (id, tenant_id, user_id, role_id, granted_by, granted_at, expires_at)
SELECT row_number() OVER (ORDER BY a.tenant_id, a.user_id, a.role_id), a.*
  FROM (
        SELECT m.tenant_id, m.user_id,
               CASE m.member_type WHEN 'owner' THEN 4 WHEN 'admin' THEN 5 WHEN 'guest' THEN 7 ELSE 6 END AS role_id,
               CASE WHEN m.member_type <> 'owner' THEN ow.user_id END AS granted_by,
               m.joined_at + interval '1 minute' AS granted_at,
               CASE WHEN m.member_type = 'guest' THEN m.joined_at + interval '365 days' END AS expires_at
          FROM org_memberships m
          LEFT JOIN org_memberships ow ON ow.tenant_id = m.tenant_id AND ow.member_type = 'owner'
        UNION ALL
        SELECT m.tenant_id, m.user_id, 10 + (m.tenant_id - 1) * 2 + 1 + m.user_id % 2, NULL, m.joined_at + interval '3 days', NULL
          FROM org_memberships m WHERE m.member_type = 'member' AND m.user_id % 10 = 3
        UNION ALL
        SELECT 1, u.id, (ARRAY[1, 2, 2, 2, 3, 8, 9, 10])[1 + u.id % 8], NULL, u.created_at + interval '1 hour', NULL
          FROM users u WHERE u.id BETWEEN 2 AND 40 AND u.primary_org_id = 1
       ) a;

INSERT INTO access_policies (id, tenant_id, name, effect, resource, condition, priority, is_enabled, created_at)
SELECT g,
       CASE WHEN g <= 6 THEN NULL ELSE 1 + (g * 7) % 20 END,
       (ARRAY['Refund limit', 'Night-time export block', 'Wallet adjust cap', 'Impersonation needs ticket', 'Guest read only', 'Price edit freeze'])[1 + g % 6]
           || CASE WHEN g > 6 THEN ' #' || g ELSE '' END,
       CASE WHEN g % 5 = 0 THEN 'allow' ELSE 'deny' END,
       (ARRAY['orders.refund', 'reports.export', 'wallet.adjust', 'admin.impersonate', 'orders.create', 'pricing.edit'])[1 + g % 6],
       jsonb_build_object('max_amount', 100 * (1 + g % 10), 'hours', jsonb_build_array(7, 19), 'requires_ticket', g % 2 = 0),
       100 - g,
       g % 11 <> 0,
       timestamptz '2021-01-01 00:00:00+00' + g * interval '240 hours'
  FROM generate_series(1, 30) AS g;

-- -------------------------------------------------------------------------------------
-- Catalog
-- -------------------------------------------------------------------------------------

INSERT INTO categories (id, parent_id, slug, name, sort_order, active_flag)
SELECT t.id, NULL, t.slug, t.name, t.id * 10, 'Y'
  FROM (VALUES (1, 'outdoor', 'Outdoor'), (2, 'kitchen', 'Kitchen'), (3, 'home', 'Home'),
               (4, 'bikes', 'Bikes'), (5, 'services', 'Services & workshops'), (6, 'digital', 'Digital & memberships')) AS t (id, slug, name);

INSERT INTO categories (id, parent_id, slug, name, sort_order, active_flag)
SELECT c.id, 1 + (c.id - 7) / 3, c.slug, c.name, c.id, CASE WHEN c.id = 15 THEN 'N' ELSE 'Y' END
  FROM (VALUES (7, 'tents', 'Tents & shelters'), (8, 'packs', 'Backpacks'), (9, 'rainwear', 'Rainwear'),
               (10, 'cookware', 'Cookware'), (11, 'knives', 'Knives'), (12, 'coffee', 'Coffee gear'),
               (13, 'lighting', 'Lighting'), (14, 'textiles', 'Textiles'), (15, 'furniture', 'Furniture'),
               (16, 'city-bikes', 'City bikes'), (17, 'bike-parts', 'Bike parts'), (18, 'helmets', 'Helmets'),
               (19, 'repairs', 'Repairs'), (20, 'classes', 'Classes'), (21, 'fittings', 'Fittings & setup'),
               (22, 'gift-cards', 'Gift cards'), (23, 'courses', 'Online courses'), (24, 'memberships', 'Memberships')) AS c (id, slug, name);

INSERT INTO products (id, sku, name, category_id, product_type, status, list_price, weight_grams, create_dt, updated_at)
SELECT g,
       (ARRAY['OUT', 'KIT', 'HOM', 'BIK', 'SVC', 'DIG'])[top] || '-' || lpad(g::text, 5, '0'),
       (ARRAY['Harbor', 'Pine', 'Coastal', 'Summit', 'Drift', 'Ember', 'Tidal', 'Northern', 'Granite', 'Willow',
              'Beacon', 'Cove', 'Ridge', 'Marsh', 'Fern', 'Slate', 'Cedar', 'Gale', 'Anchor', 'Lark'])[1 + (g * 3) % 20] || ' ' ||
       (ARRAY[['Trail Tent', 'Day Pack', 'Rain Shell', 'Bivy Bag', 'Trek Poles', 'Camp Stove', 'Dry Bag', 'Hammock'],
              ['Skillet', 'Chef Knife', 'Pour-Over Set', 'Dutch Oven', 'Grinder', 'Cutting Board', 'Kettle', 'Saucepan'],
              ['Pendant Lamp', 'Wool Throw', 'Side Table', 'Linen Set', 'Floor Lamp', 'Cushion', 'Shelf', 'Rug'],
              ['City Bike', 'Brake Set', 'Commuter Helmet', 'Chain', 'Saddle', 'Light Kit', 'Pannier', 'Tyre'],
              ['Bike Service', 'Knife Sharpening', 'Coffee Class', 'Bike Fitting', 'Tent Repair', 'Cooking Class', 'Upholstery Fix', 'Ski Tuning'],
              ['Gift Card', 'Video Course', 'E-Guide', 'Club Membership', 'Gift Card Plus', 'Masterclass', 'Recipe Pack', 'Plus Membership']])[top][1 + (g / 6) % 8],
       cat,
       CASE WHEN top = 5 THEN 'service' WHEN cat = 24 THEN 'membership' WHEN top = 6 THEN 'digital' ELSE 'physical' END,
       CASE WHEN g % 97 = 0 THEN 'draft' WHEN g % 40 = 0 THEN 'retired' ELSE 'active' END,
       (5 + pg_temp.h('lp' || g) % (CASE WHEN top IN (5, 6) THEN 150 ELSE 390 END)) + 0.99,
       CASE WHEN top <= 4 THEN 100 + pg_temp.h('w' || g) % 9000 END,
       timestamp '2019-01-01 09:00' + g * interval '70 hours',
       timestamptz '2024-01-01 00:00:00+00' + (pg_temp.h('pu' || g) % 12000) * interval '1 hour'
  FROM generate_series(1, 500) AS g
 CROSS JOIN LATERAL (SELECT 7 + g % 18 AS cat) AS c
 CROSS JOIN LATERAL (SELECT 1 + (cat - 7) / 3 AS top) AS t;

INSERT INTO product_descriptions (product_id, locale, title, short_text, body_html, updated_at)
SELECT p.id, l.locale,
       CASE l.locale WHEN 'en-GB' THEN p.name WHEN 'de-DE' THEN p.name || ' (DE)' ELSE p.name || ' (FR)' END,
       left('Built to last: ' || lower(p.name) || ', tested on the coast by the Harbor & Pine team.', 500),
       '<p>' || p.name || '</p><ul><li>SKU ' || p.sku || '</li><li>Ref ' || substr(md5(p.sku || l.locale), 1, 8) || '</li></ul>',
       p.updated_at
  FROM products p
 CROSS JOIN (VALUES ('en-GB'), ('de-DE'), ('fr-FR')) AS l (locale)
 WHERE l.locale = 'en-GB' OR (l.locale = 'de-DE' AND p.id % 2 = 0) OR (l.locale = 'fr-FR' AND p.id % 5 = 0);

INSERT INTO product_tags (product_id, tag)
SELECT DISTINCT p.id,
       (ARRAY['bestseller', 'new', 'eco', 'gift-idea', 'clearance', 'staff-pick', 'waterproof', 'handmade', 'limited',
              'bundle-only', 'b2b', 'outlet', 'seasonal', 'premium', 'starter'])[1 + pg_temp.h(p.id || 't' || k) % 15]
  FROM products p CROSS JOIN generate_series(1, 1 + p.id % 3) AS k;

INSERT INTO bundles (id, code, name, product_id, is_active, created_at)
SELECT g, 'BND-' || lpad(g::text, 3, '0'),
       (ARRAY['Starter camp kit', 'Coffee lover set', 'Commuter pack', 'Kitchen basics', 'Cosy evening', 'Bike care kit'])[1 + g % 6] || ' ' || g,
       NULL, g % 9 <> 0,
       timestamptz '2022-01-01 00:00:00+00' + g * interval '300 hours'
  FROM generate_series(1, 30) AS g;

INSERT INTO bundle_items (bundle_id, product_id, quantity, is_optional)
SELECT DISTINCT ON (b.id, pid) b.id, pid, 1 + (b.id + k) % 2, k = 4
  FROM bundles b
 CROSS JOIN generate_series(0, 2 + b.id % 3) AS k
 CROSS JOIN LATERAL (SELECT 1 + (pg_temp.h('bi' || b.id || ':' || k) % 83) * 6 + (b.id % 6) AS pid0) AS x
 CROSS JOIN LATERAL (SELECT CASE WHEN pid0 > 500 THEN pid0 - 6 ELSE pid0 END AS pid) AS y
 ORDER BY b.id, pid, k;

-- -------------------------------------------------------------------------------------
-- Pricing
-- -------------------------------------------------------------------------------------

INSERT INTO price_lists (id, tenant_id, code, name, currency_code, is_active, created_at) VALUES
    (1, NULL, 'PUBLIC-EUR', 'Public prices (EUR)', 'EUR', true, '2019-01-01 00:00+00'),
    (2, NULL, 'PUBLIC-GBP', 'Public prices (GBP)', 'GBP', true, '2019-01-01 00:00+00'),
    (3, NULL, 'PUBLIC-USD', 'Public prices (USD)', 'USD', true, '2019-05-01 00:00+00'),
    (4, NULL, 'PUBLIC-CHF', 'Public prices (CHF)', 'CHF', true, '2020-04-01 00:00+00'),
    (5, NULL, 'PUBLIC-SEK', 'Public prices (SEK)', 'SEK', true, '2019-11-01 00:00+00'),
    (6, 2, 'NWO-2025', 'Northwind negotiated 2025', 'GBP', true, '2025-05-20 00:00+00'),
    (7, 5, 'ASB-2025', 'Alder Street negotiated 2025', 'USD', true, '2025-05-22 00:00+00'),
    (8, 9, 'MER-2025', 'Meridian negotiated 2025', 'CHF', true, '2025-06-02 00:00+00'),
    (9, 14, 'IBT-2025', 'Ironbridge negotiated 2025', 'GBP', true, '2025-06-10 00:00+00'),
    (10, 6, 'LUM-2022', 'Lumen 2022 (expired)', 'EUR', false, '2022-01-01 00:00+00');

-- Two periods per product on every public list: the 2023 price, then +5% from July 2024.
INSERT INTO price_rules (id, price_list_id, product_id, amount, min_quantity, priority, valid_from, valid_to, created_by)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY r.price_list_id, r.product_id, r.valid_from), r.*
  FROM (
        SELECT pl.id AS price_list_id, p.id AS product_id,
               round(round(p.list_price * per.mult, 2) * fx.factor, 2) AS amount,
               1 AS min_quantity, 0 AS priority, per.valid_from, per.valid_to,
               CASE WHEN p.id % 7 = 0 THEN 'catalog-import' ELSE 'pricing' END AS created_by
          FROM products p
         CROSS JOIN price_lists pl
          JOIN seed_fx fx ON fx.currency = pl.currency_code
         CROSS JOIN (VALUES (1.00, timestamptz '2023-01-01 00:00:00+00', timestamptz '2024-07-01 00:00:00+00'),
                            (1.05, timestamptz '2024-07-01 00:00:00+00', NULL::timestamptz)) AS per (mult, valid_from, valid_to)
         WHERE pl.tenant_id IS NULL AND p.status <> 'draft'
        UNION ALL
        -- Negotiated lists: 10% below public on a slice of the catalog, live from 1 July 2025.
        SELECT pl.id, p.id, round(round(p.list_price * 1.05, 2) * fx.factor * 0.90, 2), 1, 10,
               timestamptz '2025-07-01 00:00:00+00', timestamptz '2026-07-01 00:00:00+00', 'pricing'
          FROM price_lists pl
          JOIN seed_fx fx ON fx.currency = pl.currency_code
         CROSS JOIN products p
         WHERE pl.tenant_id IS NOT NULL AND pl.is_active AND p.status = 'active' AND (p.id + pl.id) % 8 = 0
        UNION ALL
        -- Volume breaks on the public EUR list.
        SELECT 1, p.id, round(round(p.list_price * 1.05, 2) * 0.93, 2), 10, 5,
               timestamptz '2024-07-01 00:00:00+00', NULL, 'pricing'
          FROM products p WHERE p.product_type = 'physical' AND p.status = 'active' AND p.id % 10 = 1
       ) r;

INSERT INTO discounts (id, code, description, percent_off, amount_off, product_id, category_id, valid_from, valid_to)
SELECT g,
       'DSC-' || lpad(g::text, 3, '0'),
       CASE WHEN g % 4 = 0 THEN 'Fixed discount ' ELSE 'Percentage discount ' END || g,
       CASE WHEN g % 4 <> 0 THEN (5 + g % 4 * 5)::numeric END,
       CASE WHEN g % 4 = 0 THEN (5 * (1 + g % 3))::numeric END,
       CASE WHEN g % 2 = 0 THEN 1 + (g * 31) % 500 END,
       CASE WHEN g % 2 = 1 THEN 7 + g % 18 END,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '240 hours',
       CASE WHEN g % 5 <> 0 THEN timestamptz '2024-01-01 00:00:00+00' + g * interval '240 hours' + interval '720 hours' END
  FROM generate_series(1, 40) AS g;

INSERT INTO promotions (id, code, name, starts_at, ends_at, rules, budget_amount, max_redemptions, is_stackable)
SELECT g,
       (ARRAY['SPRING', 'SUMMER', 'AUTUMN', 'WINTER'])[1 + ((g + 1) / 3) % 4] || to_char(date '2024-01-01' + (g - 1) * 45, 'YY') || '-' || g,
       'Campaign ' || g || ': ' || (ARRAY['10% off everything', 'Free workshop seat', 'Buy 2 get 1', 'Members double points'])[1 + g % 4],
       timestamptz '2024-01-01 00:00:00+00' + (g - 1) * interval '1080 hours',
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1080 hours',
       jsonb_build_object('type', 'percent', 'value', 10, 'min_order', 25 * (g % 3), 'exclude_categories', jsonb_build_array(22)),
       5000 + 1000 * (g % 5), CASE WHEN g % 2 = 0 THEN 2000 END, g % 6 = 0
  FROM generate_series(1, 13) AS g;

-- -------------------------------------------------------------------------------------
-- Orders (planned in temp tables first so totals, lines, invoices and payments agree)
-- -------------------------------------------------------------------------------------

CREATE TEMP TABLE seed_orders ON COMMIT DROP AS
SELECT x.id, x.cust_id, coalesce(u.primary_org_id, 1) AS tenant_id, x.placed_at,
       CASE WHEN x.s < 5 THEN 'cancelled'
            WHEN x.s < 9 THEN 'refunded'
            WHEN x.placed_at >= timestamptz '2025-06-15 00:00:00+00' THEN
                 CASE WHEN x.s < 35 THEN 'pending' WHEN x.s < 55 THEN 'confirmed' WHEN x.s < 80 THEN 'paid' ELSE 'shipped' END
            WHEN x.s < 11 THEN 'pending'
            WHEN x.s < 13 THEN 'confirmed'
            WHEN x.s < 15 THEN 'paid'
            WHEN x.s < 18 THEN 'shipped'
            ELSE 'delivered' END::order_status AS status,
       o.default_currency AS currency_code,
       p.country_code AS ship_country,
       geo.vat,
       1 + pg_temp.h('n' || x.id) % 5 AS n_lines
  FROM (SELECT g AS id,
               CASE WHEN c0 % 50 = 2 THEN c0 + 1 ELSE c0 END AS cust_id,
               timestamptz '2024-01-01 00:00:00+00' + (g - 1) * interval '2357 seconds' + (pg_temp.h('t' || g) % 1800) * interval '1 second' AS placed_at,
               pg_temp.h('st' || g) % 100 AS s
          FROM generate_series(1, 20000) AS g
         CROSS JOIN LATERAL (SELECT 1 + pg_temp.h('cust' || g) % 2000 AS c0) AS c) AS x
  JOIN users u ON u.id = x.cust_id
  JOIN organizations o ON o.id = coalesce(u.primary_org_id, 1)
  JOIN user_profiles p ON p.user_id = u.id
  JOIN seed_geo geo ON geo.code = p.country_code;
ALTER TABLE seed_orders ADD PRIMARY KEY (id);

CREATE TEMP TABLE seed_lines ON COMMIT DROP AS
SELECT o.id AS order_id, ln AS line_no, pr.id AS product_id, pr.sku, pr.name, q.qty, u.unit_price,
       CASE WHEN o.id % 15 = 0 THEN round(q.qty * u.unit_price * 0.10, 2) ELSE 0 END AS discount
  FROM seed_orders o
 CROSS JOIN LATERAL generate_series(1, o.n_lines) AS ln
 CROSS JOIN LATERAL (SELECT 1 + pg_temp.h(o.id || '-' || ln) % 500 AS p0, pg_temp.h('q' || o.id || '-' || ln) % 10 AS qh) AS h
 CROSS JOIN LATERAL (SELECT CASE WHEN h.qh < 6 THEN 1 WHEN h.qh < 8 THEN 2 WHEN h.qh < 9 THEN 3 ELSE 5 END AS qty) AS q
  JOIN products pr ON pr.id = CASE WHEN h.p0 % 97 = 0 THEN h.p0 - 1 ELSE h.p0 END
  JOIN seed_fx fx ON fx.currency = o.currency_code
 CROSS JOIN LATERAL (SELECT round(round(pr.list_price * CASE WHEN o.placed_at >= timestamptz '2024-07-01 00:00:00+00' THEN 1.05 ELSE 1.00 END, 2)
                                  * fx.factor, 2) AS unit_price) AS u;
ANALYZE seed_orders (id, cust_id, tenant_id, status);

INSERT INTO carts (id, tenant_id, user_id, session_ref, currency_code, status, created_at, updated_at)
SELECT c.id, o.tenant_id, o.cust_id, 'sess-' || substr(md5('cart' || c.id), 1, 12), o.currency_code,
       CASE WHEN c.id <= 1000 THEN 'converted' WHEN c.id % 3 = 0 THEN 'open' ELSE 'abandoned' END,
       o.placed_at - (10 + c.id % 50) * interval '1 minute',
       CASE WHEN c.id <= 1000 THEN o.placed_at ELSE o.placed_at - interval '5 minutes' END
  FROM generate_series(1, 3000) AS c (id)
  JOIN seed_orders o ON o.id = CASE WHEN c.id <= 1000 THEN 17000 + 3 * c.id ELSE 1 + (c.id * 7) % 17000 END;

INSERT INTO cart_items (id, cart_id, product_id, quantity, added_at)
SELECT row_number() OVER (ORDER BY c.id, pid), c.id, pid, 1 + (c.id + pid) % 3, c.created_at + interval '2 minutes'
  FROM carts c
 CROSS JOIN LATERAL (SELECT DISTINCT 1 + pg_temp.h('ci' || c.id || ':' || k) % 500 AS pid FROM generate_series(1, 1 + c.id % 4) AS k) AS x;

INSERT INTO orders (id, order_no, tenant_id, cust_id, cart_id, status, currency_code, ship_country,
                    subtotal, discount_total, tax_total, grand_total, pricing_quote_ref,
                    placed_at, paid_at, cancelled_at, notes, updated_at)
SELECT o.id,
       'HP' || to_char(o.placed_at AT TIME ZONE 'UTC', 'YYMM') || '-' || lpad(o.id::text, 6, '0'),
       o.tenant_id, o.cust_id,
       CASE WHEN o.id > 17000 AND (o.id - 17000) % 3 = 0 THEN (o.id - 17000) / 3 END,
       o.status, o.currency_code, o.ship_country,
       t.subtotal, t.discount, t.tax, t.subtotal - t.discount + t.tax,
       CASE WHEN o.placed_at >= timestamptz '2025-01-01 00:00:00+00' THEN md5('quote' || o.id)::uuid END,
       o.placed_at,
       CASE WHEN o.status IN ('paid', 'shipped', 'delivered', 'refunded') THEN o.placed_at + (2 + o.id % 30) * interval '1 minute' END,
       CASE WHEN o.status = 'cancelled' THEN o.placed_at + (1 + o.id % 72) * interval '1 hour' END,
       CASE WHEN o.id % 53 = 0 THEN 'Please leave at the back door' WHEN o.id % 71 = 0 THEN 'Gift - no invoice in the parcel' END,
       o.placed_at + (CASE WHEN o.status IN ('delivered', 'refunded') THEN 96 ELSE 1 END) * interval '1 hour'
  FROM seed_orders o
  JOIN (SELECT l.order_id, sum(l.qty * l.unit_price) AS subtotal, sum(l.discount) AS discount
          FROM seed_lines l GROUP BY l.order_id) AS ot ON ot.order_id = o.id
 CROSS JOIN LATERAL (SELECT ot.subtotal, ot.discount, round((ot.subtotal - ot.discount) * o.vat / 100, 2) AS tax) AS t
 ORDER BY o.id;

INSERT INTO order_lines (id, order_id, line_no, product_id, sku, description, quantity, unit_price, discount_amount)
SELECT row_number() OVER (ORDER BY l.order_id, l.line_no), l.order_id, l.line_no, l.product_id, l.sku, l.name, l.qty, l.unit_price, l.discount
  FROM seed_lines l;

-- Status history exists for orders placed since April 2025 (the table is that young).
INSERT INTO order_status_history (id, order_id, from_status, to_status, changed_at, changed_by, reason)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY h.order_id, h.step), h.order_id,
       lag(h.to_status) OVER (PARTITION BY h.order_id ORDER BY h.step),
       h.to_status, h.changed_at, h.changed_by, h.reason
  FROM (
        SELECT o.id AS order_id, s.step, s.st::order_status AS to_status,
               o.placed_at + (s.step - 1) * (CASE WHEN s.st IN ('shipped', 'delivered') THEN interval '30 hours' ELSE interval '3 minutes' END) AS changed_at,
               CASE s.st
                    WHEN 'paid' THEN CASE WHEN o.id % 4 = 0 THEN 'orders' ELSE 'payments' END
                    WHEN 'shipped' THEN CASE WHEN o.id % 9 = 0 THEN 'admin' ELSE 'fulfilment-job' END
                    WHEN 'delivered' THEN 'carrier-webhook'
                    WHEN 'cancelled' THEN CASE WHEN o.id % 3 = 0 THEN 'admin' ELSE 'orders' END
                    WHEN 'refunded' THEN 'payments'
                    ELSE 'orders' END AS changed_by,
               CASE WHEN s.st = 'cancelled' THEN (ARRAY['customer request', 'payment timeout', 'out of stock'])[1 + o.id % 3]
                    WHEN s.st = 'refunded' THEN 'refund completed' END AS reason
          FROM seed_orders o
         CROSS JOIN LATERAL unnest(CASE o.status::text
                    WHEN 'pending' THEN ARRAY['pending']
                    WHEN 'confirmed' THEN ARRAY['pending', 'confirmed']
                    WHEN 'paid' THEN ARRAY['pending', 'confirmed', 'paid']
                    WHEN 'shipped' THEN ARRAY['pending', 'confirmed', 'paid', 'shipped']
                    WHEN 'delivered' THEN ARRAY['pending', 'confirmed', 'paid', 'shipped', 'delivered']
                    WHEN 'cancelled' THEN ARRAY['pending', 'cancelled']
                    ELSE ARRAY['pending', 'confirmed', 'paid', 'refunded'] END) WITH ORDINALITY AS s (st, step)
         WHERE o.placed_at >= timestamptz '2025-04-01 00:00:00+00'
       ) h;

INSERT INTO order_snapshots (order_id, confirmed_at, snapshot, snapshot_hash)
SELECT s.order_id, s.confirmed_at, s.snapshot, md5(s.snapshot::text)
  FROM (
        SELECT o.id AS order_id, o.placed_at + interval '3 minutes' AS confirmed_at,
               jsonb_build_object(
                   'order_no', o.order_no, 'currency', o.currency_code, 'ship_country', o.ship_country,
                   'grand_total', o.grand_total,
                   'lines', jsonb_agg(jsonb_build_object('sku', l.sku, 'qty', l.qty, 'unit_price', l.unit_price) ORDER BY l.line_no)) AS snapshot
          FROM orders o
          JOIN seed_lines l ON l.order_id = o.id
         WHERE o.status NOT IN ('pending', 'cancelled') AND o.placed_at >= timestamptz '2025-03-01 00:00:00+00'
         GROUP BY o.id
       ) s;

-- Pricing snapshots: one per order since January 2025, plus quotes that never became orders.
INSERT INTO pricing_snapshots (id, quote_ref, order_id, tenant_id, currency_code, net_total, tax_total, breakdown, computed_at)
SELECT row_number() OVER (ORDER BY s.computed_at, s.quote_ref), s.*
  FROM (
        SELECT o.pricing_quote_ref AS quote_ref, o.id AS order_id, o.tenant_id, o.currency_code,
               o.subtotal - o.discount_total AS net_total, o.tax_total,
               jsonb_build_object('lines', so.n_lines, 'discount', o.discount_total, 'price_lists', jsonb_build_array(1)) AS breakdown,
               o.placed_at - interval '2 minutes' AS computed_at
          FROM orders o JOIN seed_orders so ON so.id = o.id
         WHERE o.pricing_quote_ref IS NOT NULL
        UNION ALL
        SELECT md5('orphan-quote' || g)::uuid, NULL, 1 + g % 20, 'EUR', 10 + g % 300, round((10 + g % 300) * 0.19, 2),
               jsonb_build_object('lines', 1 + g % 4, 'discount', 0, 'abandoned', true),
               timestamptz '2025-01-01 00:00:00+00' + g * interval '311 minutes'
          FROM generate_series(1, 500) AS g
       ) s;

INSERT INTO promotion_redemptions (id, promotion_id, order_id, user_id, discount_amount, redeemed_at)
SELECT row_number() OVER (ORDER BY o.id), p.id, o.id, o.cust_id, o.discount_total, o.placed_at
  FROM orders o
  JOIN promotions p ON o.placed_at >= p.starts_at AND o.placed_at < p.ends_at
 WHERE o.id % 15 = 0;

-- -------------------------------------------------------------------------------------
-- Availability
-- -------------------------------------------------------------------------------------

INSERT INTO stock_locations (id, code, name, country_code, time_zone, is_active) VALUES
    (1, 'DE-HAM', 'Hamburg central warehouse', 'DE', 'Europe/Berlin', true),
    (2, 'DE-MUC', 'Munich store & workshop', 'DE', 'Europe/Berlin', true),
    (3, 'NL-RTM', 'Rotterdam cross-dock', 'NL', 'Europe/Amsterdam', true),
    (4, 'GB-MAN', 'Manchester warehouse', 'GB', 'Europe/London', true),
    (5, 'FR-LYS', 'Lyon store & workshop', 'FR', 'Europe/Paris', true),
    (6, 'US-NJ1', 'New Jersey 3PL', 'US', 'America/New_York', false);

INSERT INTO stock_levels (id, product_id, location_id, on_hand, reserved, reorder_point, updated_at)
SELECT row_number() OVER (ORDER BY s.product_id, s.location_id), s.*
  FROM (
        SELECT p.id AS product_id, l.id AS location_id,
               pg_temp.h('oh' || p.id || ':' || l.id) % 400 AS on_hand,
               pg_temp.h('rs' || p.id || ':' || l.id) % 400 % (1 + pg_temp.h('oh' || p.id || ':' || l.id) % 400 / 8) AS reserved,
               CASE WHEN p.id % 3 <> 0 THEN 20 END AS reorder_point,
               timestamptz '2025-06-29 00:00:00+00' + (p.id % 24) * interval '1 hour' AS updated_at
          FROM products p
         CROSS JOIN stock_locations l
         WHERE p.product_type = 'physical' AND pg_temp.h('sl' || p.id || ':' || l.id) % 3 <> 0
        UNION ALL
        -- SKUs the warehouse knows and Catalog never published (no FK, so nothing stopped them).
        SELECT 500 + g, 1 + g % 3, 10 * g, 0, NULL, timestamptz '2025-06-20 00:00:00+00'
          FROM generate_series(1, 20) AS g
       ) s;

INSERT INTO service_capacity (id, product_id, location_id, capacity_date, capacity, booked)
SELECT row_number() OVER (ORDER BY p.id, l.loc, d), p.id, l.loc, d::date, 4 + p.id % 9,
       (4 + p.id % 9) * (pg_temp.h('cap' || p.id || d::date::text) % 100) / 100
  FROM products p
 CROSS JOIN (VALUES (2::smallint), (5::smallint)) AS l (loc)
 CROSS JOIN generate_series(date '2025-05-01', date '2025-06-30', interval '72 hours') AS d
 WHERE p.product_type = 'service' AND (p.id + l.loc) % 2 = 0;

INSERT INTO time_slots (id, product_id, location_id, starts_at, ends_at, seats, seats_taken)
SELECT row_number() OVER (ORDER BY p.id, k), p.id, (ARRAY[2, 5])[1 + (p.id + k) % 2]::smallint,
       timestamptz '2025-01-06 08:00:00+00' + (pg_temp.h('slot' || p.id || ':' || k) % 4300) * interval '1 hour',
       timestamptz '2025-01-06 08:00:00+00' + (pg_temp.h('slot' || p.id || ':' || k) % 4300) * interval '1 hour' + (1 + p.id % 3) * interval '1 hour',
       4 + p.id % 6,
       least(4 + p.id % 6, pg_temp.h('taken' || p.id || ':' || k) % 4)
  FROM products p
 CROSS JOIN generate_series(1, 24) AS k
 WHERE p.product_type = 'service';

INSERT INTO slot_reservations (id, slot_id, user_id, order_id, status, held_until, created_at)
SELECT row_number() OVER (ORDER BY s.id, r), s.id, o.cust_id,
       CASE WHEN r % 5 <> 0 THEN o.id END,
       CASE WHEN r % 5 = 0 THEN 'held' WHEN s.starts_at < timestamptz '2025-06-01 00:00:00+00' AND (s.id + r) % 11 = 0 THEN 'no_show' ELSE 'confirmed' END,
       CASE WHEN r % 5 = 0 THEN s.starts_at - interval '24 hours' END,
       s.starts_at - (48 + (s.id * r) % 500) * interval '1 hour'
  FROM time_slots s
 CROSS JOIN LATERAL generate_series(1, s.seats_taken) AS r
  JOIN orders o ON o.id = 1 + pg_temp.h('res' || s.id || ':' || r) % 20000;

-- -------------------------------------------------------------------------------------
-- Billing
-- -------------------------------------------------------------------------------------

INSERT INTO billing_accounts (id, tenant_id, billing_email, vat_number, country_code, payment_terms_days, created_at)
SELECT o.id, o.id, 'billing@' || o.slug || '.example.com',
       CASE WHEN c.eu_member THEN o.country_code || lpad((pg_temp.h('vat' || o.id) % 999999999)::text, 9, '0') END,
       o.country_code, CASE WHEN o.plan_tier = 'enterprise' THEN 30 ELSE 14 END,
       (o.created_on AT TIME ZONE 'UTC') + interval '1 day'
  FROM organizations o JOIN countries c ON c.code = o.country_code;

-- Billing went live on 15 March 2024; earlier orders were invoiced elsewhere.
INSERT INTO invoices (id, invoice_no, tenant_id, billing_account_id, order_id, bill_to_user_id, status, currency_code,
                      net_amount, tax_amount, gross_amount, issued_at, due_date, paid_at, created_at)
SELECT i.id, 'INV-' || (100000 + i.id), i.tenant_id, i.tenant_id, i.order_id, i.cust_id, i.status, i.currency_code,
       i.net, i.tax, i.net + i.tax, i.issued_at,
       ((i.issued_at AT TIME ZONE 'UTC')::date + i.terms),
       i.paid_at, i.issued_at
  FROM (
        SELECT row_number() OVER (ORDER BY o.id) AS id, o.tenant_id, o.id AS order_id, o.cust_id, o.currency_code,
               o.subtotal - o.discount_total AS net, o.tax_total AS tax,
               o.placed_at + interval '5 minutes' AS issued_at, o.paid_at, ba.payment_terms_days AS terms,
               CASE WHEN o.status = 'refunded' THEN 'credited'
                    WHEN o.status IN ('paid', 'shipped', 'delivered') THEN 'paid'
                    WHEN o.placed_at < timestamptz '2025-06-01 00:00:00+00' THEN 'overdue'
                    ELSE 'issued' END AS status
          FROM orders o JOIN billing_accounts ba ON ba.tenant_id = o.tenant_id
         WHERE o.status IN ('confirmed', 'paid', 'shipped', 'delivered', 'refunded')
           AND o.placed_at >= timestamptz '2024-03-15 00:00:00+00'
       ) i;

INSERT INTO invoice_lines (id, invoice_id, line_no, description, quantity, unit_amount, tax_rate_pct, order_line_id)
SELECT row_number() OVER (ORDER BY x.invoice_id, x.line_no), x.*
  FROM (
        -- Billing v2 (live since April 2025) itemizes every order line ...
        SELECT i.id AS invoice_id, ol.line_no, ol.sku || ' ' || ol.description AS description, ol.quantity::numeric AS quantity,
               ol.unit_price AS unit_amount, so.vat AS tax_rate_pct, ol.id AS order_line_id
          FROM invoices i
          JOIN seed_orders so ON so.id = i.order_id
          JOIN order_lines ol ON ol.order_id = i.order_id
         WHERE i.issued_at >= timestamptz '2025-04-01 00:00:00+00'
        UNION ALL
        -- ... v1 wrote one summary line per order.
        SELECT i.id, 1, 'Goods and services as per order ' || o.order_no, 1, o.subtotal, so.vat, NULL
          FROM invoices i
          JOIN orders o ON o.id = i.order_id
          JOIN seed_orders so ON so.id = i.order_id
         WHERE i.issued_at < timestamptz '2025-04-01 00:00:00+00'
        UNION ALL
        SELECT i.id, 99, 'Discount', 1, -o.discount_total, so.vat, NULL
          FROM invoices i
          JOIN orders o ON o.id = i.order_id
          JOIN seed_orders so ON so.id = i.order_id
         WHERE o.discount_total > 0
       ) x;

-- Credit notes: full credit for refunded orders, goodwill credits on some delivered ones.
INSERT INTO credit_notes (id, credit_note_no, invoice_id, tenant_id, amount, reason, issued_at, issued_by)
SELECT row_number() OVER (ORDER BY c.invoice_id), 'CN-' || (5000 + row_number() OVER (ORDER BY c.invoice_id)), c.*
  FROM (
        SELECT i.id AS invoice_id, i.tenant_id,
               CASE WHEN i.status = 'credited' THEN i.gross_amount ELSE round(i.gross_amount * 0.15, 2) END AS amount,
               CASE WHEN i.status = 'credited' THEN 'Order refunded' ELSE 'Goodwill: late delivery' END AS reason,
               i.issued_at + interval '192 hours' AS issued_at,
               CASE WHEN i.id % 4 = 0 THEN 'admin' ELSE 'billing' END AS issued_by
          FROM invoices i
          JOIN orders o ON o.id = i.order_id
         WHERE i.status = 'credited' OR (o.status = 'delivered' AND o.id % 97 = 0)
       ) c;

-- -------------------------------------------------------------------------------------
-- Payments
-- -------------------------------------------------------------------------------------

INSERT INTO payment_methods (id, user_id, method_type, brand, last4, exp_month, exp_year, gateway, gateway_token, is_default, created_at)
SELECT row_number() OVER (ORDER BY m.user_id, m.method_type), m.*
  FROM (
        SELECT u.id AS user_id, 'card' AS method_type,
               (ARRAY['visa', 'mastercard', 'amex', 'visa'])[1 + u.id % 4] AS brand,
               lpad((pg_temp.h('l4' || u.id) % 10000)::text, 4, '0') AS last4,
               (1 + u.id % 12)::smallint AS exp_month, (2025 + u.id % 5)::smallint AS exp_year,
               CASE WHEN u.id % 3 = 0 THEN 'adyen' ELSE 'stripe' END AS gateway,
               'pm_' || md5('card' || u.id) AS gateway_token, true AS is_default, u.created_at + interval '1 day' AS created_at
          FROM users u WHERE u.status <> 'invited'
        UNION ALL
        SELECT u.id, 'sepa_debit', NULL, lpad((pg_temp.h('iban' || u.id) % 10000)::text, 4, '0'), NULL, NULL,
               'adyen', 'pm_' || md5('sepa' || u.id), false, u.created_at + interval '40 days'
          FROM users u WHERE u.status <> 'invited' AND u.id % 4 = 0
       ) m;

-- One payment per paying order; every ninth paid order failed once before it succeeded.
INSERT INTO payments (id, order_id, invoice_id, payment_method_id, purpose, status, amount, currency_code, idempotency_key, created_at, captured_at, updated_at)
SELECT row_number() OVER (ORDER BY p.order_id, p.k), p.order_id, p.invoice_id, p.payment_method_id, 'order', p.status, p.amount, p.currency_code,
       'ord-' || p.order_id || '-' || p.k,
       p.placed_at + (1 + p.k) * interval '1 minute',
       CASE WHEN p.status IN ('captured', 'refunded') THEN p.placed_at + (2 + p.order_id % 30) * interval '1 minute' END,
       p.placed_at + (2 + p.order_id % 30) * interval '1 minute'
  FROM (
        SELECT o.id AS order_id, i.id AS invoice_id, pm.id AS payment_method_id, o.currency_code, o.grand_total AS amount, o.placed_at, k,
               CASE WHEN k = 0 THEN 'failed'
                    WHEN o.status IN ('paid', 'shipped', 'delivered') THEN 'captured'
                    WHEN o.status = 'refunded' THEN 'refunded'
                    WHEN o.status = 'confirmed' THEN 'authorized'
                    WHEN o.status = 'cancelled' THEN 'voided'
                    WHEN o.id % 3 = 0 THEN 'failed'
                    ELSE 'initiated' END::payment_status AS status
          FROM orders o
          LEFT JOIN invoices i ON i.order_id = o.id
          JOIN payment_methods pm ON pm.user_id = o.cust_id AND pm.method_type = 'card'
         CROSS JOIN LATERAL generate_series(CASE WHEN o.status IN ('paid', 'shipped', 'delivered', 'refunded') AND o.id % 9 = 0 THEN 0 ELSE 1 END, 1) AS k
         WHERE o.status <> 'cancelled' OR o.id % 2 = 0
       ) p;

-- Wallet top-ups are paid like anything else (planned here, linked to fundings further down).
CREATE TEMP TABLE seed_fundings ON COMMIT DROP AS
SELECT g AS id, w AS wallet_id,
       (25 * (1 + pg_temp.h('fa' || g) % 8))::numeric(12, 2) AS amount,
       CASE WHEN g % 20 = 0 THEN 'voucher' WHEN g % 20 = 1 THEN 'goodwill' WHEN g % 5 = 2 THEN 'bank_transfer' ELSE 'card' END AS method,
       timestamptz '2024-01-15 00:00:00+00' + (CASE WHEN g <= 1200 THEN g * 3 ELSE (g - 1200) * 7 + 3700 END) * interval '1 hour' AS funded_at
  FROM generate_series(1, 2500) AS g
 CROSS JOIN LATERAL (SELECT CASE WHEN g <= 1200 THEN g ELSE 1 + pg_temp.h('fw' || g) % 1200 END AS w) AS x;

CREATE TEMP TABLE seed_wallets ON COMMIT DROP AS
SELECT g AS id, u.id AS user_id, coalesce(u.primary_org_id, 1) AS tenant_id, o.default_currency AS currency_code, u.created_at
  FROM generate_series(1, 1200) AS g
  JOIN users u ON u.id = 1 + (g * 1301) % 2000
  JOIN organizations o ON o.id = coalesce(u.primary_org_id, 1);

INSERT INTO payments (id, order_id, invoice_id, payment_method_id, purpose, status, amount, currency_code, idempotency_key, created_at, captured_at, updated_at)
SELECT (SELECT max(id) FROM payments) + row_number() OVER (ORDER BY f.id), NULL, NULL,
       CASE WHEN f.method = 'card' THEN pm.id END, 'wallet_topup', 'captured', f.amount, w.currency_code,
       'topup-' || f.id, f.funded_at - interval '1 minute', f.funded_at, f.funded_at
  FROM seed_fundings f
  JOIN seed_wallets w ON w.id = f.wallet_id
  LEFT JOIN payment_methods pm ON pm.user_id = w.user_id AND pm.method_type = 'card'
 WHERE f.method IN ('card', 'bank_transfer');

INSERT INTO payment_attempts (id, payment_id, attempt_no, status, error_code, attempted_at)
SELECT row_number() OVER (ORDER BY p.id, a.n), p.id, a.n,
       CASE WHEN p.status = 'failed' THEN 'declined'
            WHEN a.n < a.last THEN CASE WHEN p.id % 2 = 0 THEN 'declined' ELSE 'error' END
            WHEN p.status = 'initiated' THEN 'pending'
            ELSE 'succeeded' END,
       CASE WHEN p.status = 'failed' OR a.n < a.last THEN (ARRAY['card_declined', 'insufficient_funds', 'do_not_honor', 'gateway_timeout', '3ds_failed'])[1 + p.id % 5] END,
       p.created_at + (a.n - 1) * interval '40 seconds'
  FROM payments p
 CROSS JOIN LATERAL (SELECT 1 + (p.id % 6 = 0 AND p.status IN ('captured', 'refunded'))::int AS last) AS l
 CROSS JOIN LATERAL (SELECT n, l.last FROM generate_series(1, l.last) AS n) AS a
 WHERE p.created_at >= timestamptz '2024-10-01 00:00:00+00';  -- attempts are logged since the October 2024 gateway switch

-- Gateway references exist since the October 2024 switch to the current providers.
INSERT INTO gateway_transactions (id, payment_id, gateway, gateway_ref, txn_type, status, amount, currency_code, created_at, settled_at, last_writer)
SELECT row_number() OVER (ORDER BY t.payment_id, t.txn_type), t.*
  FROM (
        SELECT p.id AS payment_id,
               CASE WHEN p.purpose = 'wallet_topup' AND p.payment_method_id IS NULL THEN 'bank' ELSE coalesce(pm.gateway, 'stripe') END AS gateway,
               CASE WHEN coalesce(pm.gateway, 'stripe') = 'adyen' THEN 'PSP' || lpad((pg_temp.h('psp' || p.id) % 100000000)::text, 10, '0') || p.id
                    ELSE 'ch_' || substr(md5('ch' || p.id), 1, 24) END AS gateway_ref,
               CASE WHEN p.status = 'authorized' THEN 'authorize' WHEN p.status = 'voided' THEN 'void' ELSE 'capture' END AS txn_type,
               CASE WHEN p.status = 'failed' THEN 'failed' WHEN p.status = 'authorized' THEN 'pending' ELSE 'succeeded' END AS status,
               p.amount, p.currency_code,
               p.created_at + interval '30 seconds' AS created_at,
               CASE WHEN p.status IN ('captured', 'refunded') THEN p.captured_at + interval '48 hours' END AS settled_at,
               CASE WHEN p.purpose = 'order' AND p.status = 'captured' AND p.order_id % 10 = 4 THEN 'orders'
                    WHEN p.id % 50 = 0 THEN 'admin' ELSE 'payments' END AS last_writer
          FROM payments p
          LEFT JOIN payment_methods pm ON pm.id = p.payment_method_id
         WHERE p.status <> 'initiated' AND p.created_at >= timestamptz '2024-10-01 00:00:00+00'
        UNION ALL
        SELECT p.id, coalesce(pm.gateway, 'stripe'), 're_' || substr(md5('re' || p.id), 1, 24), 'refund', 'succeeded',
               p.amount, p.currency_code, p.captured_at + interval '200 hours', p.captured_at + interval '240 hours', 'payments'
          FROM payments p
          LEFT JOIN payment_methods pm ON pm.id = p.payment_method_id
         WHERE p.status = 'refunded' AND p.created_at >= timestamptz '2024-10-01 00:00:00+00'
       ) t;

INSERT INTO webhook_events (id, gateway, event_id, event_type, gateway_ref, payload, received_at, processed_at, process_error)
OVERRIDING SYSTEM VALUE
SELECT row_number() OVER (ORDER BY g.created_at, g.id), g.gateway,
       CASE g.gateway WHEN 'adyen' THEN 'evt-ady-' || g.id WHEN 'bank' THEN 'camt-' || g.id ELSE 'evt_' || substr(md5('evt' || g.id), 1, 24) END,
       g.gateway || '.' || CASE g.txn_type WHEN 'capture' THEN 'charge.' || g.status WHEN 'refund' THEN 'refund.' || g.status
                                           WHEN 'authorize' THEN 'authorization.' || g.status ELSE 'charge.voided' END,
       g.gateway_ref,
       jsonb_build_object('ref', g.gateway_ref, 'type', g.txn_type, 'amount_minor', (g.amount * 100)::bigint,
                          'currency', g.currency_code, 'status', g.status),
       g.created_at + (5 + g.id % 55) * interval '1 second',
       CASE WHEN g.id % 97 = 0 THEN NULL ELSE g.created_at + (6 + g.id % 55) * interval '1 second' END,
       CASE WHEN g.id % 97 = 0 THEN 'order not found for gateway_ref' WHEN g.id % 211 = 0 THEN 'duplicate capture ignored' END
  FROM gateway_transactions g
 WHERE g.created_at >= timestamptz '2025-04-01 00:00:00+00';  -- a purge job keeps 90 days

INSERT INTO refunds (id, payment_id, credit_note_id, amount, status, reason, requested_at, completed_at)
SELECT row_number() OVER (ORDER BY p.id), p.id, cn.id, p.amount,
       CASE WHEN p.id % 29 = 0 THEN 'failed' ELSE 'succeeded' END,
       (ARRAY['Customer return', 'Damaged in transit', 'Duplicate order', 'Workshop cancelled'])[1 + p.id % 4],
       p.captured_at + interval '190 hours',
       CASE WHEN p.id % 29 <> 0 THEN p.captured_at + interval '240 hours' END
  FROM payments p
  LEFT JOIN credit_notes cn ON cn.invoice_id = p.invoice_id AND cn.reason = 'Order refunded'
 WHERE p.status = 'refunded';

INSERT INTO old_payment_log (log_id, order_ref, psp, psp_txn, amount_cents, resp_code, raw_resp, ins_ts)
SELECT g, 'W' || (700000 + g), CASE WHEN g % 3 = 0 THEN 'ogone' ELSE 'paypal' END,
       upper(substr(md5('old' || g), 1, 17)), 500 + pg_temp.h('oa' || g) % 40000,
       CASE WHEN g % 14 = 0 THEN '05' ELSE '00' END,
       'STATUS=' || CASE WHEN g % 14 = 0 THEN 'DECLINED' ELSE 'OK' END || '&PAYID=' || (3000000 + g) || '&NCERROR=' || (g % 14 = 0)::int,
       timestamp '2018-03-01 10:00' + g * interval '5 hours'
  FROM generate_series(1, 1500) AS g;

-- -------------------------------------------------------------------------------------
-- Memberships & wallet
-- -------------------------------------------------------------------------------------

INSERT INTO membership_plans (id, code, name, product_id, billing_period, monthly_fee, is_public)
SELECT m.id, m.code, m.name, p.id, m.period, m.fee, m.id <> 8
  FROM (VALUES (1, 'CLUB', 'Harbor Club', 'month', 4.99), (2, 'CLUB_Y', 'Harbor Club (yearly)', 'year', 3.99),
               (3, 'PLUS', 'Pine Plus', 'month', 9.99), (4, 'PLUS_Y', 'Pine Plus (yearly)', 'year', 8.25),
               (5, 'WORKSHOP', 'Workshop Pass', 'month', 14.99), (6, 'BIZ', 'Business Perks', 'month', 29.00),
               (7, 'BIZ_Y', 'Business Perks (yearly)', 'year', 24.00), (8, 'STAFF', 'Staff membership', 'year', 0.00)) AS m (id, code, name, period, fee)
  LEFT JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM products WHERE product_type = 'membership') p ON p.rn = m.id;

INSERT INTO plan_subscriptions (id, tenant_id, user_id, plan_id, status, started_at, current_period_end, cancelled_at, auto_renew)
SELECT g, coalesce(u.primary_org_id, 1), u.id, 1 + pg_temp.h('plan' || g) % 8,
       s.st,
       s.started,
       s.started + (CASE WHEN s.st IN ('cancelled', 'expired') THEN 4 ELSE 19 END) * interval '720 hours',
       CASE WHEN s.st = 'cancelled' THEN s.started + interval '2000 hours' END,
       s.st NOT IN ('cancelled', 'expired')
  FROM generate_series(1, 1500) AS g
  JOIN users u ON u.id = 1 + (g * 1297) % 2000
 CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 'cancelled' WHEN g % 10 = 1 THEN 'expired' WHEN g % 17 = 0 THEN 'past_due'
                                 WHEN g % 23 = 0 THEN 'trial' ELSE 'active' END AS st,
                            timestamptz '2023-06-01 00:00:00+00' + g * interval '7 hours' AS started) AS s;

INSERT INTO entitlements (id, subscription_id, feature_code, quota, period, valid_from, valid_to)
SELECT row_number() OVER (ORDER BY s.id, f.code), s.id, f.code,
       CASE WHEN f.code = 'priority_support' THEN NULL ELSE f.base * (1 + s.plan_id % 3) END,
       'month', s.started_at, CASE WHEN s.status IN ('cancelled', 'expired') THEN s.current_period_end END
  FROM plan_subscriptions s
 CROSS JOIN (VALUES ('free_delivery', 2), ('workshop_seat', 1), ('member_discount', 10), ('priority_support', 0)) AS f (code, base)
 WHERE (f.code IN ('free_delivery', 'member_discount') AND s.plan_id IN (1, 2, 3, 4, 6, 7, 8))
    OR (f.code = 'workshop_seat' AND s.plan_id IN (3, 4, 5))
    OR (f.code = 'priority_support' AND s.plan_id IN (6, 7));

INSERT INTO usage_records (id, entitlement_id, user_id, quantity, recorded_at, source_ref)
SELECT g, e.id, s.user_id, CASE WHEN g % 61 = 0 THEN -1 ELSE 1 END,
       e.valid_from + (pg_temp.h('use' || g) % 9000) * interval '1 hour',
       CASE WHEN e.feature_code = 'workshop_seat' THEN 'slot:' ELSE 'order:' END || (1 + pg_temp.h('src' || g) % 20000)
  FROM generate_series(1, 6000) AS g
  JOIN entitlements e ON e.id = 1 + pg_temp.h('ent' || g) % (SELECT count(*) FROM entitlements)
  JOIN plan_subscriptions s ON s.id = e.subscription_id;

INSERT INTO wallets (id, tenant_id, user_id, currency_code, balance, status, created_at)
SELECT w.id, w.tenant_id, w.user_id, w.currency_code, 0,
       CASE WHEN w.id % 40 = 0 THEN 'frozen' WHEN w.id % 97 = 0 THEN 'closed' ELSE 'active' END,
       timestamptz '2024-01-01 00:00:00+00' + w.id * interval '2 hours'
  FROM seed_wallets w;

-- Ledger: fundings, up to six spends on the owner's orders (each at most a seventh of what was funded),
-- wallet refunds of refunded orders, and a few refunds of orders archived long ago.
CREATE TEMP TABLE seed_wallet_tx ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY t.created_at, t.wallet_id, t.kind, t.ref) AS id, t.*
  FROM (
        SELECT f.wallet_id, 'fund'::varchar(10) AS kind, f.amount, NULL::bigint AS order_id,
               'Top-up (' || f.method || ')' AS note, f.funded_at AS created_at, 'wallet' AS created_by, f.id AS ref
          FROM seed_fundings f
        UNION ALL
        SELECT s.wallet_id, 'spend', -least(s.grand_total, s.cap), s.order_id, 'Order ' || s.order_no, s.placed_at + interval '1 minute', 'orders', s.order_id
          FROM (SELECT w.id AS wallet_id, o.id AS order_id, o.order_no, o.grand_total, o.placed_at,
                       floor(fsum.total / 7 * 100) / 100 AS cap,
                       row_number() OVER (PARTITION BY w.id ORDER BY o.id) AS rn
                  FROM seed_wallets w
                  JOIN (SELECT wallet_id, sum(amount) AS total, min(funded_at) AS first_at FROM seed_fundings GROUP BY wallet_id) fsum ON fsum.wallet_id = w.id
                  JOIN orders o ON o.cust_id = w.user_id AND o.tenant_id = w.tenant_id AND o.placed_at > fsum.first_at
                 WHERE o.status IN ('paid', 'shipped', 'delivered')) s
         WHERE s.rn <= 6
        UNION ALL
        SELECT w.id, 'refund', round(o.grand_total * 0.5, 2), o.id, 'Refund to wallet ' || o.order_no, o.placed_at + interval '200 hours', 'payments', o.id
          FROM seed_wallets w
          JOIN orders o ON o.cust_id = w.user_id AND o.tenant_id = w.tenant_id AND o.status = 'refunded'
        UNION ALL
        SELECT 1 + (g * 79) % 1200, 'refund', 5 * g, 900000 + g, 'Refund of archived order W' || (900000 + g),
               timestamptz '2024-01-10 00:00:00+00' + g * interval '11 hours', 'admin', 900000 + g
          FROM generate_series(1, 15) AS g
        UNION ALL
        SELECT 1 + (g * 131) % 1200, 'adjust', CASE WHEN g % 2 = 0 THEN 2.50 ELSE -1.00 END, NULL, 'Manual correction #' || g,
               timestamptz '2025-02-01 00:00:00+00' + g * interval '13 hours', 'admin', g
          FROM generate_series(1, 60) AS g
       ) t;

INSERT INTO wallet_transactions (id, wallet_id, kind, amount, order_id, note, created_at, created_by)
OVERRIDING SYSTEM VALUE
SELECT id, wallet_id, kind, amount, order_id, note, created_at, created_by FROM seed_wallet_tx;

INSERT INTO wallet_fundings (id, wallet_id, payment_id, amount, method, funded_at, wallet_transaction_id)
SELECT f.id, f.wallet_id, p.id, f.amount, f.method, f.funded_at, t.id
  FROM seed_fundings f
  LEFT JOIN payments p ON p.idempotency_key = 'topup-' || f.id
  JOIN seed_wallet_tx t ON t.kind = 'fund' AND t.ref = f.id;

UPDATE wallets w SET balance = t.total
  FROM (SELECT wallet_id, sum(amount) AS total FROM wallet_transactions GROUP BY wallet_id) t
 WHERE t.wallet_id = w.id;

-- -------------------------------------------------------------------------------------
-- Audit
-- -------------------------------------------------------------------------------------

INSERT INTO audit_events (id, occurred_at, tenant_id, user_id, action, resource_type, resource_id, old_values, new_values, source_service, correlation_id)
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '1571 seconds',
       CASE WHEN a.k = 7 THEN NULL ELSE 1 + (uid % 20) END,
       uid,
       a.action, a.resource_type,
       (1 + pg_temp.h('rid' || g) % a.max_id)::text,
       CASE WHEN a.action LIKE '%.update' AND g % 3 = 0 THEN jsonb_build_object('rev', g % 7) END,
       CASE WHEN a.action LIKE '%.update' AND g % 3 = 0 THEN jsonb_build_object('rev', 1 + g % 7) END,
       a.service,
       CASE WHEN g % 4 <> 0 THEN md5('corr' || (g / 3))::uuid END
  FROM generate_series(1, 30000) AS g
 CROSS JOIN LATERAL (SELECT CASE WHEN g % 500 = 0 THEN 2000 + 1 + g % 50 ELSE 1 + pg_temp.h('au' || g) % 2000 END AS uid,
                            pg_temp.h('ak' || g) % 12 AS k) AS x
  JOIN (VALUES (0, 'order.create', 'orders', 20000, 'orders'),
               (1, 'order.cancel', 'orders', 20000, 'admin'),
               (2, 'invoice.issue', 'invoices', 15000, 'billing'),
               (3, 'payment.capture', 'payments', 20000, 'payments'),
               (4, 'user.update', 'users', 2000, 'ums'),
               (5, 'role.assign', 'user_role_assignments', 2500, 'rbac'),
               (6, 'wallet.adjust', 'wallets', 1200, 'admin'),
               (7, 'price_rule.update', 'price_rules', 5000, 'catalog'),
               (8, 'product.update', 'products', 500, 'catalog'),
               (9, 'profile.update', 'user_profiles', 2000, 'rbac'),
               (10, 'order.update', 'orders', 20000, 'admin'),
               (11, 'credential.create', 'user_credentials', 2000, 'ums')) AS a (k, action, resource_type, max_id, service)
    ON a.k = x.k;

INSERT INTO auth_events (id, occurred_at, user_id, tenant_id, event_type, provider, ip_address, success, failure_reason)
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '7855 seconds',
       CASE WHEN e.t = 'login_failed' AND g % 9 = 0 THEN NULL ELSE 1 + pg_temp.h('ae' || g) % 2000 END,
       1 + pg_temp.h('ae' || g) % 20,
       e.t,
       (ARRAY['password', 'password', 'google', 'microsoft', 'saml'])[1 + g % 5],
       ('172.16.' || (g % 250) || '.' || (1 + g % 240))::inet,
       e.t NOT IN ('login_failed', 'mfa_failed', 'lockout'),
       CASE e.t WHEN 'login_failed' THEN (ARRAY['bad_password', 'unknown_user', 'account_suspended'])[1 + g % 3]
                WHEN 'mfa_failed' THEN 'bad_code' WHEN 'lockout' THEN 'too_many_attempts' END
  FROM generate_series(1, 6000) AS g
 CROSS JOIN LATERAL (SELECT (ARRAY['login_success', 'login_success', 'login_success', 'token_refresh', 'token_refresh', 'logout',
                                   'login_failed', 'mfa_challenge', 'mfa_failed', 'password_reset', 'login_success', 'lockout'])[1 + pg_temp.h('et' || g) % 12] AS t) AS e;

INSERT INTO rbac_decisions (id, decided_at, tenant_id, user_id, permission_code, resource_ref, decision, policy_id, latency_us)
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '9429 seconds',
       1 + (uid % 20), uid,
       p.code,
       p.resource || ':' || (1 + pg_temp.h('rr' || g) % 20000),
       CASE WHEN g % 6 = 0 THEN 'deny' ELSE 'allow' END,
       CASE WHEN g % 12 = 0 THEN 1 + g % 30 END,
       200 + pg_temp.h('lat' || g) % 4000
  FROM generate_series(1, 5000) AS g
 CROSS JOIN LATERAL (SELECT 1 + pg_temp.h('rd' || g) % 2000 AS uid) AS x
  JOIN permissions p ON p.id = 1 + g % 31;

INSERT INTO action_traces (id, occurred_at, service, operation, tenant_id, user_id, correlation_id, duration_ms, status_code)
SELECT g,
       CASE WHEN g <= 12 THEN timestamptz '2023-12-31 23:00:00+00' + g * interval '4 minutes'
            ELSE timestamptz '2024-01-01 00:00:00+00' + g * interval '3929 seconds' END,
       s.svc, s.op,
       1 + pg_temp.h('tr' || g) % 20,
       1 + pg_temp.h('tu' || g) % 2000,
       md5('corr' || (g / 3))::uuid,
       5 + pg_temp.h('dur' || g) % 1500,
       CASE WHEN g % 37 = 0 THEN 500 WHEN g % 11 = 0 THEN 409 ELSE 200 END
  FROM generate_series(1, 12000) AS g
 CROSS JOIN LATERAL (SELECT (ARRAY['orders', 'orders', 'payments', 'billing', 'catalog', 'pricing', 'auth', 'ums', 'rbac', 'wallet', 'availability', 'admin'])[1 + g % 12] AS svc,
                            (ARRAY['POST /orders', 'PATCH /orders/{id}', 'POST /payments/{id}/capture', 'POST /invoices', 'GET /products/{id}',
                                   'POST /quotes', 'POST /token', 'PATCH /users/{id}/attributes', 'POST /check', 'POST /wallets/{id}/spend',
                                   'POST /reservations', 'POST /admin/bulk-update'])[1 + g % 12] AS op) AS s;

INSERT INTO error_logs (id, logged_at, service, severity, error_code, message, user_id, tenant_id, correlation_id, context)
SELECT g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '31411 seconds',
       e.svc, CASE WHEN g % 50 = 0 THEN 'fatal' WHEN g % 4 = 0 THEN 'warn' ELSE 'error' END,
       e.code, e.msg,
       CASE WHEN g % 3 <> 0 THEN 1 + pg_temp.h('eu' || g) % 2000 END,
       1 + g % 20,
       md5('corr' || (g * 8))::uuid,
       jsonb_build_object('host', 'app-' || (1 + g % 6), 'release', '2025.' || (1 + g % 24))
  FROM generate_series(1, 1500) AS g
 CROSS JOIN LATERAL (SELECT (ARRAY['orders', 'payments', 'billing', 'admin', 'catalog', 'wallet'])[1 + g % 6] AS svc,
                            (ARRAY['DEADLOCK', 'GATEWAY_TIMEOUT', 'INVOICE_NUMBER_GAP', 'FK_VIOLATION', 'PRICE_NOT_FOUND', 'NEGATIVE_BALANCE'])[1 + g % 6] AS code,
                            (ARRAY['deadlock detected while updating orders and stock_levels',
                                   'gateway did not answer within 30s',
                                   'invoice number sequence jumped',
                                   'insert or update on table "order_lines" violates foreign key constraint',
                                   'no price rule matched; fell back to products.list_price',
                                   'wallet balance would go below zero'])[1 + g % 6] AS msg) AS e;

INSERT INTO legacy_user_prefs (user_id, pref_name, pref_val, ins_ts)
SELECT u.id, p.name,
       CASE p.name WHEN 'newsletter' THEN CASE WHEN u.id % 3 = 0 THEN 'N' ELSE 'Y' END
                   WHEN 'theme' THEN (ARRAY['classic', 'dark', 'blue'])[1 + u.id % 3]
                   ELSE (ARRAY['EN', 'DE', 'FR'])[1 + u.id % 3] END,
       timestamp '2018-06-01 12:00' + u.id * interval '3 hours'
  FROM users u
 CROSS JOIN (VALUES ('newsletter'), ('theme'), ('lang')) AS p (name)
 WHERE u.id <= 1200 AND (p.name = 'newsletter' OR u.id % 2 = 0);

-- -------------------------------------------------------------------------------------
-- Sequences, triggers, derived data, statistics
-- -------------------------------------------------------------------------------------

-- Move every serial / identity sequence past the highest id so later inserts do not collide.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(format('%I', c.relname), a.attname) AS seq
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY 1, 2
    LOOP
        IF r.seq IS NOT NULL THEN
            EXECUTE format('SELECT setval(%L, coalesce((SELECT max(%I) FROM %I), 0) + 1, false)', r.seq, r.col, r.tbl);
        END IF;
    END LOOP;
END;
$$;

DO $$
BEGIN
    PERFORM setval('invoice_number_seq', (SELECT max(substr(invoice_no, 5)::bigint) FROM invoices) + 1, false);
    PERFORM setval('credit_note_number_seq', (SELECT max(substr(credit_note_no, 4)::bigint) FROM credit_notes) + 1, false);
END;
$$;

ALTER TABLE users ENABLE TRIGGER USER;
ALTER TABLE roles ENABLE TRIGGER USER;
ALTER TABLE user_role_assignments ENABLE TRIGGER USER;
ALTER TABLE price_rules ENABLE TRIGGER USER;

DROP FUNCTION pg_temp.h(text);

REFRESH MATERIALIZED VIEW mv_customer_lifetime_value;

-- Planner statistics. A small sample is plenty here: every table is small enough that ANALYZE
-- still reads all its pages, so row counts (pg_class.reltuples) come out exact.
SET LOCAL default_statistics_target = 10;
ANALYZE;

COMMIT;
