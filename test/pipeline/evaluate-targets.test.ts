/**
 * evaluateTargets: one outcome per target, each update with its own edit, re-applicable to any
 * base text; composed per file only by plan/'s composeChanges.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { evaluateTargets, gatherOptionsFor, gatherTargets, openCheckout, runPlan } from "../../src/pipeline/index.js";
import type { GatherOptions, TargetOutcome } from "../../src/pipeline/index.js";
import { applyTargetEdit, composeChanges } from "../../src/plan/index.js";
import { createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
import type { RegistryClient } from "../../src/registry/index.js";
import { checkoutExample, EXAMPLE_ORIGIN, seedExampleRegistry } from "../support/example-gitops.js";
import { memoryRepo, memoryRepoFromDir } from "../support/memory-repo.js";
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
  return { applicationPaths: ["apps"], cluster: null };
}

function byId(outcomes: readonly TargetOutcome[]): Record<string, string> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome.target.id, outcome.kind]));
}

describe("evaluateTargets", () => {
  it("gives one outcome per target, by stable id: update, up to date, failed", async () => {
    writeFileSync(
      join(example.dir, "jobs/cleanup.yaml"),
      readFileSync(join(example.dir, "jobs/cleanup.yaml"), "utf8").replace("busybox:1.36.0", "busybox:1.36.1"),
    );
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
    const checkout = openCheckout(example.dir);
    const input = await gatherTargets(gather(), { reader: checkout, originUrl: await checkout.originUrl() });

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
    const checkout = openCheckout(example.dir);
    const outcomes = await evaluateTargets(
      await gatherTargets(gather(), { reader: checkout, originUrl: await checkout.originUrl() }),
      { reader: checkout, registry: client },
      { concurrency: 2 },
    );
    const nginx = outcomes.find((o) => o.target.id === "argo-cd/argocdupdate/app");
    if (nginx?.kind !== "update") throw new Error(`expected an update, got ${nginx?.kind ?? "nothing"}`);

    expect(nginx.edits).toMatchObject([{ file: "argocdupdate/kustomization.yaml", kind: "kustomize", tag: "1.27.4", digest: null }]);
    const base = `# reorganised on the base branch\n${readFileSync(join(example.dir, "argocdupdate/kustomization.yaml"), "utf8")}`;
    expect(applyTargetEdit(base, nginx.edits[0]!)).toBe(base.replace('newTag: "1.27.0"', 'newTag: "1.27.4"'));

    // One PR's outcomes composed over the base branch's texts, not the checkout's.
    const composed = await composeChanges([nginx], { read: (file) => Promise.resolve(file === nginx.edits[0]!.file ? base : null) });
    expect(composed.changes).toEqual([
      { file: nginx.edits[0]!.file, before: base, after: base.replace('newTag: "1.27.0"', 'newTag: "1.27.4"') },
    ]);
  });
});

describe("the whole pass over a RepoReader", () => {
  it("plans the same over an in-memory map of the repository (a commit's tree) as runPlan over the checkout", async () => {
    const commit = memoryRepoFromDir(example.dir);

    const input = await gatherTargets({ applicationPaths: ["apps"], cluster: null }, { reader: commit, originUrl: EXAMPLE_ORIGIN });
    const outcomes = await evaluateTargets(input, { reader: commit, registry: client }, { concurrency: 2 });
    const composed = await composeChanges(outcomes, commit);
    const fromCheckout = await runPlan({
      repoDir: example.dir,
      appPaths: [join(example.dir, "apps")],
      configFile: null,
      cluster: null,
      registry: { config: parseRegistriesConfig(readFileSync(example.registriesFile, "utf8"), example.registriesFile) },
      concurrency: 2,
      write: false,
    });

    expect(composed.updates).toHaveLength(5);
    expect(composed.updates).toEqual(fromCheckout.updates);
    expect(composed.changes).toEqual(fromCheckout.changes);
    expect(composed.problems).toEqual([]);
    expect(input.skipped).toEqual(fromCheckout.skipped);
    expect(outcomes.filter((o) => o.kind === "up-to-date").map((o) => o.target.id)).toEqual(fromCheckout.upToDate.map((q) => q.targetId));
    // The repo config and the Application manifests came through the reader, not the disk.
    expect(commit.reads).toContain(".github/argocd-image-pr.yml");
    expect(commit.reads).toContain("apps/argocdupdate.yaml");
  });

  it("reads Application manifests and the repo config named by repo paths, and says which path is missing", async () => {
    const commit = memoryRepo({
      "config/image-pr.yml": "version: 1\ntargets: []\n",
      "apps/web.yaml": readFileSync(join(example.dir, "apps/web.yaml"), "utf8"),
    });

    const input = await gatherTargets(
      { repoConfig: { path: "config/image-pr.yml" }, applicationPaths: ["apps", "nope"], cluster: null },
      { reader: commit, originUrl: EXAMPLE_ORIGIN },
    );

    expect(input.targets.map((t) => t.id)).toEqual([]);
    expect(input.problems).toEqual([
      {
        app: null,
        image: null,
        file: "nope",
        message: 'cannot read "nope": there is no such file or directory in the repository; check the path',
      },
    ]);
    expect(input.skipped).toEqual([
      { target: null, app: "argocd/web", image: null, reason: expect.stringContaining("no ImageUpdater selects it") },
    ]);
    await expect(
      gatherTargets({ repoConfig: { path: "missing.yml" }, cluster: null }, { reader: commit, originUrl: null }),
    ).rejects.toThrow(ConfigError);
  });
});

describe("on GitHub Enterprise Server (GHE_HOST)", () => {
  const app = (repoURL: string): string =>
    [
      "apiVersion: argoproj.io/v1alpha1",
      "kind: Application",
      "metadata:",
      "  name: web-dev",
      "  namespace: argocd",
      "  annotations:",
      "    argocd-image-updater.argoproj.io/image-list: web=ghcr.io/acme/web:~1.27",
      "    argocd-image-updater.argoproj.io/write-back-method: git",
      "spec:",
      `  source: { repoURL: ${repoURL}, path: overlays/dev }`,
      "",
    ].join("\n");
  const files = (repoURL: string) =>
    memoryRepo({
      "apps/web-dev.yaml": app(repoURL),
      "overlays/dev/kustomization.yaml": "resources: [deploy.yaml]\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.27.0\n",
      "overlays/dev/deploy.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.27.0\n",
    });
  const origin = "https://ghe.corp.example/acme/gitops";

  it("an Application whose repoURL is on the GHES host is the repository's target", async () => {
    for (const repoURL of ["https://ghe.corp.example/acme/gitops.git", "git@ghe.corp.example:acme/gitops.git"]) {
      const input = await gatherTargets(
        { applicationPaths: ["apps"], cluster: null, gitHubHosts: ["ghe.corp.example"] },
        { reader: files(repoURL), originUrl: origin },
      );
      expect(input.problems).toEqual([]);
      expect(input.targets.map((t) => [t.id, t.git.repo])).toEqual([["argocd/web-dev/web", { owner: "acme", name: "gitops" }]]);
    }
  });

  it("without the host, it is no GitHub repository, and the message says to set GHE_HOST", async () => {
    const input = await gatherTargets({ applicationPaths: ["apps"], cluster: null }, { reader: files(`${origin}.git`), originUrl: origin });
    expect(input.targets).toEqual([]);
    expect(input.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("or for GitHub Enterprise Server set GHE_HOST to its host"),
    ]);
  });
});

describe("gatherOptionsFor (the CLI's paths)", () => {
  it("reads what lies in the checkout through it, and --apps / --config elsewhere from disk", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "argocd-image-pr-elsewhere-"));
    try {
      writeFileSync(join(elsewhere, "config.yml"), "targets: []\n");
      const inside = await gatherOptionsFor({
        repoDir: example.dir,
        appPaths: [join(example.dir, "apps"), elsewhere],
        configFile: join(example.dir, ".github/argocd-image-pr.yml"),
        cluster: null,
        registry: {},
        concurrency: 1,
        write: false,
      });
      expect(inside).toMatchObject({
        repoConfig: { path: ".github/argocd-image-pr.yml" },
        applicationPaths: ["apps"],
        applicationsOnDisk: { paths: [elsewhere], root: example.dir },
      });

      const outside = await gatherOptionsFor({
        repoDir: example.dir,
        appPaths: [example.dir],
        configFile: join(elsewhere, "config.yml"),
        cluster: null,
        registry: {},
        concurrency: 1,
        write: false,
      });
      expect(outside).toMatchObject({
        repoConfig: { file: join(elsewhere, "config.yml"), text: "targets: []\n" },
        applicationPaths: ["."],
      });
      await expect(
        gatherOptionsFor({
          repoDir: example.dir,
          appPaths: [],
          configFile: join(elsewhere, "nope.yml"),
          cluster: null,
          registry: {},
          concurrency: 1,
          write: false,
        }),
      ).rejects.toThrow(/cannot read the repo config/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
