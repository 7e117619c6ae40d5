/**
 * evaluateTargets: one outcome per target, each update with its own edit, re-applicable to any
 * base text; composed per file only by plan/'s composeChanges.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateTargets, gatherTargets, openWorkspace } from "../../src/pipeline/index.js";
import type { GatherOptions, TargetOutcome } from "../../src/pipeline/index.js";
import { applyTargetEdit, composeChanges } from "../../src/plan/index.js";
import { createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
import type { RegistryClient } from "../../src/registry/index.js";
import { checkoutExample, seedExampleRegistry } from "../support/example-gitops.js";
import type { ExampleCheckout } from "../support/example-gitops.js";
import { startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let example: ExampleCheckout;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startRegistry();
  await seedExampleRegistry(registry.host);
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => {
  example = checkoutExample(registry.host);
  client = createRegistryClient({ config: parseRegistriesConfig(readFileSync(example.registriesFile, "utf8"), example.registriesFile) });
  return async () => {
    await client.close();
    rmSync(example.dir, { recursive: true, force: true });
    rmSync(example.registriesFile, { force: true });
  };
});

function gather(): GatherOptions {
  return { appPaths: [join(example.dir, "apps")], configFile: null, cluster: null };
}

function byId(outcomes: readonly TargetOutcome[]): Record<string, string> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.target.id, outcome.kind]));
}

describe("evaluateTargets", () => {
  it("gives one outcome per target, by stable id: update, up to date, failed", async () => {
    writeFileSync(join(example.dir, "jobs/cleanup.yaml"), readFileSync(join(example.dir, "jobs/cleanup.yaml"), "utf8").replace("busybox:1.36.0", "busybox:1.36.1"));
    writeFileSync(
      join(example.dir, "apps", "broken.yaml"),
      [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Application",
        "metadata:",
        "  name: broken",
        "  namespace: team-a",
        "  annotations:",
        "    argocd-image-updater.argoproj.io/image-list: api=ghcr.io/example-org/web",
        "    argocd-image-updater.argoproj.io/write-back-method: git",
        "spec:",
        "  source: { repoURL: https://github.com/example-org/gitops.git, path: does/not/exist, kustomize: {} }",
        "",
      ].join("\n"),
    );
    const checkout = openWorkspace(example.dir);
    const input = await gatherTargets(gather(), checkout);

    const outcomes = await evaluateTargets(input, { reader: checkout, registry: client }, { concurrency: 2 });

    expect(outcomes.map((o) => o.target)).toEqual(input.targets);
    expect(byId(outcomes)).toEqual({
      "cleanup/busybox": "up-to-date",
      "argo-cd/argocdupdate/app": "update",
      "argocd/my-app-dev/my-image": "update",
      "argocd/my-app-prod/my-image": "update",
      "argocd/web/web": "update",
      "team-a/broken/api": "failed",
    });
    const failed = outcomes.find((o) => o.kind === "failed");
    expect(failed?.kind === "failed" && failed.problems.map((p) => [p.target, p.file])).toEqual([["team-a/broken/api", "does/not/exist"]]);
    // Nothing was written: the engine only reads.
    expect(example.git("status", "--porcelain", "--", "argocdupdate", "my-app", "charts")).toBe("");
  });

  it("hands each update its own edit, which applies to a base text that moved since", async () => {
    const checkout = openWorkspace(example.dir);
    const outcomes = await evaluateTargets(await gatherTargets(gather(), checkout), { reader: checkout, registry: client }, { concurrency: 2 });
    const nginx = outcomes.find((o) => o.target.id === "argo-cd/argocdupdate/app");
    if (nginx?.kind !== "update") throw new Error(`expected an update, got ${nginx?.kind ?? "nothing"}`);

    expect(nginx.edit).toMatchObject({ file: "argocdupdate/kustomization.yaml", kind: "kustomize", tag: "1.27.4", digest: null });
    const base = `# reorganised on the base branch\n${readFileSync(join(example.dir, "argocdupdate/kustomization.yaml"), "utf8")}`;
    expect(applyTargetEdit(base, nginx.edit)).toBe(base.replace('newTag: "1.27.0"', 'newTag: "1.27.4"'));

    // One PR's outcomes composed over the base branch's texts, not the checkout's.
    const composed = await composeChanges([nginx], { read: (file) => Promise.resolve(file === nginx.edit.file ? base : null) });
    expect(composed.changes).toEqual([{ file: nginx.edit.file, before: base, after: base.replace('newTag: "1.27.0"', 'newTag: "1.27.4"') }]);
  });
});
