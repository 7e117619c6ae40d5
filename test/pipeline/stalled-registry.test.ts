/**
 * A pass with one registry that never answers: that image fails within the deadline with a
 * message naming the host, and every other target is planned. A real registry for the healthy
 * images, a fault server on 127.0.0.1 for the stalled one.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { startFaultServer, type FaultServer } from "../support/fault-server.js";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let stalled: FaultServer;
let repo: string;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ["1.27.3", "1.27.4"])
    await pushImage(registry.host, "web/nginx", tag, { created: "2026-10-01T00:00:00Z", format: "oci" });
  stalled = await startFaultServer({ tags: [], always: { kind: "headers-only" } });
  repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-stalled-"));
  execFileSync("git", ["init", "-q", repo]);
});

afterAll(async () => {
  await registry.stop();
  await stalled.stop();
  rmSync(repo, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

const pod = (name: string, image: string): string =>
  `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name} }\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;

describe("a registry that sends headers and then nothing", () => {
  it("fails its images within the deadline, naming the host, and the pass goes on", { timeout: 20_000 }, async () => {
    const targets = ["one", "two", "three"]
      .map((name) => `  - { name: stalled-${name}, file: ${name}.yaml, image: ${stalled.host}/team/${name} }\n`)
      .join("");
    write(".github/argocd-image-pr.yml", `targets:\n${targets}  - { name: web, file: web.yaml, image: registry.example/web/nginx }\n`);
    for (const name of ["one", "two", "three"]) write(`${name}.yaml`, pod(name, `${stalled.host}/team/${name}:1.0.0`));
    write("web.yaml", pod("web", "registry.example/web/nginx:1.27.3"));
    const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
    const started = Date.now();

    const result = await runPlan({
      repoDir: repo,
      appPaths: [],
      configFile: null,
      cluster: null,
      registry: { config: parseRegistriesConfig(conf, "registries.conf"), timeoutMs: 500 },
      concurrency: 4,
      write: false,
    });

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.updates.map((u) => [u.file, u.to])).toEqual([["web.yaml", "1.27.4"]]);
    expect(result.errors).toHaveLength(3);
    for (const error of result.errors)
      expect(error.message).toMatch(
        new RegExp(`${stalled.host.replace(/\./g, "\\.")} (sent the headers, then no body within 0\\.5 s|stalled earlier in this pass)`),
      );
    // one deadline for the host, not one per image and retry
    expect(stalled.requests.length).toBeLessThanOrEqual(3);
  });
});
