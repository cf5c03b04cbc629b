// @azure/arm-containerinstance against the emulated Microsoft.ContainerInstance
// provider: the SDK's own long-running-operation poller (Azure-AsyncOperation) for
// create, update and delete, its nextLink paging for listByResourceGroup, and its
// error mapping for the 4xx answers ACI gives (immutable update, failed pull).

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ContainerInstanceManagementClient } from "@azure/arm-containerinstance";
import { SecretClient } from "@azure/keyvault-secrets";
import { daemonCredential, emulatorUrl, seed, uniqueName, vaultUrl } from "./harness.mjs";

const subscription = seed.subscriptions?.[0];
if (!subscription?.id || !subscription.resourceGroups?.[0]?.name) {
  throw new Error("the seed needs a subscription with a resource group");
}
const subscriptionId = subscription.id;
const resourceGroup = subscription.resourceGroups[0].name;
const location = subscription.resourceGroups[0].location ?? "westeurope";
const registry = seed.registries?.[0];
const loginServer = registry ? `${registry.name}.azurecr.io` : undefined;

// The documented options for a non-public cloud: the emulator is the ARM endpoint,
// and tokens are still asked for ARM's audience.
const client = new ContainerInstanceManagementClient(daemonCredential(), subscriptionId, {
  $host: emulatorUrl,
  endpoint: emulatorUrl,
  credentialScopes: ["https://management.azure.com/.default"],
});
const poll = { updateIntervalInMs: 250 };

function groupBody({ image = "mcr.microsoft.com/azuredocs/aci-helloworld:latest", cpu = 1, credentials } = {}) {
  return {
    location,
    tags: { "managed-by": "conformance" },
    osType: "Linux",
    containers: [
      {
        name: "app",
        image,
        ports: [{ port: 80 }],
        environmentVariables: [
          { name: "MODE", value: "demo" },
          { name: "API_KEY", secureValue: "conformance-secure-value" },
        ],
        resources: { requests: { cpu, memoryInGB: 1.5 } },
      },
    ],
    ...(credentials ? { imageRegistryCredentials: credentials } : {}),
    ipAddress: { type: "Public", dnsNameLabel: uniqueName("dns"), ports: [{ port: 80 }] },
  };
}

