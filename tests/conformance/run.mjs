// Starts azure-emulator on a free port with the demo seed in a fresh state
// directory, waits for it to print its port and CA path, then runs every
// *.test.mjs here with `node --test`, the emulator's CA trusted through
// NODE_EXTRA_CA_CERTS. Start-up may take up to 120 s, since fresh RSA keys on a
// loaded machine are slow (CONFORMANCE_STARTUP_TIMEOUT_MS overrides). The
// emulator is stopped and its directory removed on every exit path.
// Usage: node run.mjs <azure-emulator> [test-name-substring...]

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const startupTimeoutMs = Number(process.env.CONFORMANCE_STARTUP_TIMEOUT_MS ?? 120000);

function fail(message) {
  console.error(`conformance: ${message}`);
  process.exit(1);
}

const [emulatorArg, ...filters] = process.argv.slice(2);
if (!emulatorArg) fail("usage: node run.mjs <azure-emulator> [test filter...]");
const emulatorBin = resolve(emulatorArg);
if (!existsSync(emulatorBin)) fail(`no emulator binary at ${emulatorBin}`);
const seed = resolve(process.env.CONFORMANCE_SEED ?? join(repo, "config", "emulator-demo.yaml"));
if (!existsSync(seed)) fail(`no seed file at ${seed}`);

const stateDir = mkdtempSync(join(tmpdir(), "aci-conformance-"));
const args = ["--seed", seed, "--port", "0", "--state-dir", stateDir];
console.error(`conformance: starting ${emulatorBin} ${args.join(" ")}`);
const emulator = spawn(emulatorBin, args, { stdio: ["ignore", "pipe", "pipe"] });
let emulatorOutput = "";
let emulatorExited = null;
emulator.on("exit", (code, signal) => {
  emulatorExited = { code, signal };
});

let cleanedUp = false;
async function cleanup() {
  if (cleanedUp) return;
  cleanedUp = true;
  if (emulatorExited === null) {
    emulator.kill("SIGTERM");
    const stopped = await Promise.race([
      new Promise((done) => emulator.once("exit", () => done(true))),
      new Promise((done) => setTimeout(() => done(false), 5000)),
    ]);
    if (!stopped) emulator.kill("SIGKILL");
  }
  rmSync(stateDir, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await cleanup();
    process.exit(130);
  });
}

// The emulator's start-up lines: accept "port 1234", "port=1234", "port: 1234",
// a JSON log field "port":1234 or an https://127.0.0.1:1234 URL; and the CA as
// "ca=/path", "CA: /path", "ca_path":"/path" or any absolute *.pem/*.crt path
// with "ca" in its name.
function findPort(text) {
  const patterns = [
    /"port"\s*:\s*"?(\d{2,5})/i,
    /\bport\b\s*[:=]?\s*(\d{2,5})\b/i,
    /https:\/\/(?:127\.0\.0\.1|localhost|\[::1\]):(\d{2,5})\b/i,
  ];
  for (const pattern of patterns) {
    const match = text.match(pattern);
    if (match && Number(match[1]) > 0) return Number(match[1]);
  }
  return null;
}

function findCa(text) {
  const patterns = [
    /"ca(?:_?path|_?file|_?cert(?:ificate)?|Path|File|Cert)?"\s*:\s*"([^"]+)"/i,
    /\bca(?:[ _-]?(?:path|file|cert(?:ificate)?|bundle))?\b\s*[:=]\s*"?(\/[^\s",]+)/i,
    /(\/[^\s",]*ca[^\s",/]*\.(?:pem|crt))/i,
  ];
  for (const pattern of patterns) {
    const match = text.match(pattern);
    if (match && existsSync(match[1])) return match[1];
  }
  return null;
}

// Last resort for the CA: a PEM in the state directory whose name says CA.
function caInStateDir() {
  const stack = [stateDir];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) stack.push(path);
      else if (/ca.*\.(pem|crt)$/i.test(entry)) return path;
    }
  }
  return null;
}

async function waitForStartup() {
  const deadline = Date.now() + startupTimeoutMs;
  const onData = (chunk) => {
    emulatorOutput += chunk.toString();
    if (process.env.CONFORMANCE_VERBOSE) process.stderr.write(chunk);
  };
  emulator.stdout.on("data", onData);
  emulator.stderr.on("data", onData);
  while (Date.now() < deadline) {
    if (emulatorExited !== null) {
      throw new Error(`the emulator exited early (${JSON.stringify(emulatorExited)}):\n${emulatorOutput}`);
    }
    const port = findPort(emulatorOutput);
    const ca = findCa(emulatorOutput) ?? (port ? caInStateDir() : null);
    if (port && ca) return { port, ca };
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`the emulator did not print its port and CA path within ${startupTimeoutMs} ms:\n${emulatorOutput}`);
}

function testFiles() {
  const all = readdirSync(here)
    .filter((name) => name.endsWith(".test.mjs"))
    .sort();
  const chosen = filters.length === 0 ? all : all.filter((name) => filters.some((f) => name.includes(f)));
  if (chosen.length === 0) throw new Error(`no test files match ${JSON.stringify(filters)}`);
  return chosen.map((name) => join(here, name));
}

let exitCode = 1;
try {
  const { port, ca } = await waitForStartup();
  const url = `https://127.0.0.1:${port}`;
  console.error(`conformance: emulator at ${url}, CA ${ca}`);
  const files = testFiles();
  const child = spawn(process.execPath, ["--test", "--test-concurrency=1", ...files], {
    stdio: "inherit",
    cwd: here,
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: ca,
      EMULATOR_URL: url,
      EMULATOR_PORT: String(port),
      EMULATOR_CA: ca,
      EMULATOR_SEED: seed,
      EMULATOR_STATE_DIR: stateDir,
      // The SDKs must reach the emulator directly, never through a proxy.
      NO_PROXY: "127.0.0.1,localhost",
      no_proxy: "127.0.0.1,localhost",
    },
  });
  exitCode = await new Promise((done) => child.on("exit", (code, signal) => done(code ?? (signal ? 1 : 0))));
  if (emulatorExited !== null) {
    console.error(`conformance: the emulator died during the tests (${JSON.stringify(emulatorExited)}):`);
    console.error(emulatorOutput);
    exitCode = exitCode || 1;
  } else if (exitCode !== 0) {
    console.error("conformance: emulator output follows\n" + emulatorOutput.slice(-20000));
  }
} catch (error) {
  console.error(`conformance: ${error.message}`);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
