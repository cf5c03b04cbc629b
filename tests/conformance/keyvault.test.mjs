// @azure/keyvault-secrets against the emulated vault "mykeyvault": the SDK's own
// challenge flow (first request without a token), set, get by latest and by
// version, paged version listing, update, and soft delete through its poller.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SecretClient } from "@azure/keyvault-secrets";
import { daemonCredential, uniqueName, vaultUrl } from "./harness.mjs";

// The vault is not served under *.vault.azure.net, so the challenge's resource
// cannot match the vault host: the documented opt-out for that case.
const client = new SecretClient(vaultUrl(), daemonCredential(), { disableChallengeResourceVerification: true });
const versionPattern = /^[0-9a-f]{32}$/;

describe("Key Vault secrets", () => {
  const name = uniqueName("conformance");
  let first;
  let second;

  it("setSecret creates versions that keep contentType and tags", async () => {
    first = await client.setSecret(name, "value-one", { contentType: "text/plain", tags: { keyId: "k1" } });
    assert.equal(first.name, name);
    assert.equal(first.value, "value-one");
    assert.match(first.properties.version, versionPattern);
    assert.equal(first.properties.contentType, "text/plain");
    assert.deepEqual(first.properties.tags, { keyId: "k1" });
    assert.equal(first.properties.enabled, true);
    assert.ok(first.properties.createdOn instanceof Date);
    assert.equal(first.properties.recoveryLevel, "Recoverable+Purgeable");

    second = await client.setSecret(name, "value-two");
    assert.match(second.properties.version, versionPattern);
    assert.notEqual(second.properties.version, first.properties.version);
  });

  it("getSecret returns the latest version, or the one asked for", async () => {
    const latest = await client.getSecret(name);
    assert.equal(latest.value, "value-two");
    assert.equal(latest.properties.version, second.properties.version);
    const older = await client.getSecret(name, { version: first.properties.version });
    assert.equal(older.value, "value-one");
    assert.equal(older.properties.contentType, "text/plain");
  });

  it("listPropertiesOfSecretVersions pages through every version", async () => {
    const versions = [];
    for await (const properties of client.listPropertiesOfSecretVersions(name)) {
      assert.equal(properties.name, name);
      assert.equal(properties.value, undefined);
      versions.push(properties.version);
    }
    assert.deepEqual(versions.sort(), [first.properties.version, second.properties.version].sort());

    const pages = [];
    for await (const page of client.listPropertiesOfSecretVersions(name).byPage({ maxPageSize: 1 })) {
      pages.push(page.map((properties) => properties.version));
    }
    assert.deepEqual(pages.flat().sort(), versions);
    assert.ok(pages.length >= 2, `expected nextLink paging, got ${JSON.stringify(pages)}`);
  });

  it("listPropertiesOfSecrets includes the seeded registry credentials", async () => {
    const names = [];
    for await (const properties of client.listPropertiesOfSecrets()) names.push(properties.name);
    assert.ok(names.includes(name));
    assert.ok(names.includes("myregistry-pull-usr"), JSON.stringify(names));
    assert.ok(names.includes("myregistry-pull-pwd"), JSON.stringify(names));
  });

  it("updateSecretProperties disables a version, which then cannot be read", async () => {
    const updated = await client.updateSecretProperties(name, first.properties.version, {
      enabled: false,
      tags: { keyId: "k1", retired: "true" },
    });
    assert.equal(updated.enabled, false);
    assert.deepEqual(updated.tags, { keyId: "k1", retired: "true" });
    await assert.rejects(client.getSecret(name, { version: first.properties.version }), (error) => {
      assert.equal(error.statusCode, 403);
      return true;
    });
    assert.equal((await client.getSecret(name)).value, "value-two");
  });

  it("a secret that does not exist is a 404 RestError", async () => {
    await assert.rejects(client.getSecret(uniqueName("missing")), (error) => {
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, "SecretNotFound");
      return true;
    });
  });

  it("beginDeleteSecret soft-deletes; the deleted secret can be read and purged", async () => {
    const poller = await client.beginDeleteSecret(name, { intervalInMs: 100 });
    const deleted = await poller.pollUntilDone();
    assert.equal(deleted.name, name);
    assert.ok(deleted.recoveryId.endsWith(`/deletedsecrets/${name}`), deleted.recoveryId);
    assert.ok(deleted.deletedOn instanceof Date);
    assert.ok(deleted.scheduledPurgeDate > deleted.deletedOn);

    await assert.rejects(client.getSecret(name), (error) => error.statusCode === 404);
    await assert.rejects(client.setSecret(name, "reuse"), (error) => error.statusCode === 409);
    const fetched = await client.getDeletedSecret(name);
    assert.equal(fetched.name, name);
    await client.purgeDeletedSecret(name);
    await assert.rejects(client.getDeletedSecret(name), (error) => error.statusCode === 404);
  });

  it("beginRecoverDeletedSecret brings every version back", async () => {
    const recoverable = uniqueName("recover");
    await client.setSecret(recoverable, "kept");
    await (await client.beginDeleteSecret(recoverable, { intervalInMs: 100 })).pollUntilDone();
    const recovered = await (await client.beginRecoverDeletedSecret(recoverable, { intervalInMs: 100 })).pollUntilDone();
    assert.equal(recovered.name, recoverable);
    assert.equal((await client.getSecret(recoverable)).value, "kept");
  });
});
