// A real OpenID provider (node's oidc-provider, MIT) for the workstation's peer tests only:
// never shipped. Serves on 127.0.0.1 and prints "oidc-provider listening on URL".
//
//   node tests/oidc/provider.mjs ACCOUNTS.json [--port N] [--clock-offset S] [--ttl S]
//       [--id-token-ttl S] [--key PRIVATE-JWK.json]
//
// ACCOUNTS.json: {"dr.li": {"fhirUser": "Practitioner/…", "name": "…", "readOnly": false}}.
// The workstation is a native public client (PKCE S256 required, loopback redirect on any
// port, refresh tokens rotated). Access tokens are JWTs (RFC 9068) whose audience is the
// resource indicator asked for (RFC 8707): any http://127.0.0.1:PORT/fhir. A read-only
// account is granted the read scopes only. --clock-offset shifts this provider's clock.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import process from 'node:process';

import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const accounts = JSON.parse(readFileSync(args[0], 'utf8'));
const port = Number(option('--port', '0'));
const offsetMs = Number(option('--clock-offset', '0')) * 1000;
const ttl = Number(option('--ttl', '600'));
const idTokenTtl = Number(option('--id-token-ttl', '3600'));
if (offsetMs) {
  const realNow = Date.now;
  Date.now = () => realNow() + offsetMs;
}

const READ = ['Patient', 'DiagnosticReport', 'Observation', 'ImagingStudy', 'Organization',
  'Practitioner', 'Endpoint', 'Task'].map((t) => `user/${t}.rs`);
const WRITE = ['user/Task.cu', 'user/AuditEvent.c'];
const RESOURCE = /^http:\/\/127\.0\.0\.1:\d+\/fhir$/;

// The signing key: given by the test (node's RSA key generation sometimes stalls for long
// on a loaded machine), else made here.
const keyFile = option('--key', '');
const key = keyFile
  ? JSON.parse(readFileSync(keyFile, 'utf8'))
  : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

function accountOf(ctx) {
  const id = ctx.oidc?.account?.accountId ?? ctx.oidc?.session?.accountId;
  return id ? accounts[id] : undefined;
}

const configuration = {
  clients: [{
    client_id: 'hr-workstation',
    application_type: 'native',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['http://127.0.0.1/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/signed-out'],
  }],
  jwks: { keys: [{ ...key, kid: randomUUID(), alg: 'RS256', use: 'sig' }] },
  cookies: { keys: [randomUUID()] },
  claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
  scopes: ['openid', 'offline_access', 'fhirUser', 'profile'],
  pkce: { required: () => true },
  ttl: { AccessToken: ttl, IdToken: idTokenTtl, RefreshToken: 86400, Grant: 86400, Session: 86400 },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    introspection: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx, client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (!RESOURCE.test(indicator)) throw new Provider.errors.InvalidTarget();
        const account = accountOf(ctx);
        const scope = [...READ, ...(account?.readOnly ? [] : WRITE)].join(' ');
        return {
          scope,
          audience: indicator,
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: (ctx, token) => {
    const account = accounts[token.accountId];
    return account ? { fhirUser: account.fhirUser } : undefined;
  },
  findAccount: (ctx, id) => {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      claims: () => ({ sub: id, fhirUser: account.fhirUser, name: account.name }),
    };
  },
};

const server = http.createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
