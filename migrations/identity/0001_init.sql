-- Identity (Cognito role): user pools, app clients, users, groups, codes, sessions.
-- Runs with search_path = identity, public. The oidc work adds 0002 (signing keys,
-- authorization codes).

CREATE TABLE user_pool (
  id         text PRIMARY KEY,              -- Cognito shape: <region>_<id>, e.g. us-east-1_DTSlocal
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE app_client (
  id                 text PRIMARY KEY,
  pool_id            text NOT NULL REFERENCES user_pool (id) ON DELETE CASCADE,
  name               text NOT NULL,
  -- NULL for public clients (SPA with PKCE). Kept in the clear because Cognito's
  -- SECRET_HASH is an HMAC keyed with it; protect the database like a secrets store.
  secret             text,
  callback_urls      text[] NOT NULL DEFAULT '{}',
  logout_urls        text[] NOT NULL DEFAULT '{}',
  allowed_scopes     text[] NOT NULL DEFAULT '{openid,email,profile}',
  allowed_oauth_flows text[] NOT NULL DEFAULT '{code}',
  -- Cognito ExplicitAuthFlows, e.g. ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH.
  explicit_auth_flows text[] NOT NULL DEFAULT '{ALLOW_USER_PASSWORD_AUTH,ALLOW_REFRESH_TOKEN_AUTH}',
  access_token_ttl_s  integer NOT NULL DEFAULT 3600 CHECK (access_token_ttl_s BETWEEN 300 AND 86400),
  id_token_ttl_s      integer NOT NULL DEFAULT 3600 CHECK (id_token_ttl_s BETWEEN 300 AND 86400),
  refresh_token_ttl_s integer NOT NULL DEFAULT 2592000 CHECK (refresh_token_ttl_s BETWEEN 3600 AND 315360000),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX app_client_pool ON app_client (pool_id);

CREATE TABLE users (
  id             uuid PRIMARY KEY,          -- Cognito "sub"
  pool_id        text NOT NULL REFERENCES user_pool (id) ON DELETE CASCADE,
  username       text NOT NULL,             -- as given (NFKC), returned by the API
  username_key   text NOT NULL,             -- NFKC case-folded: lookups (case-insensitive)
  username_skeleton text NOT NULL,          -- Unicode confusable skeleton: no look-alikes
  -- Every attribute (email, email_verified, name, custom:tenant_id...) except sub.
  attributes     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  email          text GENERATED ALWAYS AS (lower(attributes ->> 'email')) STORED,
  tenant_id      text GENERATED ALWAYS AS (attributes ->> 'custom:tenant_id') STORED,
  status         text NOT NULL CHECK (status IN
                   ('UNCONFIRMED', 'CONFIRMED', 'FORCE_CHANGE_PASSWORD', 'RESET_REQUIRED')),
  enabled        boolean NOT NULL DEFAULT true,
  -- libsodium crypto_pwhash_str: "$argon2id$v=19$m=...,t=...,p=...$salt$hash" (the
  -- parameters travel with each hash, so they can be raised without invalidating old ones).
  password_hash  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Exactly one of two concurrent sign-ups of one name wins (the other gets 23505).
CREATE UNIQUE INDEX users_pool_username ON users (pool_id, username_key);
CREATE UNIQUE INDEX users_pool_skeleton ON users (pool_id, username_skeleton);
CREATE INDEX users_pool_email ON users (pool_id, email);
CREATE INDEX users_pool_tenant ON users (pool_id, tenant_id);

CREATE TABLE groups (
  pool_id     text NOT NULL REFERENCES user_pool (id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  precedence  integer CHECK (precedence >= 0),
  role_arn    text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_member (
  pool_id    text NOT NULL,
  group_name text NOT NULL,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pool_id, group_name, user_id),
  FOREIGN KEY (pool_id, group_name) REFERENCES groups (pool_id, name) ON DELETE CASCADE
);
CREATE INDEX group_member_user ON group_member (user_id);

-- One live code per (user, purpose). Only an HMAC of the code is stored.
CREATE TABLE code (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose    text NOT NULL CHECK (purpose IN ('confirm_sign_up', 'forgot_password')),
  code_hash  text NOT NULL,
  attempts   integer NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, purpose)
);

-- A sign-in session: one refresh token (stored as SHA-256) and the origin_jti that every
-- access/ID token minted from it carries. Revoking the session (RevokeToken, GlobalSignOut,
-- AdminDisableUser) invalidates the refresh token and, for the Cognito API, those tokens.
CREATE TABLE session (
  origin_jti   uuid PRIMARY KEY,
  token_hash   text NOT NULL UNIQUE,
  pool_id      text NOT NULL,
  client_id    text NOT NULL REFERENCES app_client (id) ON DELETE CASCADE,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope        text NOT NULL DEFAULT '',
  auth_time    bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX session_by_user ON session (user_id);

-- Challenge sessions (RespondToAuthChallenge): single use, short-lived, hashed.
CREATE TABLE challenge (
  session_hash text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_id    text NOT NULL,
  name         text NOT NULL,
  expires_at   timestamptz NOT NULL
);

-- The dev mailbox: messages the local code sender "delivered" (`dts identity mailbox`).
-- A real deployment plugs a real sender (SES, SMTP, webhook) in its place.
CREATE TABLE mailbox (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pool_id     text NOT NULL,
  username    text NOT NULL,
  destination text NOT NULL,
  purpose     text NOT NULL,
  code        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
