// @azure/identity's ClientSecretCredential with the emulator as authority host:
// MSAL's discovery and token requests, and Entra's AADSTS errors on a bad secret.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ClientSecretCredential } from "@azure/identity";
import { credentialOptions, daemonApp, daemonCredential, jwtPayload } from "./harness.mjs";

describe("Entra ID client credentials", () => {
  it("getToken for the ARM scope returns an unexpired token for that audience", async () => {
    const token = await daemonCredential().getToken("https://management.azure.com/.default");
    assert.equal(typeof token.token, "string");
    assert.ok(token.expiresOnTimestamp > Date.now() + 60_000, `expires ${token.expiresOnTimestamp}`);
    const claims = jwtPayload(token.token);
    assert.match(String(claims.aud), /^https:\/\/management\.(core\.windows\.net|azure\.com)\/?$/);
    assert.equal(claims.tid, daemonApp.tenantId);
    assert.equal(claims.appid ?? claims.azp, daemonApp.clientId);
  });

  it("getToken for the Key Vault scope returns a token for the vault audience", async () => {
    const token = await daemonCredential().getToken("https://vault.azure.net/.default");
    assert.match(String(jwtPayload(token.token).aud), /^https:\/\/vault\.azure\.net\/?$/);
  });

  it("a wrong client secret is refused with an AADSTS error", async () => {
    const credential = daemonCredential("not-the-secret");
    await assert.rejects(credential.getToken("https://management.azure.com/.default"), (error) => {
      assert.match(error.message, /AADSTS\d+/);
      return true;
    });
  });

  it("an unknown client id is refused with an AADSTS error", async () => {
    const credential = new ClientSecretCredential(
      daemonApp.tenantId,
      "00000000-0000-0000-0000-000000000001",
      daemonApp.clientSecret,
      credentialOptions,
    );
    await assert.rejects(credential.getToken("https://management.azure.com/.default"), (error) => {
      assert.match(error.message, /AADSTS\d+/);
      return true;
    });
  });
});
