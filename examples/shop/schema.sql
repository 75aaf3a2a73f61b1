-- =====================================================================================
-- Harbor & Pine — the shared "hp_main" database, as it stands today.
--
-- Eleven services and one admin monolith connect to this database with the same
-- credentials. Nothing here is tidy on purpose: the tables were added over six years
-- by different teams, and the naming, the key styles and the constraints show it.
--
-- Loads on PostgreSQL 13+ and PGlite. Everything lives in the public schema.
-- Load order: this file, then seed.sql.
-- =====================================================================================

-- -------------------------------------------------------------------------------------
-- Types and free-standing sequences
-- -------------------------------------------------------------------------------------

CREATE TYPE order_status AS ENUM
    ('pending', 'confirmed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');

CREATE TYPE payment_status AS ENUM
    ('initiated', 'authorized', 'captured', 'failed', 'voided', 'refunded');

COMMENT ON TYPE order_status IS 'Lifecycle of an order. "paid" is also set by the Orders service itself when a gateway callback arrives late.';

-- Invoice numbers are legal documents: gap-tolerant but never reused.
CREATE SEQUENCE invoice_number_seq START WITH 100001 INCREMENT BY 1 NO CYCLE;

CREATE SEQUENCE credit_note_number_seq START WITH 5001;

-- -------------------------------------------------------------------------------------
-- Shared reference data (read by everyone)
-- -------------------------------------------------------------------------------------