async function rejectsWith(promise, statusCode, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.statusCode, statusCode, error.message);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe("ARM container groups", () => {
  const name = uniqueName("conformance");
  const created = [];
  after(async () => {
    for (const group of created) {
      await client.containerGroups.beginDeleteAndWait(resourceGroup, group, poll).catch(() => {});
    }
  });

  it("beginCreateOrUpdateAndWait follows the operation to Succeeded", async () => {
    created.push(name);
    const group = await client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, name, groupBody(), poll);
    assert.equal(group.name, name);
    assert.equal(group.provisioningState, "Succeeded");
    assert.equal(
      group.id,
      `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/${name}`,
    );
    assert.equal(group.type, "Microsoft.ContainerInstance/containerGroups");
    assert.deepEqual(group.tags, { "managed-by": "conformance" });
  });

  it("get fills in defaults and never returns secure values", async () => {
    const group = await client.containerGroups.get(resourceGroup, name);
    assert.equal(group.restartPolicy, "Always");
    assert.equal(group.sku, "Standard");
    assert.equal(group.instanceView.state, "Running");
    const [app] = group.containers;
    assert.deepEqual(app.command, []);
    assert.deepEqual(app.environmentVariables, [{ name: "MODE", value: "demo" }, { name: "API_KEY" }]);
    assert.equal(app.instanceView.currentState.state, "Running");
    assert.equal(app.instanceView.restartCount, 0);
    assert.deepEqual(
      app.instanceView.events.map((event) => event.name),
      ["Pulling", "Pulled", "Started"],
    );
    assert.ok(app.instanceView.events[0].firstTimestamp instanceof Date);
    assert.deepEqual(group.ipAddress.ports, [{ port: 80, protocol: "TCP" }]);
    assert.equal(group.ipAddress.fqdn, `${group.ipAddress.dnsNameLabel}.${location}.azurecontainer.io`);
    assert.match(group.ipAddress.ip, /^\d+\.\d+\.\d+\.\d+$/);
    assert.ok(!JSON.stringify(group).includes("conformance-secure-value"));
  });

  it("an unchanged PUT still restarts the containers", async () => {
    const group = await client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, name, groupBody(), poll);
    assert.equal(group.provisioningState, "Succeeded");
    const [app] = group.containers;
    assert.equal(app.instanceView.restartCount, 1);
    assert.ok(app.instanceView.events.some((event) => event.name === "Killing"));
  });

  it("a change ACI cannot make in place is refused with InvalidContainerGroupUpdate", async () => {
    await rejectsWith(
      client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, name, groupBody({ cpu: 2 }), poll),
      409,
      "InvalidContainerGroupUpdate",
    );
  });

  it("update changes tags without a restart", async () => {
    const group = await client.containerGroups.update(resourceGroup, name, { tags: { owner: "conformance" } });
    assert.deepEqual(group.tags, { owner: "conformance" });
    assert.equal(group.containers[0].instanceView.restartCount, 1);
  });

  it("listByResourceGroup pages through every group without instance views", async () => {
    const others = [uniqueName("page"), uniqueName("page")];
    for (const other of others) {
      created.push(other);
      await client.containerGroups.beginCreateOrUpdate(resourceGroup, other, groupBody(), poll);
    }
    const names = [];
    for await (const group of client.containerGroups.listByResourceGroup(resourceGroup)) {
      names.push(group.name);
      assert.equal(group.instanceView, undefined);
      assert.ok(group.provisioningState);
    }
    for (const expected of [name, ...others]) assert.ok(names.includes(expected), JSON.stringify(names));

    const everywhere = [];
    for await (const group of client.containerGroups.list()) everywhere.push(group.name);
    assert.ok(everywhere.includes(name));
  });

  it("listByResourceGroup follows nextLink past a full page", async () => {
    // ARM pages at 100 items; ACI's list takes no $top, so only a full page shows paging.
    const many = Array.from({ length: 100 }, (_, i) => `${uniqueName("bulk")}-${i}`);
    try {
      for (const other of many) await client.containerGroups.beginCreateOrUpdate(resourceGroup, other, groupBody(), poll);
      const pages = [];
      for await (const page of client.containerGroups.listByResourceGroup(resourceGroup).byPage()) {
        pages.push(page.map((group) => group.name));
      }
      assert.ok(pages.length >= 2, `expected more than one page, got ${pages.map((p) => p.length)}`);
      const names = pages.flat();
      assert.equal(new Set(names).size, names.length, "a group was listed twice");
      for (const expected of [name, ...many]) assert.ok(names.includes(expected), expected);
    } finally {
      for (const other of many) await client.containerGroups.beginDelete(resourceGroup, other, poll);
    }
  });

  it("beginDeleteAndWait removes the group, after which get answers ResourceNotFound", async () => {
    await client.containerGroups.beginDeleteAndWait(resourceGroup, name, poll);
    created.splice(created.indexOf(name), 1);
    await rejectsWith(client.containerGroups.get(resourceGroup, name), 404, "ResourceNotFound");
  });

  it("a name ACI does not accept is refused before any deployment", async () => {
    await rejectsWith(
      client.containerGroups.beginCreateOrUpdateAndWait(resourceGroup, "Not_Valid", groupBody(), poll),
      400,
      "InvalidContainerGroupName",
    );
  });
});

describe("ARM container groups pulling from the emulated registry", { skip: !loginServer }, () => {
  const image = `${loginServer}/${registry?.images?.[0] ?? "aci-helloworld:v1"}`;

  it("a wrong registry password is refused at PUT time with InaccessibleImage", async () => {
    const credentials = [{ server: loginServer, username: "11111111-1111-1111-1111-111111111111", password: "wrong" }];
    await rejectsWith(
      client.containerGroups.beginCreateOrUpdateAndWait(
        resourceGroup,
        uniqueName("badpull"),
        groupBody({ image, credentials }),
        poll,
      ),
      400,
      "InaccessibleImage",
    );
  });

  it("the pull principal's credentials from the vault deploy the private image", async () => {
    const secrets = new SecretClient(vaultUrl(), daemonCredential(), { disableChallengeResourceVerification: true });
    const username = (await secrets.getSecret("myregistry-pull-usr")).value;
    const password = (await secrets.getSecret("myregistry-pull-pwd")).value;
    const name = uniqueName("goodpull");
    const group = await client.containerGroups.beginCreateOrUpdateAndWait(
      resourceGroup,
      name,
      groupBody({ image, credentials: [{ server: loginServer, username, password }] }),
      poll,
    );
    try {
      assert.equal(group.provisioningState, "Succeeded");
      assert.deepEqual(group.imageRegistryCredentials, [{ server: loginServer, username }]);
      assert.ok(!JSON.stringify(group).includes(password));
    } finally {
      await client.containerGroups.beginDeleteAndWait(resourceGroup, name, poll);
    }
  });
});
