// End-to-end test of the identity service's OIDC provider with real clients from npm:
// openid-client (discovery, authorization code + PKCE, refresh, revoke, userInfo,
// client_credentials) and jose (every token verified against the published JWKS, every claim
// checked). The hosted login form is filled over plain HTTP with fetch, as a browser would.
//
// Started by tests/oidc_test.cpp, which runs `dts identity` on a throwaway PostgreSQL, seeds
// the clients and the user, and passes them in the environment below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as jose from 'jose';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through tests/oidc_test.cpp)`);
  return v;
};
const ISSUER = env('ISSUER');
const BASE_URL = env('BASE_URL');
const SPA = env('SPA_CLIENT_ID');
const REDIRECT_URI = env('SPA_REDIRECT_URI');
const LOGOUT_URI = env('SPA_LOGOUT_URI');
const SVC = env('SVC_CLIENT_ID');
const SVC_SECRET = env('SVC_CLIENT_SECRET');
const SVC_SCOPE = env('SVC_SCOPE');
const WEB = env('WEB_CLIENT_ID');
const WEB_SECRET = env('WEB_CLIENT_SECRET');
const USERNAME = env('USERNAME');
const PASSWORD = env('PASSWORD');
const EMAIL = env('USER_EMAIL');
const TENANT = env('TENANT_ID');
const GROUPS = env('USER_GROUPS').split(',');
const CODE_TTL = Number(env('CODE_TTL_SECONDS'));
const insecure = { execute: [client.allowInsecureRequests] };

const spaConfig = () => client.discovery(new URL(ISSUER), SPA, undefined, client.None(), insecure);
const jwks = jose.createRemoteJWKSet(new URL(`${BASE_URL}/.well-known/jwks.json`));

// The hosted form: hidden fields and the CSRF cookie, as a browser would keep them.
function parseForm(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[m[1]] = m[2].replaceAll('&quot;', '"').replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
  }
  const action = html.match(/<form method="post" action="([^"]*)"/)?.[1];
  return { fields, action };
}
function cookieOf(res) {
  const set = res.headers.getSetCookie();
  const c = set.find((s) => s.startsWith('XSRF-TOKEN='));
  assert.ok(c, 'login page sets the XSRF-TOKEN cookie');
  assert.match(c, /HttpOnly/i);
  assert.match(c, /SameSite=Lax/i);
  return c.split(';')[0];
}

// Opens the login page of `authUrl`, posts the credentials, returns the redirect response.
async function login(authUrl, { username = USERNAME, password = PASSWORD, csrf = true } = {}) {
  const page = await fetch(authUrl, { redirect: 'manual' });
  assert.equal(page.status, 200, 'authorize shows the hosted login page');
  assert.match(page.headers.get('content-type'), /text\/html/);
  assert.equal(page.headers.get('x-frame-options'), 'DENY');
  const cookie = cookieOf(page);
  const { fields, action } = parseForm(await page.text());
  assert.equal(action, '/login');
  assert.ok(fields._csrf, 'form carries a CSRF token');
  if (!csrf) delete fields._csrf;
  const body = new URLSearchParams({ ...fields, username, password });
  return fetch(new URL(action, BASE_URL), {
    method: 'POST', redirect: 'manual', body,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  });
}

async function authorize(config, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid email profile', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', ...extra,
  });
  const res = await login(url);
  assert.equal(res.status, 302, `login redirects back (got ${res.status})`);
  const location = new URL(res.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI);
  assert.equal(location.searchParams.get('state'), state);
  assert.ok(location.searchParams.get('code'));
  return { location, verifier, state, nonce };
}

