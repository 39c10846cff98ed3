-- Token signing keys and OAuth 2.0 authorization codes (src/identity/key_store.cpp,
-- src/identity/oauth/code_store.cpp).

-- RS256 signing keys. The private key is sealed with AES-256-GCM under the key-encryption
-- key from IDENTITY_KEY_ENCRYPTION_KEY (aad = kid); kek_id fingerprints that KEK so a wrong
-- one is reported as such. A key signs from activates_at until a newer key activates, and is
-- published (JWKS) and verifies until retires_at (NULL = not scheduled).
CREATE TABLE signing_keys (
  kid                text PRIMARY KEY CHECK (length(kid) BETWEEN 1 AND 128),
  alg                text NOT NULL CHECK (alg = 'RS256'),
  public_jwk         jsonb NOT NULL,
  private_key_sealed text NOT NULL,
  kek_id             text NOT NULL,
  created_at         timestamptz NOT NULL,
  activates_at       timestamptz NOT NULL,
  retires_at         timestamptz
);
CREATE INDEX signing_keys_live ON signing_keys (retires_at);

-- Authorization codes of /oauth2/authorize: stored only as SHA-256 hashes, single use
-- (consumed_at), short-lived (expires_at), bound to the client, the exact redirect_uri and the
-- PKCE challenge. origin_jti records the token family a redeemed code produced, so a replay
-- can revoke it (RFC 6749 §4.1.2).
CREATE TABLE authorization_codes (
  code_hash             text PRIMARY KEY,
  client_id             text NOT NULL,
  user_sub              text NOT NULL,
  redirect_uri          text NOT NULL,
  scope                 text NOT NULL,
  code_challenge        text,
  code_challenge_method text CHECK (code_challenge_method IN ('S256')),
  nonce                 text,
  auth_time             bigint NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  expires_at            timestamptz NOT NULL,
  consumed_at           timestamptz,
  origin_jti            text
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);