CREATE TABLE currencies (
    code         char(3) PRIMARY KEY,
    name         varchar(64) NOT NULL,
    symbol       varchar(8),
    minor_units  smallint NOT NULL DEFAULT 2 CHECK (minor_units BETWEEN 0 AND 4),
    is_active    boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE currencies IS 'ISO 4217 currencies the platform can price, bill and pay in.';
COMMENT ON COLUMN currencies.minor_units IS 'Digits after the decimal point (JPY = 0).';

CREATE TABLE countries (
    code           char(2) PRIMARY KEY,
    iso3           char(3) NOT NULL UNIQUE,
    name           varchar(100) NOT NULL,
    currency_code  char(3) REFERENCES currencies (code) ON UPDATE CASCADE,
    region         varchar(32) NOT NULL,
    phone_prefix   varchar(6),
    eu_member      boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE countries IS 'ISO 3166 countries we ship to or bill in.';

CREATE TABLE exchange_rates (
    id             serial PRIMARY KEY,
    base_currency  char(3) NOT NULL REFERENCES currencies (code),
    quote_currency char(3) NOT NULL REFERENCES currencies (code),
    rate_date      date NOT NULL,
    rate           numeric(18, 8) NOT NULL CHECK (rate > 0),
    source         varchar(32) NOT NULL DEFAULT 'ecb',
    CONSTRAINT uq_exchange_rates_day UNIQUE (base_currency, quote_currency, rate_date),
    CHECK (base_currency <> quote_currency)
);
COMMENT ON TABLE exchange_rates IS 'Reference rates per business day, loaded by a nightly cron job in the admin monolith.';

CREATE TABLE time_zones (
    name            varchar(64) PRIMARY KEY,
    utc_offset_min  integer NOT NULL,
    observes_dst    boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE time_zones IS 'IANA zone names offered in the profile settings screen.';

CREATE TABLE locales (
    code        varchar(10) PRIMARY KEY,
    language    varchar(40) NOT NULL,
    country_code char(2) REFERENCES countries (code),
    is_default  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE locales IS 'UI and content locales (BCP 47 tags).';

CREATE TABLE status_codes (
    domain       varchar(32) NOT NULL,
    code         varchar(32) NOT NULL,
    label        varchar(100) NOT NULL,
    is_terminal  boolean NOT NULL DEFAULT false,
    sort_order   smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (domain, code)
);
COMMENT ON TABLE status_codes IS 'Display labels for status values of every domain. Nothing references it; screens join it by convention.';

-- -------------------------------------------------------------------------------------
-- UMS — users, organizations, memberships, module access, user attributes
-- -------------------------------------------------------------------------------------

CREATE TABLE organizations (
    id              serial PRIMARY KEY,
    slug            varchar(64) NOT NULL UNIQUE,
    legal_name      varchar(200) NOT NULL,
    display_name    varchar(120),
    country_code    char(2) REFERENCES countries (code),
    default_currency char(3) REFERENCES currencies (code),
    plan_tier       varchar(20) NOT NULL DEFAULT 'standard'
                    CHECK (plan_tier IN ('trial', 'standard', 'business', 'enterprise')),
    is_active       boolean NOT NULL DEFAULT true,
    created_on      timestamp NOT NULL DEFAULT now(),
    parent_org_id   integer REFERENCES organizations (id) ON DELETE SET NULL
);
COMMENT ON TABLE organizations IS 'Customer organizations. Every tenant-scoped row points here through tenant_id.';
COMMENT ON COLUMN organizations.created_on IS 'Local server time (timestamp without time zone): written before the UTC clean-up of 2020.';

CREATE TABLE users (
    id              serial PRIMARY KEY,
    email           varchar(255) NOT NULL,
    legacy_login    varchar(64),
    primary_org_id  integer REFERENCES organizations (id) ON DELETE SET NULL,
    status          varchar(16) NOT NULL DEFAULT 'active'
                    CHECK (status IN ('invited', 'active', 'suspended', 'deleted')),
    email_verified  boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
CREATE INDEX ix_users_primary_org ON users (primary_org_id);
COMMENT ON TABLE users IS 'One row per person. Owned by UMS; Auth (email_verified) and the admin monolith write to it as well.';
COMMENT ON COLUMN users.legacy_login IS 'Username from the 2018 platform. Still accepted by the admin login form.';
COMMENT ON COLUMN users.primary_org_id IS 'Organization the user lands in after login; the full list is in org_memberships.';

CREATE TABLE user_profiles (
    user_id        integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    first_name     varchar(80),
    last_name      varchar(80),
    display_name   varchar(160),
    phone          varchar(32),
    country_code   char(2) REFERENCES countries (code),
    locale         varchar(10) REFERENCES locales (code),
    time_zone      varchar(64) REFERENCES time_zones (name),
    avatar_url     text,
    job_title      varchar(120),
    fax            varchar(32),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     varchar(40)
);
COMMENT ON TABLE user_profiles IS 'Profile details shown in the account screen.';
COMMENT ON COLUMN user_profiles.updated_by IS 'Free text: "ums", "rbac-sync", "admin:<login>". RBAC rewrites job_title when it syncs roles from the HR feed.';
COMMENT ON COLUMN user_profiles.fax IS 'Unused since 2019.';

CREATE TABLE org_memberships (
    id            serial PRIMARY KEY,
    tenant_id     integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    member_type   varchar(16) NOT NULL DEFAULT 'member'
                  CHECK (member_type IN ('owner', 'admin', 'member', 'guest')),
    joined_at     timestamptz NOT NULL DEFAULT now(),
    left_at       timestamptz,
    invited_by    integer REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT uq_org_memberships UNIQUE (tenant_id, user_id)
);
CREATE INDEX ix_org_memberships_user ON org_memberships (user_id);
COMMENT ON TABLE org_memberships IS 'Which users belong to which organization (tenant), and in what capacity.';

CREATE TABLE modules (
    code         varchar(32) PRIMARY KEY,
    name         varchar(100) NOT NULL,
    description  text,
    is_billable  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE modules IS 'Product areas of the platform that can be switched on per user (orders, wallet, reports ...).';

CREATE TABLE module_access (
    id           integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id    integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_code  varchar(32) NOT NULL REFERENCES modules (code) ON UPDATE CASCADE,
    granted_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    CONSTRAINT uq_module_access UNIQUE (tenant_id, user_id, module_code)
);
COMMENT ON TABLE module_access IS 'Per-tenant module switches for each user. Read by every business service on each request.';

CREATE TABLE user_attributes (
    id          bigserial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   integer REFERENCES organizations (id),
    attr_key    varchar(64) NOT NULL,
    attr_value  text,
    data_type   varchar(16) NOT NULL DEFAULT 'string'
                CHECK (data_type IN ('string', 'integer', 'decimal', 'boolean', 'date', 'json')),
    st_dt       date NOT NULL,
    e_dt        date DEFAULT '9999-12-31',
    changed_by  varchar(40),
    CHECK (e_dt IS NULL OR e_dt >= st_dt)
);
CREATE INDEX ix_user_attributes_open ON user_attributes (user_id, attr_key)
    WHERE e_dt IS NULL OR e_dt = '9999-12-31';
CREATE INDEX ix_user_attributes_key_dates ON user_attributes (attr_key, st_dt, e_dt);
COMMENT ON TABLE user_attributes IS 'Effective-dated (SCD2) user attributes: one row per value per period. The open row has e_dt = 9999-12-31 (rows opened before 2022 use NULL).';
COMMENT ON COLUMN user_attributes.st_dt IS 'First day the value applies (inclusive).';
COMMENT ON COLUMN user_attributes.e_dt IS 'Last day the value applies (inclusive). 9999-12-31 or NULL = still open.';
COMMENT ON COLUMN user_attributes.data_type IS 'How attr_value should be parsed. Validated by UMS only; other writers skip it.';

-- -------------------------------------------------------------------------------------
-- Auth — credentials, login identities, tokens, sessions, password resets
-- -------------------------------------------------------------------------------------

CREATE TABLE user_credentials (
    id              serial PRIMARY KEY,
    user_id         integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash   varchar(255) NOT NULL,
    hash_algo       varchar(16) NOT NULL DEFAULT 'bcrypt'
                    CHECK (hash_algo IN ('md5', 'sha256', 'bcrypt', 'argon2id')),
    must_change     boolean NOT NULL DEFAULT false,
    failed_attempts smallint NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    timestamptz,
    last_login_at   timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    rotated_at      timestamptz,
    is_current      boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX ux_user_credentials_current ON user_credentials (user_id) WHERE is_current;
COMMENT ON TABLE user_credentials IS 'Password credentials. Auth owns them, but the UMS signup flow inserts the first row directly.';
COMMENT ON COLUMN user_credentials.hash_algo IS 'md5 rows date from the 2018 platform and are rehashed on next login.';

CREATE TABLE login_identities (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider       varchar(24) NOT NULL CHECK (provider IN ('password', 'google', 'microsoft', 'apple', 'saml')),
    subject        varchar(255) NOT NULL,
    email_at_link  varchar(255),
    linked_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at   timestamptz,
    CONSTRAINT uq_login_identities_subject UNIQUE (provider, subject)
);
CREATE INDEX ix_login_identities_user ON login_identities (user_id);
COMMENT ON TABLE login_identities IS 'Ways a user can sign in: a local password or an external identity provider subject.';

CREATE TABLE auth_sessions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    identity_id   bigint REFERENCES login_identities (id) ON DELETE SET NULL,
    ip_address    inet,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX ix_auth_sessions_user_created ON auth_sessions (user_id, created_at DESC);
CREATE INDEX ix_auth_sessions_live ON auth_sessions (expires_at) WHERE revoked_at IS NULL;
COMMENT ON TABLE auth_sessions IS 'Interactive login sessions (web and mobile).';

CREATE TABLE refresh_tokens (
    id            bigserial PRIMARY KEY,
    session_id    uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    char(64) NOT NULL UNIQUE,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    replaced_by   bigint REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    revoked       boolean NOT NULL DEFAULT false
);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens (session_id);
COMMENT ON TABLE refresh_tokens IS 'Rotating OAuth refresh tokens; only the SHA-256 of each token is stored.';

CREATE TABLE auth_tokens (
    id            serial PRIMARY KEY,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id     integer REFERENCES organizations (id) ON DELETE CASCADE,
    name          varchar(100) NOT NULL,
    token_prefix  char(8) NOT NULL,
    token_hash    char(64) NOT NULL UNIQUE,
    scopes        text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    expires_at    timestamptz
);
COMMENT ON TABLE auth_tokens IS 'Long-lived personal and integration API tokens.';

CREATE TABLE password_resets (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash    char(64) NOT NULL UNIQUE,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    requested_ip  inet,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz
);
CREATE INDEX ix_password_resets_user ON password_resets (user_id, requested_at);
COMMENT ON TABLE password_resets IS 'One-time password reset links.';

CREATE TABLE mfa_factors (
    id            serial PRIMARY KEY,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_type   varchar(16) NOT NULL CHECK (factor_type IN ('totp', 'sms', 'webauthn', 'recovery')),
    secret_ref    varchar(128) NOT NULL,
    label         varchar(64),
    enrolled_at   timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);
CREATE INDEX ix_mfa_factors_user ON mfa_factors (user_id);
COMMENT ON TABLE mfa_factors IS 'Second factors. secret_ref points into the secrets vault, never the secret itself.';

-- -------------------------------------------------------------------------------------
-- RBAC — roles, permissions, assignments, policies
-- -------------------------------------------------------------------------------------

CREATE TABLE roles (
    id           serial PRIMARY KEY,
    tenant_id    integer REFERENCES organizations (id) ON DELETE CASCADE,
    code         varchar(64) NOT NULL,
    name         varchar(120) NOT NULL,
    description  text,
    is_system    boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (is_system = (tenant_id IS NULL))
);
CREATE UNIQUE INDEX ux_roles_tenant_code ON roles (coalesce(tenant_id, 0), code);
COMMENT ON TABLE roles IS 'System roles (tenant_id NULL) and roles a tenant defined for itself.';

CREATE TABLE permissions (
    id           smallserial PRIMARY KEY,
    code         varchar(80) NOT NULL UNIQUE,
    resource     varchar(40) NOT NULL,
    action       varchar(20) NOT NULL,
    description  text
);
COMMENT ON TABLE permissions IS 'Fine-grained permission codes, resource.action (orders.refund, wallet.adjust ...).';

CREATE TABLE role_permissions (
    role_id        integer NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id  smallint NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    granted_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (role_id, permission_id)
);
COMMENT ON TABLE role_permissions IS 'Which permissions each role grants. Orders, Billing and Wallet join this table directly to check access.';

CREATE TABLE user_role_assignments (
    id           serial PRIMARY KEY,
    tenant_id    integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id      integer NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    granted_by   integer REFERENCES users (id) ON DELETE SET NULL,
    granted_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    CONSTRAINT uq_user_role_assignments UNIQUE (tenant_id, user_id, role_id)
);
CREATE INDEX ix_user_role_assignments_user ON user_role_assignments (user_id, tenant_id);
COMMENT ON TABLE user_role_assignments IS 'Role grants per user per tenant.';

CREATE TABLE access_policies (
    id           serial PRIMARY KEY,
    tenant_id    integer REFERENCES organizations (id) ON DELETE CASCADE,
    name         varchar(120) NOT NULL,
    effect       varchar(5) NOT NULL CHECK (effect IN ('allow', 'deny')),
    resource     varchar(80) NOT NULL,
    condition    jsonb NOT NULL DEFAULT '{}'::jsonb,
    priority     smallint NOT NULL DEFAULT 100,
    is_enabled   boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_access_policies_tenant_resource ON access_policies (tenant_id, resource) WHERE is_enabled;
COMMENT ON TABLE access_policies IS 'Attribute-based rules evaluated on top of roles (e.g. deny refunds above 500 EUR outside business hours).';

-- -------------------------------------------------------------------------------------
-- Catalog — offerings, descriptions, categories, bundles
-- -------------------------------------------------------------------------------------

CREATE TABLE categories (
    id           serial PRIMARY KEY,
    parent_id    integer REFERENCES categories (id) ON DELETE SET NULL,
    slug         varchar(80) NOT NULL UNIQUE,
    name         varchar(120) NOT NULL,
    sort_order   integer NOT NULL DEFAULT 0,
    active_flag  char(1) NOT NULL DEFAULT 'Y' CHECK (active_flag IN ('Y', 'N'))
);
COMMENT ON TABLE categories IS 'Catalog category tree.';

CREATE TABLE products (
    id            serial PRIMARY KEY,
    sku           varchar(40) NOT NULL UNIQUE,
    name          varchar(200) NOT NULL,
    category_id   integer REFERENCES categories (id) ON DELETE SET NULL,
    product_type  varchar(16) NOT NULL DEFAULT 'physical'
                  CHECK (product_type IN ('physical', 'service', 'digital', 'membership')),
    status        varchar(12) NOT NULL DEFAULT 'active'
                  CHECK (status IN ('draft', 'active', 'retired')),
    list_price    numeric(10, 2),
    weight_grams  integer CHECK (weight_grams IS NULL OR weight_grams > 0),
    create_dt     timestamp NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_products_category_status ON products (category_id, status);
COMMENT ON TABLE products IS 'Everything we sell: goods, bookable services, digital items and membership plans.';
COMMENT ON COLUMN products.list_price IS 'Legacy price from before the Pricing service. Catalog still returns it as "price" when no price rule matches.';

CREATE TABLE product_descriptions (
    product_id    integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    locale        varchar(10) NOT NULL REFERENCES locales (code),
    title         varchar(200) NOT NULL,
    short_text    varchar(500),
    body_html     text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, locale)
);
COMMENT ON TABLE product_descriptions IS 'Localized marketing copy per product.';

CREATE TABLE product_tags (
    product_id  integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    tag         varchar(40) NOT NULL,
    PRIMARY KEY (product_id, tag)
);
CREATE INDEX ix_product_tags_tag ON product_tags (tag);
COMMENT ON TABLE product_tags IS 'Free-form merchandising tags (bestseller, eco, clearance ...).';

CREATE TABLE bundles (
    id           serial PRIMARY KEY,
    code         varchar(40) NOT NULL UNIQUE,
    name         varchar(200) NOT NULL,
    product_id   integer UNIQUE REFERENCES products (id) ON DELETE SET NULL,
    is_active    boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bundles IS 'Sets of products sold together. product_id is the sellable bundle SKU, when one exists.';

CREATE TABLE bundle_items (
    bundle_id    integer NOT NULL REFERENCES bundles (id) ON DELETE CASCADE,
    product_id   integer NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity     smallint NOT NULL DEFAULT 1 CHECK (quantity > 0),
    is_optional  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (bundle_id, product_id)
);
COMMENT ON TABLE bundle_items IS 'Products inside a bundle. A product cannot be deleted while a bundle uses it.';

-- -------------------------------------------------------------------------------------
-- Pricing — price lists and rules, discounts, promotions, snapshots, tax
-- -------------------------------------------------------------------------------------

CREATE TABLE price_lists (
    id             serial PRIMARY KEY,
    tenant_id      integer REFERENCES organizations (id) ON DELETE CASCADE,
    code           varchar(40) NOT NULL UNIQUE,
    name           varchar(120) NOT NULL,
    currency_code  char(3) NOT NULL REFERENCES currencies (code),
    is_active      boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE price_lists IS 'The public list (tenant_id NULL) and negotiated per-tenant lists.';

CREATE TABLE price_rules (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    price_list_id  integer NOT NULL REFERENCES price_lists (id) ON DELETE CASCADE,
    product_id     integer NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    amount         numeric(12, 2) NOT NULL CHECK (amount >= 0),
    min_quantity   integer NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
    priority       smallint NOT NULL DEFAULT 0,
    valid_from     timestamptz NOT NULL,
    valid_to       timestamptz,
    created_by     varchar(40),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX ix_price_rules_product_validity ON price_rules (product_id, valid_from, valid_to);
CREATE INDEX ix_price_rules_list ON price_rules (price_list_id);
COMMENT ON TABLE price_rules IS 'Effective-dated prices: a rule applies from valid_from (inclusive) to valid_to (exclusive, NULL = open).';
COMMENT ON COLUMN price_rules.created_by IS 'Service or person that wrote the rule; Catalog''s bulk editor writes here as "catalog-import".';

CREATE TABLE discounts (
    id              serial PRIMARY KEY,
    code            varchar(40) NOT NULL UNIQUE,
    description     varchar(200),
    percent_off     numeric(5, 2) CHECK (percent_off > 0 AND percent_off <= 100),
    amount_off      numeric(10, 2) CHECK (amount_off > 0),
    product_id      integer REFERENCES products (id) ON DELETE CASCADE,
    category_id     integer REFERENCES categories (id) ON DELETE CASCADE,
    valid_from      timestamptz NOT NULL,
    valid_to        timestamptz,
    CHECK ((percent_off IS NULL) <> (amount_off IS NULL))
);
COMMENT ON TABLE discounts IS 'Standing discounts on a product or a whole category.';

CREATE TABLE promotions (
    id             serial PRIMARY KEY,
    code           varchar(40) NOT NULL UNIQUE,
    name           varchar(160) NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    rules          jsonb NOT NULL,
    budget_amount  numeric(12, 2),
    max_redemptions integer,
    is_stackable   boolean NOT NULL DEFAULT false,
    CHECK (ends_at > starts_at)
);
COMMENT ON TABLE promotions IS 'Time-boxed campaigns (voucher codes, buy-X-get-Y). rules is interpreted by Pricing.';

CREATE TABLE promotion_redemptions (
    id              bigserial PRIMARY KEY,
    promotion_id    integer NOT NULL REFERENCES promotions (id) ON DELETE RESTRICT,
    order_id        bigint NOT NULL,
    user_id         integer REFERENCES users (id) ON DELETE SET NULL,
    discount_amount numeric(10, 2) NOT NULL,
    redeemed_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_promotion_redemptions_order UNIQUE (promotion_id, order_id)
);
COMMENT ON TABLE promotion_redemptions IS 'Which order used which promotion, and for how much.';

CREATE TABLE pricing_snapshots (
    id             bigserial PRIMARY KEY,
    quote_ref      uuid NOT NULL UNIQUE,
    order_id       bigint,
    tenant_id      integer,
    currency_code  char(3) NOT NULL,
    net_total      numeric(12, 2) NOT NULL,
    tax_total      numeric(12, 2) NOT NULL,
    breakdown      jsonb NOT NULL,
    computed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_pricing_snapshots_order ON pricing_snapshots (order_id);
COMMENT ON TABLE pricing_snapshots IS 'Frozen price calculation handed to Orders at checkout (since the Pricing service went live in January 2025).';
COMMENT ON COLUMN pricing_snapshots.order_id IS 'Filled in by Orders after the order exists. No foreign key: the snapshot is written first.';

CREATE TABLE tax_rates (
    id            serial PRIMARY KEY,
    country_code  char(2) NOT NULL REFERENCES countries (code),
    tax_class     varchar(16) NOT NULL DEFAULT 'standard',
    rate_pct      numeric(5, 2) NOT NULL CHECK (rate_pct >= 0 AND rate_pct < 100),
    valid_from    date NOT NULL,
    valid_to      date,
    CONSTRAINT uq_tax_rates UNIQUE (country_code, tax_class, valid_from)
);
COMMENT ON TABLE tax_rates IS 'Sales tax / VAT rates per country and tax class, effective-dated.';

-- -------------------------------------------------------------------------------------
-- Availability — stock, capacity, slots
-- -------------------------------------------------------------------------------------

CREATE TABLE stock_locations (
    id            smallserial PRIMARY KEY,
    code          varchar(16) NOT NULL UNIQUE,
    name          varchar(120) NOT NULL,
    country_code  char(2) NOT NULL REFERENCES countries (code),
    time_zone     varchar(64) REFERENCES time_zones (name),
    is_active     boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE stock_locations IS 'Warehouses and pick-up points.';

CREATE TABLE stock_levels (
    id            serial PRIMARY KEY,
    product_id    integer NOT NULL,
    location_id   smallint NOT NULL REFERENCES stock_locations (id),
    on_hand       integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved      integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reorder_point integer,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_stock_levels UNIQUE (product_id, location_id)
);
COMMENT ON TABLE stock_levels IS 'Stock per product per location. product_id has no foreign key: the warehouse import loads stock for SKUs before Catalog publishes them.';
COMMENT ON COLUMN stock_levels.reserved IS 'Units held for unpaid orders. Orders increments this directly at checkout.';

CREATE TABLE service_capacity (
    id             integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    product_id     integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    location_id    smallint REFERENCES stock_locations (id),
    capacity_date  date NOT NULL,
    capacity       integer NOT NULL CHECK (capacity >= 0),
    booked         integer NOT NULL DEFAULT 0 CHECK (booked >= 0),
    CONSTRAINT uq_service_capacity UNIQUE (product_id, location_id, capacity_date)
);
COMMENT ON TABLE service_capacity IS 'Daily capacity for bookable services (workshops, repairs, fittings).';

CREATE TABLE time_slots (
    id            serial PRIMARY KEY,
    product_id    integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    location_id   smallint REFERENCES stock_locations (id),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    seats         smallint NOT NULL CHECK (seats > 0),
    seats_taken   smallint NOT NULL DEFAULT 0,
    CHECK (ends_at > starts_at),
    CHECK (seats_taken BETWEEN 0 AND seats)
);
CREATE INDEX ix_time_slots_product_start ON time_slots (product_id, starts_at);
COMMENT ON TABLE time_slots IS 'Bookable sessions of a service product (a workshop on a given afternoon).';

CREATE TABLE slot_reservations (
    id            bigserial PRIMARY KEY,
    slot_id       integer NOT NULL REFERENCES time_slots (id) ON DELETE CASCADE,
    user_id       integer REFERENCES users (id) ON DELETE SET NULL,
    order_id      bigint,
    status        varchar(12) NOT NULL DEFAULT 'held'
                  CHECK (status IN ('held', 'confirmed', 'released', 'no_show')),
    held_until    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_slot_reservations_slot ON slot_reservations (slot_id) WHERE status IN ('held', 'confirmed');
COMMENT ON TABLE slot_reservations IS 'Seats held or booked in a time slot. Orders inserts these directly at checkout.';
COMMENT ON COLUMN slot_reservations.held_until IS 'A held seat is released after this moment unless the order is paid.';

-- -------------------------------------------------------------------------------------
-- Orders — carts, orders, lines, status history, confirmed snapshots
-- -------------------------------------------------------------------------------------

CREATE TABLE carts (
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    tenant_id    integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id      integer REFERENCES users (id) ON DELETE SET NULL,
    session_ref  varchar(64),
    currency_code char(3) NOT NULL REFERENCES currencies (code),
    status       varchar(12) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted', 'abandoned')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_carts_user ON carts (user_id) WHERE status = 'open';
COMMENT ON TABLE carts IS 'Shopping carts; a converted cart becomes an order.';

CREATE TABLE cart_items (
    id          bigserial PRIMARY KEY,
    cart_id     bigint NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id  integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity    integer NOT NULL CHECK (quantity > 0),
    added_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_cart_items UNIQUE (cart_id, product_id)
);
COMMENT ON TABLE cart_items IS 'What is in a cart. Prices are not stored: they are resolved again at checkout.';

CREATE TABLE orders (
    id              bigserial PRIMARY KEY,
    order_no        varchar(20) NOT NULL UNIQUE,
    tenant_id       integer NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    cust_id         integer NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    cart_id         bigint REFERENCES carts (id) ON DELETE SET NULL,
    status          order_status NOT NULL DEFAULT 'pending',
    currency_code   char(3) NOT NULL REFERENCES currencies (code),
    ship_country    char(2) REFERENCES countries (code),
    subtotal        numeric(12, 2) NOT NULL DEFAULT 0,
    discount_total  numeric(12, 2) NOT NULL DEFAULT 0,
    tax_total       numeric(12, 2) NOT NULL DEFAULT 0,
    grand_total     numeric(12, 2) NOT NULL DEFAULT 0,
    pricing_quote_ref uuid,
    placed_at       timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz,
    cancelled_at    timestamptz,
    notes           text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (grand_total >= 0),
    CHECK (grand_total = subtotal - discount_total + tax_total)
);
CREATE INDEX ix_orders_tenant_placed ON orders (tenant_id, placed_at);
CREATE INDEX ix_orders_cust ON orders (cust_id);
CREATE INDEX ix_orders_cust_id ON orders (cust_id);  -- duplicate of ix_orders_cust, added by a hotfix in 2022
CREATE INDEX ix_orders_open ON orders (placed_at) WHERE status IN ('pending', 'confirmed');
COMMENT ON TABLE orders IS 'Customer orders. tenant_id is the organization the order was placed in.';
COMMENT ON COLUMN orders.cust_id IS 'The ordering user (users.id). Named before the team settled on <table>_id.';
COMMENT ON COLUMN orders.paid_at IS 'Set by Orders when it decides the order is paid; Payments sets it too from webhooks.';

CREATE TABLE order_lines (
    id               bigserial PRIMARY KEY,
    order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no          smallint NOT NULL,
    product_id       integer NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    sku              varchar(40) NOT NULL,
    description      varchar(200),
    quantity         integer NOT NULL CHECK (quantity > 0),
    unit_price       numeric(12, 2) NOT NULL CHECK (unit_price >= 0),
    discount_amount  numeric(12, 2) NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
    line_total       numeric(12, 2) GENERATED ALWAYS AS (quantity * unit_price - discount_amount) STORED,
    CONSTRAINT uq_order_lines_no UNIQUE (order_id, line_no)
);
CREATE INDEX ix_order_lines_product ON order_lines (product_id, order_id);
COMMENT ON TABLE order_lines IS 'Items of an order, with the price that was charged copied in.';
COMMENT ON COLUMN order_lines.line_total IS 'Computed by the database: quantity * unit_price - discount_amount.';

CREATE TABLE order_status_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    from_status  order_status,
    to_status    order_status NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT now(),
    changed_by   varchar(40) NOT NULL,
    reason       varchar(200)
);
CREATE INDEX ix_order_status_history_order ON order_status_history (order_id, changed_at);
COMMENT ON TABLE order_status_history IS 'Every status transition of an order (recorded since April 2025).';
COMMENT ON COLUMN order_status_history.changed_by IS 'Writer of the change: orders, payments, admin, billing-batch ...';

CREATE TABLE order_snapshots (
    order_id      bigint PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    confirmed_at  timestamptz NOT NULL,
    snapshot      jsonb NOT NULL,
    snapshot_hash char(32) NOT NULL
);
COMMENT ON TABLE order_snapshots IS 'Immutable copy of what the customer confirmed: lines, prices, totals. Written once at confirmation (since March 2025).';

-- -------------------------------------------------------------------------------------
-- Billing — billing accounts, invoices, invoice lines, credit notes
-- -------------------------------------------------------------------------------------

CREATE TABLE billing_accounts (
    id              serial PRIMARY KEY,
    tenant_id       integer NOT NULL UNIQUE REFERENCES organizations (id) ON DELETE CASCADE,
    billing_email   varchar(255) NOT NULL,
    vat_number      varchar(32),
    country_code    char(2) NOT NULL REFERENCES countries (code),
    payment_terms_days smallint NOT NULL DEFAULT 14 CHECK (payment_terms_days BETWEEN 0 AND 120),
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE billing_accounts IS 'Invoicing details of each organization.';

CREATE TABLE invoices (
    id               integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    invoice_no       varchar(20) NOT NULL UNIQUE
                     DEFAULT ('INV-' || nextval('invoice_number_seq')::text),
    tenant_id        integer NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    billing_account_id integer REFERENCES billing_accounts (id) ON DELETE SET NULL,
    order_id         bigint REFERENCES orders (id) ON DELETE RESTRICT,
    bill_to_user_id  integer REFERENCES users (id) ON DELETE SET NULL,
    status           varchar(12) NOT NULL DEFAULT 'draft'
                     CHECK (status IN ('draft', 'issued', 'paid', 'void', 'overdue', 'credited')),
    currency_code    char(3) NOT NULL REFERENCES currencies (code),
    net_amount       numeric(12, 2) NOT NULL,
    tax_amount       numeric(12, 2) NOT NULL,
    gross_amount     numeric(12, 2) NOT NULL,
    issued_at        timestamptz,
    due_date         date,
    paid_at          timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (gross_amount = net_amount + tax_amount)
);
CREATE INDEX ix_invoices_order ON invoices (order_id);
CREATE INDEX ix_invoices_tenant_status ON invoices (tenant_id, status, due_date);
COMMENT ON TABLE invoices IS 'Issued invoices (billing went live on 15 March 2024; older orders were invoiced in the ERP).';
COMMENT ON COLUMN invoices.invoice_no IS 'Legal number from invoice_number_seq.';
COMMENT ON COLUMN invoices.status IS 'Payments flips this to "paid" directly when a capture succeeds.';

CREATE TABLE invoice_lines (
    id           bigserial PRIMARY KEY,
    invoice_id   integer NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    line_no      smallint NOT NULL,
    description  varchar(200) NOT NULL,
    quantity     numeric(10, 2) NOT NULL DEFAULT 1,
    unit_amount  numeric(12, 2) NOT NULL,
    tax_rate_pct numeric(5, 2) NOT NULL DEFAULT 0,
    amount       numeric(12, 2) GENERATED ALWAYS AS (round(quantity * unit_amount, 2)) STORED,
    order_line_id bigint REFERENCES order_lines (id) ON DELETE SET NULL,
    CONSTRAINT uq_invoice_lines UNIQUE (invoice_id, line_no)
);
COMMENT ON TABLE invoice_lines IS 'Invoice positions. Billing v1 wrote one summary line per order; v2 (April 2025) itemizes order lines.';
COMMENT ON COLUMN invoice_lines.amount IS 'Computed by the database: round(quantity * unit_amount, 2).';

CREATE TABLE credit_notes (
    id              serial PRIMARY KEY,
    credit_note_no  varchar(20) NOT NULL UNIQUE DEFAULT ('CN-' || nextval('credit_note_number_seq')::text),
    invoice_id      integer NOT NULL REFERENCES invoices (id) ON DELETE RESTRICT,
    tenant_id       integer NOT NULL REFERENCES organizations (id),
    amount          numeric(12, 2) NOT NULL CHECK (amount > 0),
    reason          varchar(200) NOT NULL,
    issued_at       timestamptz NOT NULL DEFAULT now(),
    issued_by       varchar(40)
);
CREATE INDEX ix_credit_notes_invoice ON credit_notes (invoice_id);
COMMENT ON TABLE credit_notes IS 'Credit notes against issued invoices (refunds, goodwill, corrections).';

-- -------------------------------------------------------------------------------------
-- Payments — methods, payments, attempts, gateway transactions, webhooks, refunds
-- -------------------------------------------------------------------------------------

CREATE TABLE payment_methods (
    id             serial PRIMARY KEY,
    user_id        integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method_type    varchar(16) NOT NULL CHECK (method_type IN ('card', 'sepa_debit', 'paypal', 'bank_transfer')),
    brand          varchar(20),
    last4          char(4),
    exp_month      smallint CHECK (exp_month BETWEEN 1 AND 12),
    exp_year       smallint,
    gateway        varchar(16) NOT NULL,
    gateway_token  varchar(64) NOT NULL UNIQUE,
    is_default     boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_payment_methods_user ON payment_methods (user_id);
COMMENT ON TABLE payment_methods IS 'Stored payment instruments. Only the gateway token is kept, never card numbers.';

CREATE TABLE payments (
    id                 bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    order_id           bigint REFERENCES orders (id) ON DELETE SET NULL,
    invoice_id         integer REFERENCES invoices (id) ON DELETE SET NULL,
    payment_method_id  integer REFERENCES payment_methods (id) ON DELETE SET NULL,
    purpose            varchar(16) NOT NULL DEFAULT 'order' CHECK (purpose IN ('order', 'wallet_topup', 'invoice')),
    status             payment_status NOT NULL DEFAULT 'initiated',
    amount             numeric(12, 2) NOT NULL CHECK (amount > 0),
    currency_code      char(3) NOT NULL REFERENCES currencies (code),
    idempotency_key    varchar(64) NOT NULL UNIQUE,
    created_at         timestamptz NOT NULL DEFAULT now(),
    captured_at        timestamptz,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_payments_order ON payments (order_id);
CREATE INDEX ix_payments_invoice ON payments (invoice_id);
CREATE INDEX ix_payments_status_created ON payments (status, created_at);
COMMENT ON TABLE payments IS 'One payment per thing being paid; retries live in payment_attempts.';

CREATE TABLE payment_attempts (
    id              bigserial PRIMARY KEY,
    payment_id      bigint NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
    attempt_no      smallint NOT NULL,
    status          varchar(12) NOT NULL CHECK (status IN ('pending', 'succeeded', 'declined', 'error')),
    error_code      varchar(40),
    attempted_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_payment_attempts UNIQUE (payment_id, attempt_no)
);
COMMENT ON TABLE payment_attempts IS 'Each try to collect a payment (logged since the October 2024 gateway switch).';

CREATE TABLE gateway_transactions (
    id              bigserial PRIMARY KEY,
    payment_id      bigint NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
    gateway         varchar(16) NOT NULL CHECK (gateway IN ('stripe', 'adyen', 'paypal', 'bank')),
    gateway_ref     varchar(64) NOT NULL,
    txn_type        varchar(12) NOT NULL CHECK (txn_type IN ('authorize', 'capture', 'refund', 'void')),
    status          varchar(12) NOT NULL,
    amount          numeric(12, 2) NOT NULL,
    currency_code   char(3) NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    settled_at      timestamptz,
    last_writer     varchar(24) NOT NULL DEFAULT 'payments',
    CONSTRAINT uq_gateway_transactions_ref UNIQUE (gateway, gateway_ref)
);
CREATE INDEX ix_gateway_transactions_payment ON gateway_transactions (payment_id);
COMMENT ON TABLE gateway_transactions IS 'Provider-side references for each authorize/capture/refund (since the October 2024 provider switch).';
COMMENT ON COLUMN gateway_transactions.last_writer IS 'Which service wrote the row last. "orders" means the Orders service marked the capture settled itself.';

CREATE TABLE webhook_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gateway         varchar(16) NOT NULL,
    event_id        varchar(80) NOT NULL,
    event_type      varchar(60) NOT NULL,
    gateway_ref     varchar(64),
    payload         jsonb NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    process_error   text,
    CONSTRAINT uq_webhook_events UNIQUE (gateway, event_id)
);
CREATE INDEX ix_webhook_events_unprocessed ON webhook_events (received_at) WHERE processed_at IS NULL;
COMMENT ON TABLE webhook_events IS 'Raw provider callbacks, deduplicated on (gateway, event_id).';

CREATE TABLE refunds (
    id               bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    payment_id       bigint NOT NULL REFERENCES payments (id) ON DELETE RESTRICT,
    credit_note_id   integer REFERENCES credit_notes (id) ON DELETE SET NULL,
    amount           numeric(12, 2) NOT NULL CHECK (amount > 0),
    status           varchar(12) NOT NULL DEFAULT 'requested'
                     CHECK (status IN ('requested', 'processing', 'succeeded', 'failed')),
    reason           varchar(200),
    requested_at     timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz
);
CREATE INDEX ix_refunds_payment ON refunds (payment_id);
COMMENT ON TABLE refunds IS 'Money sent back to the customer; credit_note_id links the billing document.';

-- -------------------------------------------------------------------------------------
-- Memberships & wallet — plans, subscriptions, entitlements, usage, wallets
-- -------------------------------------------------------------------------------------

CREATE TABLE membership_plans (
    id             serial PRIMARY KEY,
    code           varchar(32) NOT NULL UNIQUE,
    name           varchar(120) NOT NULL,
    product_id     integer REFERENCES products (id) ON DELETE SET NULL,
    billing_period varchar(8) NOT NULL CHECK (billing_period IN ('month', 'year')),
    monthly_fee    numeric(10, 2),
    is_public      boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE membership_plans IS 'Membership tiers. product_id is the Catalog offering the plan is sold as.';
COMMENT ON COLUMN membership_plans.monthly_fee IS 'Copy of the price, kept in sync by hand. Pricing is supposed to own it.';

CREATE TABLE plan_subscriptions (
    id            serial PRIMARY KEY,
    tenant_id     integer NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_id       integer NOT NULL REFERENCES membership_plans (id) ON DELETE RESTRICT,
    status        varchar(12) NOT NULL CHECK (status IN ('trial', 'active', 'past_due', 'cancelled', 'expired')),
    started_at    timestamptz NOT NULL,
    current_period_end timestamptz NOT NULL,
    cancelled_at  timestamptz,
    auto_renew    boolean NOT NULL DEFAULT true
);
CREATE INDEX ix_plan_subscriptions_user ON plan_subscriptions (user_id, status);
COMMENT ON TABLE plan_subscriptions IS 'A user''s membership of a plan within a tenant.';

CREATE TABLE entitlements (
    id               serial PRIMARY KEY,
    subscription_id  integer NOT NULL REFERENCES plan_subscriptions (id) ON DELETE CASCADE,
    feature_code     varchar(40) NOT NULL,
    quota            integer CHECK (quota IS NULL OR quota >= 0),
    period           varchar(8) NOT NULL DEFAULT 'month',
    valid_from       timestamptz NOT NULL,
    valid_to         timestamptz,
    CONSTRAINT uq_entitlements UNIQUE (subscription_id, feature_code, valid_from)
);
COMMENT ON TABLE entitlements IS 'What a subscription allows (free deliveries per month, workshop seats ...). quota NULL = unlimited.';

CREATE TABLE usage_records (
    id               bigserial PRIMARY KEY,
    entitlement_id   integer NOT NULL REFERENCES entitlements (id) ON DELETE CASCADE,
    user_id          integer NOT NULL,
    quantity         integer NOT NULL DEFAULT 1 CHECK (quantity <> 0),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    source_ref       varchar(64)
);
CREATE INDEX ix_usage_records_entitlement_time ON usage_records (entitlement_id, recorded_at);
COMMENT ON COLUMN usage_records.user_id IS 'Consuming user. No foreign key: usage is recorded asynchronously from order events.';
COMMENT ON TABLE usage_records IS 'Consumption against an entitlement. Negative quantity = correction.';

CREATE TABLE wallets (
    id             serial PRIMARY KEY,
    tenant_id      integer NOT NULL REFERENCES organizations (id) ON DELETE RESTRICT,
    user_id        integer NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    currency_code  char(3) NOT NULL REFERENCES currencies (code),
    balance        numeric(12, 2) NOT NULL DEFAULT 0,
    status         varchar(10) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uq_wallets_user UNIQUE (tenant_id, user_id, currency_code)
);
COMMENT ON TABLE wallets IS 'Prepaid store credit per user per tenant. balance is a running total of wallet_transactions.';

CREATE TABLE wallet_transactions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wallet_id      integer NOT NULL REFERENCES wallets (id) ON DELETE RESTRICT,
    kind           varchar(10) NOT NULL CHECK (kind IN ('fund', 'spend', 'refund', 'adjust', 'expire')),
    amount         numeric(12, 2) NOT NULL CHECK (amount <> 0),
    order_id       bigint,
    note           varchar(200),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     varchar(40) NOT NULL DEFAULT 'wallet'
);
CREATE INDEX ix_wallet_transactions_wallet_time ON wallet_transactions (wallet_id, created_at);
CREATE INDEX ix_wallet_transactions_order ON wallet_transactions (order_id) WHERE order_id IS NOT NULL;
COMMENT ON TABLE wallet_transactions IS 'Ledger of a wallet. Positive = credit, negative = debit.';
COMMENT ON COLUMN wallet_transactions.order_id IS 'Order paid (or refunded) from the wallet. Kept without a foreign key since orders were archived in 2023.';

CREATE TABLE wallet_fundings (
    id             serial PRIMARY KEY,
    wallet_id      integer NOT NULL REFERENCES wallets (id) ON DELETE CASCADE,
    payment_id     bigint REFERENCES payments (id) ON DELETE SET NULL,
    amount         numeric(12, 2) NOT NULL CHECK (amount > 0),
    method         varchar(16) NOT NULL CHECK (method IN ('card', 'bank_transfer', 'voucher', 'goodwill')),
    funded_at      timestamptz NOT NULL DEFAULT now(),
    wallet_transaction_id bigint REFERENCES wallet_transactions (id)
);
COMMENT ON TABLE wallet_fundings IS 'Top-ups of a wallet and the payment that funded them (none for vouchers and goodwill).';

-- -------------------------------------------------------------------------------------
-- Audit — events, auth events, RBAC decisions, action traces, error logs
-- -------------------------------------------------------------------------------------

CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    tenant_id       integer,
    user_id         integer,
    action          varchar(40) NOT NULL,
    resource_type   varchar(40) NOT NULL,
    resource_id     varchar(64),
    old_values      jsonb,
    new_values      jsonb,
    source_service  varchar(40) NOT NULL,
    correlation_id  uuid
);
CREATE INDEX ix_audit_events_resource ON audit_events (resource_type, resource_id);
CREATE INDEX ix_audit_events_tenant_time ON audit_events (tenant_id, occurred_at);
COMMENT ON TABLE audit_events IS 'Business audit trail: who did what to which resource. Also filled by the audit_row_change() trigger.';
COMMENT ON COLUMN audit_events.user_id IS 'Acting user. No foreign key on purpose: audit rows must outlive deleted users.';

CREATE TABLE auth_events (
    id              bigserial PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    user_id         integer,
    tenant_id       integer,
    event_type      varchar(32) NOT NULL,
    provider        varchar(24),
    ip_address      inet,
    success         boolean NOT NULL,
    failure_reason  varchar(60)
);
CREATE INDEX ix_auth_events_user_time ON auth_events (user_id, occurred_at);
COMMENT ON TABLE auth_events IS 'Logins, logouts, token refreshes, lockouts and MFA challenges.';

CREATE TABLE rbac_decisions (
    id              bigserial PRIMARY KEY,
    decided_at      timestamptz NOT NULL DEFAULT now(),
    tenant_id       integer,
    user_id         integer,
    permission_code varchar(80) NOT NULL,
    resource_ref    varchar(80),
    decision        varchar(5) NOT NULL CHECK (decision IN ('allow', 'deny')),
    policy_id       integer,
    latency_us      integer
);
CREATE INDEX ix_rbac_decisions_user_time ON rbac_decisions (user_id, decided_at);
COMMENT ON TABLE rbac_decisions IS 'Sampled authorization decisions (1 in 20 allows, every deny).';

CREATE TABLE action_traces (
    id              bigserial,
    occurred_at     timestamptz NOT NULL,
    service         varchar(32) NOT NULL,
    operation       varchar(80) NOT NULL,
    tenant_id       integer,
    user_id         integer,
    correlation_id  uuid NOT NULL,
    duration_ms     integer NOT NULL CHECK (duration_ms >= 0),
    status_code     smallint,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE action_traces IS 'Business operation traces with correlation ids, partitioned by time.';

CREATE TABLE action_traces_2024 PARTITION OF action_traces
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE action_traces_2025 PARTITION OF action_traces
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE action_traces_default PARTITION OF action_traces DEFAULT;
CREATE INDEX ix_action_traces_correlation ON action_traces (correlation_id);

CREATE TABLE error_logs (
    id              bigserial PRIMARY KEY,
    logged_at       timestamptz NOT NULL DEFAULT now(),
    service         varchar(32) NOT NULL,
    severity        varchar(8) NOT NULL CHECK (severity IN ('warn', 'error', 'fatal')),
    error_code      varchar(60),
    message         text NOT NULL,
    user_id         integer,
    tenant_id       integer,
    correlation_id  uuid,
    context         jsonb
);
CREATE INDEX ix_error_logs_service_time ON error_logs (service, logged_at);
COMMENT ON TABLE error_logs IS 'Application errors written by the services themselves. Retained for 18 months.';

-- -------------------------------------------------------------------------------------
-- Deprecated leftovers
-- -------------------------------------------------------------------------------------

CREATE TABLE legacy_user_prefs (
    user_id     integer NOT NULL,
    pref_name   varchar(64) NOT NULL,
    pref_val    varchar(255),
    ins_ts      timestamp DEFAULT now(),
    PRIMARY KEY (user_id, pref_name)
);
COMMENT ON TABLE legacy_user_prefs IS 'DEPRECATED: replaced by user_attributes in 2021. The admin monolith still reads the "newsletter" row.';

CREATE TABLE old_payment_log (
    log_id      serial PRIMARY KEY,
    order_ref   varchar(20),
    psp         varchar(16),
    psp_txn     varchar(64),
    amount_cents bigint,
    resp_code   varchar(8),
    raw_resp    text,
    ins_ts      timestamp DEFAULT now()
);
COMMENT ON TABLE old_payment_log IS 'DEPRECATED: gateway log of the 2018 checkout, superseded by gateway_transactions. Kept for chargeback lookups until 2026.';

-- -------------------------------------------------------------------------------------
-- Foreign keys bolted on later (the 2022 "integrity sprint")
-- -------------------------------------------------------------------------------------

ALTER TABLE promotion_redemptions
    ADD CONSTRAINT fk_promotion_redemptions_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;
ALTER TABLE slot_reservations
    ADD CONSTRAINT fk_slot_reservations_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE SET NULL;
ALTER TABLE legacy_user_prefs
    ADD CONSTRAINT legacy_user_prefs_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;

-- -------------------------------------------------------------------------------------
-- Functions
-- -------------------------------------------------------------------------------------

-- The price Pricing would quote, resolved in SQL. Catalog and the admin monolith call this
-- directly instead of asking Pricing, which is how "Catalog returns the final price" happened.
CREATE FUNCTION current_price(p_product_id integer, p_at timestamptz DEFAULT now(), p_tenant_id integer DEFAULT NULL)
RETURNS numeric
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(
        (SELECT pr.amount
           FROM price_rules pr
           JOIN price_lists pl ON pl.id = pr.price_list_id
          WHERE pr.product_id = p_product_id
            AND pl.is_active
            AND (pl.tenant_id IS NULL OR pl.tenant_id = p_tenant_id)
            AND pr.valid_from <= p_at
            AND (pr.valid_to IS NULL OR pr.valid_to > p_at)
          ORDER BY (pl.tenant_id IS NULL), pr.priority DESC, pr.valid_from DESC
          LIMIT 1),
        (SELECT p.list_price FROM products p WHERE p.id = p_product_id))
$$;
COMMENT ON FUNCTION current_price(integer, timestamptz, integer) IS 'Price of a product at a moment: tenant list first, then the public list, then products.list_price.';

-- Live value of an effective-dated user attribute (either open-row convention).
CREATE FUNCTION user_attribute_live(p_user_id integer, p_key varchar)
RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT ua.attr_value
      FROM user_attributes ua
     WHERE ua.user_id = p_user_id
       AND ua.attr_key = p_key
       AND ua.st_dt <= current_date
       AND (ua.e_dt IS NULL OR ua.e_dt >= current_date)
     ORDER BY ua.st_dt DESC, ua.id DESC
     LIMIT 1
$$;

-- Row-level audit for identity tables. Actor, tenant and correlation id come from session
-- settings the services are supposed to set (SET app.user_id = ...); most of them do not.
CREATE FUNCTION audit_row_change()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        v_old := to_jsonb(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_new := to_jsonb(NEW);
    END IF;
    INSERT INTO audit_events (occurred_at, tenant_id, user_id, action, resource_type, resource_id,
                              old_values, new_values, source_service, correlation_id)
    VALUES (clock_timestamp(),
            nullif(current_setting('app.tenant_id', true), '')::integer,
            nullif(current_setting('app.user_id', true), '')::integer,
            'row_' || lower(TG_OP),
            TG_TABLE_NAME,
            coalesce(v_new ->> 'id', v_old ->> 'id'),
            v_old,
            v_new,
            coalesce(nullif(current_setting('application_name', true), ''), 'unknown'),
            nullif(current_setting('app.correlation_id', true), '')::uuid);
    RETURN NULL;
END;
$$;

CREATE FUNCTION set_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_users_audit
    AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER trg_roles_audit
    AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER trg_user_role_assignments_audit
    AFTER INSERT OR UPDATE OR DELETE ON user_role_assignments
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER trg_price_rules_audit
    AFTER INSERT OR UPDATE OR DELETE ON price_rules
    FOR EACH ROW EXECUTE FUNCTION audit_row_change();

CREATE TRIGGER trg_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_products_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER trg_orders_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- -------------------------------------------------------------------------------------
-- Views
-- -------------------------------------------------------------------------------------

-- Finance's daily revenue report. It reads six contexts' tables in one statement.
CREATE VIEW report_daily_revenue AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS revenue_date,
       co.code                              AS country_code,
       co.name                              AS country_name,
       o.currency_code,
       coalesce(cat.name, '(uncategorized)') AS category,
       count(DISTINCT o.id)                 AS order_count,
       count(DISTINCT u.id)                 AS customer_count,
       sum(ol.quantity)                     AS units,
       sum(ol.line_total)                   AS gross_amount,
       round(sum(ol.line_total * coalesce(pay.paid_ratio, 0)), 2) AS paid_amount
  FROM orders o
  JOIN order_lines ol ON ol.order_id = o.id
  JOIN products p ON p.id = ol.product_id
  LEFT JOIN categories cat ON cat.id = p.category_id
  JOIN users u ON u.id = o.cust_id
  LEFT JOIN user_profiles up ON up.user_id = u.id
  LEFT JOIN countries co ON co.code = coalesce(o.ship_country, up.country_code)
  LEFT JOIN LATERAL (
        SELECT least(1, sum(pm.amount) / nullif(o.grand_total, 0)) AS paid_ratio
          FROM payments pm
         WHERE pm.order_id = o.id
           AND pm.status IN ('captured', 'refunded')
       ) pay ON true
 WHERE o.status NOT IN ('cancelled')
 GROUP BY 1, 2, 3, 4, 5;
COMMENT ON VIEW report_daily_revenue IS 'Revenue per day, country and category. Queried by the BI tool every 15 minutes.';

CREATE VIEW v_active_users AS
SELECT u.id            AS user_id,
       u.email,
       p.display_name,
       p.country_code,
       o.id            AS org_id,
       o.display_name  AS org_name,
       c.last_login_at,
       (SELECT count(*) FROM user_role_assignments ura
         WHERE ura.user_id = u.id AND (ura.expires_at IS NULL OR ura.expires_at > now())) AS active_roles
  FROM users u
  LEFT JOIN user_profiles p ON p.user_id = u.id
  LEFT JOIN organizations o ON o.id = u.primary_org_id
  LEFT JOIN user_credentials c ON c.user_id = u.id AND c.is_current
 WHERE u.status = 'active'
   AND u.deleted_at IS NULL;
COMMENT ON VIEW v_active_users IS 'Active users with profile, organization and last login. Used by the admin user list.';

-- What Catalog serves as "the product with its price". It should only hold catalog facts.
CREATE VIEW v_product_listing AS
SELECT p.id          AS product_id,
       p.sku,
       coalesce(d.title, p.name) AS title,
       d.short_text,
       c.name        AS category,
       p.product_type,
       current_price(p.id, now(), NULL) AS price,
       (SELECT max(dc.percent_off) FROM discounts dc
         WHERE (dc.product_id = p.id OR dc.category_id = p.category_id)
           AND dc.valid_from <= now() AND (dc.valid_to IS NULL OR dc.valid_to > now())) AS best_percent_off,
       (SELECT sum(s.on_hand - s.reserved) FROM stock_levels s WHERE s.product_id = p.id) AS available_units
  FROM products p
  LEFT JOIN product_descriptions d ON d.product_id = p.id AND d.locale = 'en-GB'
  LEFT JOIN categories c ON c.id = p.category_id
 WHERE p.status = 'active';
COMMENT ON VIEW v_product_listing IS 'Product page data as Catalog returns it: facts plus price, discount and stock read straight from other contexts'' tables.';

CREATE MATERIALIZED VIEW mv_customer_lifetime_value AS
SELECT u.id                            AS user_id,
       u.primary_org_id                AS tenant_id,
       coalesce(o.orders, 0)           AS orders,
       coalesce(o.gross_spend, 0)      AS gross_spend,
       o.first_order_at,
       o.last_order_at,
       coalesce(r.refunded, 0)         AS refunded,
       coalesce(w.wallet_balance, 0)   AS wallet_balance
  FROM users u
  LEFT JOIN (SELECT cust_id, count(*) AS orders, sum(grand_total) AS gross_spend,
                    min(placed_at) AS first_order_at, max(placed_at) AS last_order_at
               FROM orders
              WHERE status NOT IN ('pending', 'cancelled')
              GROUP BY cust_id) o ON o.cust_id = u.id
  LEFT JOIN (SELECT ord.cust_id, sum(rf.amount) AS refunded
               FROM refunds rf
               JOIN payments pm ON pm.id = rf.payment_id
               JOIN orders ord ON ord.id = pm.order_id
              WHERE rf.status = 'succeeded'
              GROUP BY ord.cust_id) r ON r.cust_id = u.id
  LEFT JOIN (SELECT user_id, sum(balance) AS wallet_balance
               FROM wallets
              GROUP BY user_id) w ON w.user_id = u.id
WITH NO DATA;
CREATE UNIQUE INDEX ux_mv_customer_lifetime_value ON mv_customer_lifetime_value (user_id);
COMMENT ON MATERIALIZED VIEW mv_customer_lifetime_value IS 'Nightly customer value snapshot for the CRM export. Refreshed by the admin monolith at 02:00.';