async function rawToken(params, headers = {}) {
  const res = await fetch(`${BASE_URL}/oauth2/token`, {
    method: 'POST', body: new URLSearchParams(params),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const expectOAuthError = async (promise, code) => {
  await assert.rejects(promise, (e) => {
    assert.equal(e.error ?? e.cause?.error, code, `expected ${code}, got ${e.message}`);
    return true;
  });
};

test('discovery document and JWKS', async () => {
  const config = await spaConfig();
  const md = config.serverMetadata();
  assert.equal(md.issuer, ISSUER);
  for (const [k, path] of [['authorization_endpoint', '/oauth2/authorize'],
    ['token_endpoint', '/oauth2/token'], ['userinfo_endpoint', '/oauth2/userInfo'],
    ['revocation_endpoint', '/oauth2/revoke'], ['end_session_endpoint', '/logout'],
    ['jwks_uri', '/.well-known/jwks.json']]) {
    assert.equal(md[k], `${BASE_URL}${path}`, k);
  }
  assert.deepEqual(md.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(md.id_token_signing_alg_values_supported, ['RS256']);
  const res = await fetch(md.jwks_uri);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('cache-control'), /max-age=\d+/);
  const doc = await res.json();
  assert.ok(doc.keys.length >= 1);
  for (const k of doc.keys) {
    assert.equal(k.kty, 'RSA');
    assert.equal(k.alg, 'RS256');
    assert.equal(k.use, 'sig');
    assert.ok(k.kid);
    assert.equal(k.d, undefined, 'no private members in the JWKS');
    assert.equal(k.p, undefined);
  }
});

test('authorization code + PKCE, userInfo, refresh, revoke, logout', async () => {
  const config = await spaConfig();
  const { location, verifier, state, nonce } = await authorize(config);
  const tokens = await client.authorizationCodeGrant(config, location, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.expires_in, 3600);
  assert.ok(tokens.refresh_token);
  assert.equal(tokens.refresh_token.split('.').length, 1, 'refresh token is opaque');

  // Every claim of the ID token, verified with jose against the JWKS.
  const { payload: id, protectedHeader } = await jose.jwtVerify(tokens.id_token, jwks, {
    issuer: ISSUER, audience: SPA, algorithms: ['RS256'],
  });
  assert.equal(protectedHeader.typ, 'JWT');
  assert.ok(protectedHeader.kid);
  const now = Math.floor(Date.now() / 1000);
  assert.deepEqual(Object.keys(id).sort(), ['at_hash', 'aud', 'auth_time', 'cognito:groups',
    'cognito:username', 'custom:tenant_id', 'email', 'email_verified', 'event_id', 'exp', 'iat',
    'iss', 'jti', 'nonce', 'origin_jti', 'sub', 'token_use'].sort());
  assert.match(id.sub, /^[0-9a-f-]{36}$/);
  assert.equal(id.aud, SPA);
  assert.equal(id.token_use, 'id');
  assert.equal(id['cognito:username'], USERNAME);
  assert.deepEqual(id['cognito:groups'], GROUPS);
  assert.equal(id.email, EMAIL);
  assert.equal(id.email_verified, true);
  assert.equal(id['custom:tenant_id'], TENANT);
  assert.equal(id.nonce, nonce);
  assert.ok(Math.abs(id.iat - now) < 60);
  assert.equal(id.exp - id.iat, 3600);
  assert.ok(id.auth_time <= id.iat && id.auth_time > now - 60);
  assert.match(id.jti, /^[0-9a-f-]{36}$/);
  assert.match(id.origin_jti, /^[0-9a-f-]{36}$/);

  const { payload: at, protectedHeader: atHeader } = await jose.jwtVerify(tokens.access_token, jwks, {
    issuer: ISSUER, algorithms: ['RS256'],
  });
  assert.equal(atHeader.kid, protectedHeader.kid);
  assert.deepEqual(Object.keys(at).sort(), ['auth_time', 'client_id', 'cognito:groups', 'event_id',
    'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username',
    'version'].sort());
  assert.equal(at.sub, id.sub);
  assert.equal(at.client_id, SPA);
  assert.equal(at.token_use, 'access');
  assert.equal(at.scope, 'openid email profile');
  assert.equal(at.username, USERNAME);
  assert.deepEqual(at['cognito:groups'], GROUPS);
  assert.equal(at.origin_jti, id.origin_jti);
  assert.equal(at.event_id, id.event_id);
  assert.notEqual(at.jti, id.jti);
  assert.equal(at.version, 2);
  // at_hash binds the ID token to this access token.
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256',
    new TextEncoder().encode(tokens.access_token)));
  assert.equal(id.at_hash, Buffer.from(digest.slice(0, 16)).toString('base64url'));

  const info = await client.fetchUserInfo(config, tokens.access_token, id.sub);
  assert.equal(info.sub, id.sub);
  assert.equal(info.username, USERNAME);
  assert.equal(info.email, EMAIL);
  assert.equal(info['custom:tenant_id'], TENANT);

  // Refresh: new access and ID tokens of the same sign-in (origin_jti, auth_time kept).
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const { payload: at2 } = await jose.jwtVerify(refreshed.access_token, jwks, { issuer: ISSUER });
  const { payload: id2 } = await jose.jwtVerify(refreshed.id_token, jwks, { issuer: ISSUER, audience: SPA });
  assert.equal(at2.origin_jti, at.origin_jti);
  assert.equal(id2.auth_time, id.auth_time);
  assert.equal(id2.sub, id.sub);
  assert.notEqual(at2.jti, at.jti);
  assert.equal(refreshed.refresh_token, undefined, 'Cognito does not rotate refresh tokens');

  // Revoke: the refresh token stops working, and so do the access tokens of its sign-in
  // at userInfo (Cognito's origin_jti revocation).
  await client.tokenRevocation(config, tokens.refresh_token);
  await expectOAuthError(client.refreshTokenGrant(config, tokens.refresh_token), 'invalid_grant');
  const revokedInfo = await fetch(`${BASE_URL}/oauth2/userInfo`, {
    headers: { authorization: `Bearer ${refreshed.access_token}` },
  });
  assert.equal(revokedInfo.status, 401);
  assert.match(revokedInfo.headers.get('www-authenticate'), /invalid_token/);

  // Logout to a registered sign-out URL redirects there.
  const end = client.buildEndSessionUrl(config, { logout_uri: LOGOUT_URI, client_id: SPA });
  const out = await fetch(end, { redirect: 'manual' });
  assert.equal(out.status, 302);
  assert.equal(out.headers.get('location'), LOGOUT_URI);
});

test('PKCE verifier mismatch is invalid_grant', async () => {
  const config = await spaConfig();
  const { location, state, nonce } = await authorize(config);
  await expectOAuthError(client.authorizationCodeGrant(config, location, {
    pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state, expectedNonce: nonce,
  }), 'invalid_grant');
});

test('a replayed code fails and revokes the tokens of its first use', async () => {
  const config = await spaConfig();
  const { location, verifier, state, nonce } = await authorize(config);
  const tokens = await client.authorizationCodeGrant(config, location, {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
  });
  const replay = await rawToken({
    grant_type: 'authorization_code', client_id: SPA, code: location.searchParams.get('code'),
    redirect_uri: REDIRECT_URI, code_verifier: verifier,
  });
  assert.equal(replay.status, 400);
  assert.equal(replay.body.error, 'invalid_grant');
  assert.equal(replay.headers.get('cache-control'), 'no-store');
  await expectOAuthError(client.refreshTokenGrant(config, tokens.refresh_token), 'invalid_grant');
});

test('an expired code is invalid_grant', async () => {
  const config = await spaConfig();
  const { location, verifier } = await authorize(config);
  await new Promise((r) => setTimeout(r, (CODE_TTL + 1.5) * 1000));
  const res = await rawToken({
    grant_type: 'authorization_code', client_id: SPA, code: location.searchParams.get('code'),
    redirect_uri: REDIRECT_URI, code_verifier: verifier,
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'invalid_grant');
});

test('the code is bound to its redirect_uri and client', async () => {
  const config = await spaConfig();
  let { location, verifier } = await authorize(config);
  const other = await rawToken({
    grant_type: 'authorization_code', client_id: SPA, code: location.searchParams.get('code'),
    redirect_uri: `${REDIRECT_URI}/other`, code_verifier: verifier,
  });
  assert.equal(other.body.error, 'invalid_grant');
  ({ location, verifier } = await authorize(config));
  // Another (confidential, code-flow) client cannot redeem the SPA's code.
  const wrongClient = await rawToken({
    grant_type: 'authorization_code', code: location.searchParams.get('code'),
    redirect_uri: REDIRECT_URI, code_verifier: verifier,
  }, { authorization: `Basic ${Buffer.from(`${WEB}:${WEB_SECRET}`).toString('base64')}` });
  assert.equal(wrongClient.body.error, 'invalid_grant');
  // A client without the code flow is refused before the code is even looked at.
  ({ location, verifier } = await authorize(config));
  const noFlow = await rawToken({
    grant_type: 'authorization_code', code: location.searchParams.get('code'),
    redirect_uri: REDIRECT_URI, code_verifier: verifier,
  }, { authorization: `Basic ${Buffer.from(`${SVC}:${SVC_SECRET}`).toString('base64')}` });
  assert.equal(noFlow.body.error, 'unauthorized_client');
});

test('an unregistered redirect_uri shows an error page and never redirects', async () => {
  const config = await spaConfig();
  for (const uri of ['https://evil.example.com/cb', `${REDIRECT_URI}/`, `${REDIRECT_URI}?x=1`,
    REDIRECT_URI.toUpperCase()]) {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: uri, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256', state: 's',
    });
    const res = await fetch(url, { redirect: 'manual' });
    assert.equal(res.status, 400, uri);
    assert.equal(res.headers.get('location'), null, uri);
    assert.match(await res.text(), /redirect_uri is not one of the client/);
  }
});

