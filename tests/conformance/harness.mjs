// Shared by the *.test.mjs files: where the emulator runs (set by run.mjs) and
// what the demo seed says (tenant, the daemon application's credentials, the
// vault), plus the SDK options every client needs to talk to the emulator.

import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { ClientSecretCredential } from "@azure/identity";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/conformance/run.sh`);
  return value;
}

export const emulatorUrl = required("EMULATOR_URL");
export const seed = parse(readFileSync(required("EMULATOR_SEED"), "utf8"));

// Case-insensitive lookup of the first present key.
function pick(object, ...keys) {
  if (!object || typeof object !== "object") return undefined;
  for (const key of keys) {
    const found = Object.keys(object).find((k) => k.toLowerCase() === key.toLowerCase());
    if (found !== undefined && object[found] !== undefined && object[found] !== null) return object[found];
  }
  return undefined;
}

function asList(value) {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") return Object.entries(value).map(([name, v]) => ({ name, ...v }));
  return [];
}

// Every application in the seed, wherever the seed nests them (top level or per tenant).
function applications() {
  const found = [];
  const tenants = asList(pick(seed, "tenants"));
  for (const tenant of tenants) {
    const tenantId = pick(tenant, "id", "tenantId");
    for (const app of asList(pick(tenant, "applications", "apps"))) found.push({ tenantId, app });
  }
  const defaultTenant = pick(tenants[0], "id", "tenantId") ?? pick(seed, "tenantId", "tenant");
  for (const app of asList(pick(seed, "applications", "apps"))) {
    found.push({ tenantId: pick(app, "tenantId", "tenant") ?? defaultTenant, app });
  }
  return found;
}

function passwordOf(app) {
  for (const credential of asList(pick(app, "passwords", "passwordCredentials", "secrets"))) {
    const text = typeof credential === "string" ? credential : pick(credential, "secretText", "value", "password", "secret");
    if (text) return text;
  }
  return pick(app, "password", "clientSecret", "secret");
}

// The application the daemon signs in as: the one named for the daemon, else the
// first with a password that is not the registry-pull principal.
function findDaemonApp() {
  const candidates = applications()
    .map(({ tenantId, app }) => ({
      tenantId: pick(app, "tenantId", "tenant") ?? tenantId,
      clientId: pick(app, "appId", "clientId", "applicationId"),
      clientSecret: passwordOf(app),
      name: String(pick(app, "displayName", "name") ?? ""),
    }))
    .filter((app) => app.tenantId && app.clientId && app.clientSecret);
  const named = candidates.find((app) => /operator|daemon/i.test(app.name));
  const other = candidates.find((app) => !/pull/i.test(app.name));
  const chosen = named ?? other ?? candidates[0];
  if (!chosen) throw new Error("the seed has no application with a tenant, appId and password");
  return chosen;
}

export const daemonApp = {
  ...findDaemonApp(),
  ...(process.env.CONFORMANCE_TENANT_ID ? { tenantId: process.env.CONFORMANCE_TENANT_ID } : {}),
  ...(process.env.CONFORMANCE_CLIENT_ID ? { clientId: process.env.CONFORMANCE_CLIENT_ID } : {}),
  ...(process.env.CONFORMANCE_CLIENT_SECRET ? { clientSecret: process.env.CONFORMANCE_CLIENT_SECRET } : {}),
};

// Options documented for sovereign clouds and private authorities: the emulator
// is the authority host, and MSAL must not ask login.microsoftonline.com to
// validate it.
export const credentialOptions = { authorityHost: emulatorUrl, disableInstanceDiscovery: true };

export function daemonCredential(secret = daemonApp.clientSecret) {
  return new ClientSecretCredential(daemonApp.tenantId, daemonApp.clientId, secret, credentialOptions);
}

// Vaults are served under a path prefix on the emulator's one host.
export function vaultUrl(name = "mykeyvault") {
  return `${emulatorUrl}/keyvault/${name}`;
}

// Unique per run, so reruns against a kept state never collide with soft-deleted names.
export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

// The payload of a JWT, without verifying it (the emulator's tests do that).
export function jwtPayload(token) {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}
