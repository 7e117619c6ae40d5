/**
 * The engine under people's decisions: evaluateTargets with per-target constraints (a pin, a hold
 * after a rollback, refused tags) and the repo config's `pins:`, against a real local registry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateTargets, gatherTargets } from "../../src/pipeline/index.js";
import type { TargetOutcome } from "../../src/pipeline/index.js";
import { createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
import type { RegistryClient } from "../../src/registry/index.js";
import type { TargetConstraints } from "../../src/strategy/index.js";
import { memoryRepo } from "../support/memory-repo.js";
import { pushManyTags, startRegistry, type TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  await pushManyTags(registry.host, "acme/web", ["1.0.0", "1.1.0", "1.2.0", "2.0.0"], { created: "2026-01-01T00:00:00Z", format: "oci" });
  client = createRegistryClient({
    config: parseRegistriesConfig(
      `registries:\n  - name: local\n    prefix: ghcr.io\n    api_url: http://${registry.host}\n`,
      "registries.conf",
    ),
  });
});

afterAll(async () => {
  await client.close();
  await registry.stop();
});

function repo(pins = ""): ReturnType<typeof memoryRepo> {
  return memoryRepo({
    ".github/argocd-image-pr.yml": `targets:\n  - name: web\n    file: values.yaml\n    image: ghcr.io/acme/web\n    helm: { imageTag: image.tag }\n${pins}`,
    "values.yaml": "image:\n  tag: 1.1.0 # deployed\n",
  });
}

async function evaluate(reader: ReturnType<typeof memoryRepo>, constraints?: ReadonlyMap<string, TargetConstraints>): Promise<string> {
  const input = await gatherTargets({ cluster: null }, { reader, originUrl: "https://github.com/acme/gitops" });
  expect(input.targets.map((t) => t.id)).toEqual(["web/web"]);
  const [outcome] = await evaluateTargets(
    input,
    { reader, registry: client },
    { concurrency: 2, ...(constraints === undefined ? {} : { constraints }) },
  );
  return describe1(outcome);
}

function describe1(outcome: TargetOutcome | undefined): string {
  switch (outcome?.kind) {
    case "update":
      return `update ${outcome.update.from ?? ""} → ${outcome.update.to}: ${outcome.update.reason}`;
    case "up-to-date":
      return `up-to-date: ${outcome.quiet.reason}`;
    case "failed":
      return `failed: ${outcome.problems.map((p) => p.message).join("; ")}`;
    case "skipped":
      return `skipped: ${outcome.skip.reason}`;
    case undefined:
      return "none";
  }
}

describe("evaluateTargets with constraints", () => {
  it.each<[string, TargetConstraints | undefined, string]>([
    ["no constraints: the newest", undefined, "update 1.1.0 → 2.0.0: 2.0.0: newest semver tag of 4 tags"],
    [
      "a pin on an older tag: exactly it",
      { pin: { tag: "1.0.0", source: "/pin by @alice" } },
      "update 1.1.0 → 1.0.0: 1.0.0: pinned (/pin by @alice)",
    ],
    [
      "a pin on the deployed tag: nothing",
      { pin: { tag: "1.1.0", source: "/pin by @alice" } },
      "up-to-date: 1.1.0: pinned (/pin by @alice)",
    ],
    [
      "a refused tag is skipped for the next",
      { refused: ["2.0.0"] },
      "update 1.1.0 → 1.2.0: 1.2.0: newest semver tag of 4 tags; 1 refused (an update PR closed unmerged)",
    ],
    ["a hold above the newest: nothing", { above: "2.0.0" }, "up-to-date: no newest semver tag of 4 tags; 4 held back after a rollback"],
    [
      "frozen: nothing",
      { frozen: { reason: "rolled back from 2.0.0 in #4, until /unpin" } },
      "up-to-date: 1.1.0: held (rolled back from 2.0.0 in #4, until /unpin)",
    ],
    [
      "a hold above 1.2.0: 2.0.0",
      { above: "1.2.0" },
      "update 1.1.0 → 2.0.0: 2.0.0: newest semver tag of 4 tags; 3 held back after a rollback",
    ],
    [
      "/rollback while the file holds the rolled-back tag: exactly the restore tag",
      { above: "1.1.0", restore: { tag: "1.0.0", above: "1.1.0", pr: 4, source: "/rollback by @alice" } },
      "update 1.1.0 → 1.0.0: 1.0.0: rolled back to (/rollback by @alice)",
    ],
    [
      "/rollback once the file moved off it: the plain hold",
      { above: "1.0.0", restore: { tag: "0.9.0", above: "1.0.0", pr: 4, source: "/rollback by @alice" } },
      "update 1.1.0 → 2.0.0: 2.0.0: newest semver tag of 4 tags; 1 held back after a rollback",
    ],
    [
      "/rollback whose restore tag was refused: the plain hold, nothing",
      {
        above: "1.1.0",
        refused: ["1.0.0"],
        frozen: { reason: "rolled back from 1.1.0, held until /unpin" },
        restore: { tag: "1.0.0", above: "1.1.0", pr: 4, source: "/rollback by @alice" },
      },
      "up-to-date: 1.1.0: held (rolled back from 1.1.0, held until /unpin)",
    ],
  ])("%s", async (_name, constraints, expected) => {
    expect(await evaluate(repo(), constraints === undefined ? undefined : new Map([["web/web", constraints]]))).toBe(expected);
  });

  it("a pin on a tag the registry does not have fails the target, naming the pin and the fix", async () => {
    expect(await evaluate(repo(), new Map([["web/web", { pin: { tag: "9.9.9", source: "/pin by @alice" } }]]))).toBe(
      'failed: .github/argocd-image-pr.yml targets[0] (web): pinned tag "9.9.9" (/pin by @alice) is not in the registry (pin a tag the registry lists, or lift the pin (/unpin, or remove it from the repo config))',
    );
  });

  it("constraints for another id change nothing", async () => {
    expect(await evaluate(repo(), new Map([["other/web", { pin: { tag: "1.0.0", source: "x" } }]]))).toBe(
      "update 1.1.0 → 2.0.0: 2.0.0: newest semver tag of 4 tags",
    );
  });

  it("the repo config's pins: apply in plan, and the edit sets exactly the pinned tag", async () => {
    const reader = repo('    pins: [{ tag: "1.0.0", reason: "1.1 leaks memory" }]\n');
    const input = await gatherTargets({ cluster: null }, { reader, originUrl: "https://github.com/acme/gitops" });
    expect(input.problems).toEqual([]);
    const outcomes = await evaluateTargets(input, { reader, registry: client }, { concurrency: 2 });
    expect(describe1(outcomes[0])).toBe(
      "update 1.1.0 → 1.0.0: 1.0.0: pinned (.github/argocd-image-pr.yml targets[0] (web): 1.1 leaks memory)",
    );
    expect(outcomes[0]?.kind === "update" && outcomes[0].edits[0]).toMatchObject({ file: "values.yaml", tag: "1.0.0", digest: null });
  });

  it("/rollback's restore in a file that pins a digest sets the tag and its digest, and says it rolls back", async () => {
    const reader = memoryRepo({
      ".github/argocd-image-pr.yml":
        "targets:\n  - name: web\n    file: values.yaml\n    image: ghcr.io/acme/web\n    helm: { imageTag: image.tag }\n",
      "values.yaml": `image:\n  tag: 1.1.0@sha256:${"a".repeat(64)}\n`,
    });
    const input = await gatherTargets({ cluster: null }, { reader, originUrl: "https://github.com/acme/gitops" });
    const restore = {
      tag: "1.0.0",
      above: "1.1.0",
      pr: 4,
      source: "/rollback by @alice",
      link: "https://github.com/acme/gitops/pull/4#issuecomment-1",
    };
    const [outcome] = await evaluateTargets(
      input,
      { reader, registry: client },
      { concurrency: 2, constraints: new Map([["web/web", { above: "1.1.0", restore }]]) },
    );
    expect(outcome?.kind).toBe("update");
    if (outcome?.kind !== "update") return;
    expect(outcome.update).toMatchObject({ from: "1.1.0", to: "1.0.0", digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(outcome.update.digest).not.toBe(`sha256:${"a".repeat(64)}`);
    expect(outcome.update.intent).toEqual({ kind: "rollback", source: "/rollback by @alice", link: restore.link, reverts: 4 });
  });

  it("a pin given by the caller wins over the repo config's", async () => {
    const reader = repo('    pins: [{ tag: "1.0.0" }]\n');
    expect(await evaluate(reader, new Map([["web/web", { pin: { tag: "1.2.0", source: "/pin by @bob" } }]]))).toBe(
      "update 1.1.0 → 1.2.0: 1.2.0: pinned (/pin by @bob)",
    );
  });
});