test('PKCE is required for the public client', async () => {
  const config = await spaConfig();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid', state: 'abc',
  });
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location'));
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
  assert.equal(loc.searchParams.get('state'), 'abc');
});

test('logout never redirects to an unregistered URL', async () => {
  for (const uri of ['https://evil.example.com/', `${LOGOUT_URI}evil`, '//evil.example.com',
    `${LOGOUT_URI}?next=https://evil.example.com`]) {
    const res = await fetch(`${BASE_URL}/logout?client_id=${SPA}&logout_uri=${encodeURIComponent(uri)}`,
      { redirect: 'manual' });
    assert.equal(res.status, 400, uri);
    assert.equal(res.headers.get('location'), null, uri);
  }
  const unknown = await fetch(`${BASE_URL}/logout?client_id=nope&logout_uri=${encodeURIComponent(LOGOUT_URI)}`,
    { redirect: 'manual' });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.headers.get('location'), null);
});

test('the login form needs its CSRF token; wrong passwords do not redirect', async () => {
  const config = await spaConfig();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI, scope: 'openid', state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  });
  const noCsrf = await login(url, { csrf: false });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.headers.get('location'), null);
  const wrong = await login(url, { password: 'Wrong-password-1!' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.headers.get('location'), null);
  const wrongText = await wrong.text();
  assert.match(wrongText, /Incorrect username or password/);
  const unknown = await login(url, { username: 'nobody-here' });
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /Incorrect username or password/, 'same answer for unknown users');
});

test('client_credentials with client_secret_basic and client_secret_post', async () => {
  for (const auth of [client.ClientSecretBasic(SVC_SECRET), client.ClientSecretPost(SVC_SECRET)]) {
    const config = await client.discovery(new URL(ISSUER), SVC, SVC_SECRET, auth, insecure);
    const tokens = await client.clientCredentialsGrant(config, { scope: SVC_SCOPE });
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: ISSUER });
    assert.deepEqual(Object.keys(payload).sort(), ['auth_time', 'client_id', 'exp', 'iat', 'iss',
      'jti', 'scope', 'sub', 'token_use', 'version'].sort());
    assert.equal(payload.sub, SVC);
    assert.equal(payload.client_id, SVC);
    assert.equal(payload.scope, SVC_SCOPE);
    assert.equal(payload.token_use, 'access');
    assert.equal(tokens.id_token, undefined);
    assert.equal(tokens.refresh_token, undefined);
  }
  // Wrong secret over Basic: 401 invalid_client with a Basic challenge (RFC 6749 §5.2);
  // openid-client surfaces the challenge.
  const bad = await client.discovery(new URL(ISSUER), SVC, 'wrong-secret', client.ClientSecretBasic('wrong-secret'), insecure);
  await assert.rejects(client.clientCredentialsGrant(bad, { scope: SVC_SCOPE }),
    (e) => e.status === 401 || e.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
  const badBasic = await rawToken({ grant_type: 'client_credentials', scope: SVC_SCOPE },
    { authorization: `Basic ${Buffer.from(`${SVC}:wrong-secret`).toString('base64')}` });
  assert.equal(badBasic.status, 401);
  assert.equal(badBasic.body.error, 'invalid_client');
  assert.match(badBasic.headers.get('www-authenticate'), /^Basic/);
  const badPost = await rawToken({ grant_type: 'client_credentials', client_id: SVC, client_secret: 'nope' });
  assert.equal(badPost.status, 400);
  assert.equal(badPost.body.error, 'invalid_client');
  // The public client cannot use client_credentials; unknown scopes are refused.
  const pub = await rawToken({ grant_type: 'client_credentials', client_id: SPA });
  assert.equal(pub.body.error, 'unauthorized_client');
  const good = await client.discovery(new URL(ISSUER), SVC, SVC_SECRET, client.ClientSecretBasic(SVC_SECRET), insecure);
  await expectOAuthError(client.clientCredentialsGrant(good, { scope: 'admin/everything' }), 'invalid_scope');
});

test('token endpoint rejects malformed requests with OAuth errors', async () => {
  assert.equal((await rawToken({ grant_type: 'password', client_id: SPA })).body.error, 'unsupported_grant_type');
  assert.equal((await rawToken({ client_id: SPA })).body.error, 'invalid_request');
  assert.equal((await rawToken({ grant_type: 'authorization_code', client_id: SPA, code: 'x'.repeat(5000),
    redirect_uri: REDIRECT_URI, code_verifier: 'a'.repeat(43) })).body.error, 'invalid_grant');
  assert.equal((await rawToken({ grant_type: 'refresh_token', client_id: SPA, refresh_token: 'forged' })).body.error,
    'invalid_grant');
  const res = await fetch(`${BASE_URL}/oauth2/token`, { method: 'POST', body: '{"grant_type":"x"}',
    headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, 'invalid_request');
});
