/**
 * The whole job except GitHub, end to end: the example GitOps repo (the seed stories), a real
 * registry on 127.0.0.1, sources → registry → strategy → editors, through runPlan and the CLI.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runPlan } from "../../src/pipeline/index.js";
import type { PlanResult, RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { planToJson } from "../../src/report/index.js";
import { checkoutExample, EXAMPLE_DIR, exampleRevision, seedExampleRegistry } from "../support/example-gitops.js";
import type { ExampleCheckout } from "../support/example-gitops.js";
import { startFakeKube } from "../support/fake-kube.js";
import { startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
/** A file that exists everywhere the tests run, and is not JSON. */
const README = fileURLToPath(new URL("../../README.md", import.meta.url));

let registry: TestRegistry;
let example: ExampleCheckout;
let seeded: ReadonlyMap<string, string>;

beforeAll(async () => {
  registry = await startRegistry();
  seeded = await seedExampleRegistry(registry.host);
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => {
  example = checkoutExample(registry.host);
  return () => {
    rmSync(example.dir, { recursive: true, force: true });
    rmSync(example.registriesFile, { force: true });
  };
});

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  return {
    repoDir: example.dir,
    appPaths: [join(example.dir, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(readFileSync(example.registriesFile, "utf8"), example.registriesFile) },
    concurrency: 4,
    write: false,
    ...overrides,
  };
}

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function exampleFile(file: string): string {
  return readFileSync(join(EXAMPLE_DIR, file), "utf8");
}

const EXPECTED = [
  {
    target: "argo-cd/argocdupdate/app",
    app: "argo-cd/argocdupdate",
    alias: "app",
    image: "ghcr.io/nginxinc/nginx-unprivileged",
    file: "argocdupdate/kustomization.yaml",
    kind: "kustomize",
    from: "1.27.0",
    to: "1.27.4",
    digest: null,
    strategy: "semver",
  },
  {
    target: "argocd/my-app-dev/my-image",
    app: "argocd/my-app-dev",
    alias: "my-image",
    image: "asia.gcr.io/some-gcp-project/some-image-name",
    file: "my-app/overlays/dev/kustomization.yaml",
    kind: "kustomize",
    from: "1d2e3f4",
    to: "9c0ffee",
    digest: null,
    strategy: "newest-build",
  },
  {
    target: "argocd/my-app-prod/my-image",
    app: "argocd/my-app-prod",
    alias: "my-image",
    image: "asia.gcr.io/some-gcp-project/some-image-name",
    file: "my-app/overlays/prod/kustomization.yaml",
    kind: "kustomize",
    from: "v1.3.0",
    to: "v1.4.0",
    digest: null,
    strategy: "semver",
  },
  {
    target: "argocd/web/web",
    app: "argocd/web",
    alias: "web",
    image: "ghcr.io/example-org/web",
    file: "charts/web/values-prod.yaml",
    kind: "helm",
    from: "2.3.1",
    to: "2.3.2",
    digest: null,
    strategy: "semver",
  },
  {
    target: "cleanup/busybox",
    app: "cleanup",
    alias: "busybox",
    image: "docker.io/library/busybox",
    file: "jobs/cleanup.yaml",
    kind: "manifest",
    from: "1.36.0",
    to: "1.36.1",
    digest: null,
    strategy: "semver",
  },
];

/** What the registry says of each new image: its digest, build date (EXAMPLE_TAGS) and source labels. */
function expectedUpdates(): ReadonlyArray<Record<string, unknown>> {
  const created: Record<string, string> = {
    "1.36.1": "2026-10-03T09:00:00.000Z",
    "1.27.4": "2026-10-15T09:00:00.000Z",
    "9c0ffee": "2026-10-09T09:00:00.000Z",
    "v1.4.0": "2026-10-10T09:00:00.000Z",
    "2.3.2": "2026-10-03T09:00:00.000Z",
  };
  return EXPECTED.map((update) => {
    const repository = update.image.split("/").slice(1).join("/");
    return {
      ...update,
      files: [update.file],
      imageDigest: seeded.get(`${repository}:${update.to}`),
      created: created[update.to],
      sourceUrl: `https://github.com/${repository}`,
      revision: exampleRevision(repository, update.to),
    };
  });
}

function sortedUpdates(result: PlanResult): ReadonlyArray<Record<string, unknown>> {
  return planToJson(result)
    .updates.map(({ reason: _reason, ...rest }) => rest)
    .sort((a, b) => `${a.app ?? ""}/${a.alias}`.localeCompare(`${b.app ?? ""}/${b.alias}`));
}

describe("plan over the example GitOps repo", () => {
  it("decides both seed stories, the Helm app and the repo-config target", async () => {
    const result = await runPlan(options());

    expect(sortedUpdates(result)).toEqual(expectedUpdates());
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.skipped).toEqual([
      {
        target: "argocd/billing/api",
        app: "argocd/billing",
        image: null,
        reason: "writes to example-org/billing-deploy, not to this checkout (example-org/gitops)",
      },
    ]);
    expect(result.written).toBe(false);
  });

  it("gives reasons a reviewer can check: constraint, filters, build date", async () => {
    const result = await runPlan(options());
    const reason = (app: string): string | undefined => result.updates.find((u) => u.app === app)?.reason;

    expect(reason("argo-cd/argocdupdate")).toBe("1.27.4: newest tag matching >=1.27.0 <1.28.0 of 16 tags");
    expect(reason("argocd/my-app-dev")).toBe(
      "9c0ffee: newest build (created 2026-10-09T09:00:00.000Z) of 3 tags allowed by regexp:^[0-9a-f]{5,40}$",
    );
    expect(reason("argocd/my-app-prod")).toBe("v1.4.0: newest semver tag of 8 tags; 1 ignored by ignore-tags");
    const dev = result.updates.find((u) => u.app === "argocd/my-app-dev");
    expect(dev?.created).toBe("2026-10-09T09:00:00.000Z");
    expect(dev?.sourceUrl).toBe("https://github.com/some-gcp-project/some-image-name");
  });

  it("looks each repository up once, however many targets share it", async () => {
    const result = await runPlan(options());

    // 4 repositories, one tags/list each (docker-registry 2.8 answers in one page); the
    // newest-build strategy's manifest + config for each of its 3 candidates (dev story); and the
    // new image of each other update, for the reviewer: busybox on Docker Hub (HEAD, manifest by
    // digest, config), nginx's index (index, linux/amd64 manifest, config), prod and web (manifest, config).
    expect(result.stats.images).toBe(4);
    expect(result.stats.registryRequests).toBe(4 + 3 * 2 + 3 + 3 + 2 + 2);
  });

  it("--write changes only the tag bytes, and a second --write changes nothing", async () => {
    const first = await runPlan(options({ write: true }));
    expect(first.changes.map((c) => c.file).sort()).toEqual([
      "argocdupdate/kustomization.yaml",
      "charts/web/values-prod.yaml",
      "jobs/cleanup.yaml",
      "my-app/overlays/dev/kustomization.yaml",
      "my-app/overlays/prod/kustomization.yaml",
    ]);
    const read = (file: string): string => readFileSync(join(example.dir, file), "utf8");
    expect(read("argocdupdate/kustomization.yaml")).toBe(
      exampleFile("argocdupdate/kustomization.yaml").replace('newTag: "1.27.0"', 'newTag: "1.27.4"'),
    );
    expect(read("my-app/overlays/dev/kustomization.yaml")).toBe(
      exampleFile("my-app/overlays/dev/kustomization.yaml").replace("newTag: 1d2e3f4 # built", "newTag: 9c0ffee # built"),
    );
    expect(read("charts/web/values-prod.yaml")).toBe(exampleFile("charts/web/values-prod.yaml").replace('tag: "2.3.1"', 'tag: "2.3.2"'));
    expect(read("jobs/cleanup.yaml")).toBe(exampleFile("jobs/cleanup.yaml").replace("busybox:1.36.0", "busybox:1.36.1"));
    expect(example.git("diff", "--numstat").trim().split("\n")).toHaveLength(5);
    const diff = example.git("diff");

    const second = await runPlan(options({ write: true }));
    expect(second.updates).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(second.upToDate.map((q) => q.current).sort()).toEqual(["1.27.4", "1.36.1", "2.3.2", "9c0ffee", "v1.4.0"]);
    expect(example.git("diff")).toBe(diff);
  });

  it.each([
    ["<app>, for an Application in Argo CD's namespace", {}, "my-app/overlays/dev/.argocd-source-my-app-dev.yaml"],
    [
      "<ns>_<app>, for an Application outside it (--argocd-namespace gitops)",
      { argocdNamespace: "gitops" },
      "my-app/overlays/dev/.argocd-source-argocd_my-app-dev.yaml",
    ],
  ])("edits an existing .argocd-source-%s instead of the kustomization it overrides", async (_name, extra, override) => {
    writeFileSync(join(example.dir, override), "kustomize:\n  images:\n  - asia.gcr.io/some-gcp-project/some-image-name:5a6b7c8\n");
    const result = await runPlan(options({ write: true, ...extra }));

    const dev = result.updates.find((u) => u.app === "argocd/my-app-dev");
    expect(dev).toMatchObject({ file: override, kind: "argocd-source", from: "5a6b7c8", to: "9c0ffee" });
    expect(readFileSync(join(example.dir, override), "utf8")).toBe(
      "kustomize:\n  images:\n  - asia.gcr.io/some-gcp-project/some-image-name:9c0ffee\n",
    );
    expect(readFileSync(join(example.dir, "my-app/overlays/dev/kustomization.yaml"), "utf8")).toBe(
      exampleFile("my-app/overlays/dev/kustomization.yaml"),
    );
  });

  it("goes on past broken targets and reports each with what to fix", async () => {
    writeFileSync(
      join(example.dir, "apps", "broken.yaml"),
      [
        "apiVersion: argoproj.io/v1alpha1",
        "kind: Application",
        "metadata:",
        "  name: broken",
        "  namespace: argocd",
        "  annotations:",
        "    argocd-image-updater.argoproj.io/image-list: api=ghcr.io/example-org/web",
        "    argocd-image-updater.argoproj.io/write-back-method: git",
        "spec:",
        "  source:",
        "    repoURL: https://github.com/example-org/gitops.git",
        "    path: does/not/exist",
        "    kustomize: {}",
        "  destination: { namespace: x }",
        "",
      ].join("\n"),
    );
    const result = await runPlan(options());

    expect(sortedUpdates(result)).toEqual(expectedUpdates());
    expect(result.errors).toEqual([
      {
        target: "argocd/broken/api",
        app: "argocd/broken",
        image: "ghcr.io/example-org/web",
        file: "does/not/exist",
        message:
          "file \"does/not/exist\" does not exist in the repository (check the Application's source path and write-back-target, or the repo config's path)",
      },
    ]);
  });

  it("reports a registry that cannot be reached as a failure of its images, never as 'no newer tag'", async () => {
    const conf = readFileSync(example.registriesFile, "utf8").replace(
      /(prefix: ghcr\.io\n\s+api_url: )http:\/\/[0-9.:]+/,
      "$1http://127.0.0.1:9",
    );
    const result = await runPlan(
      options({
        registry: {
          config: parseRegistriesConfig(conf, "registries.conf"),
          retries: 1,
          backoff: { baseMs: 5, capMs: 10 },
        },
      }),
    );

    expect(result.updates.map((u) => u.app ?? "(repo config)").sort()).toEqual(["argocd/my-app-dev", "argocd/my-app-prod", "cleanup"]);
    expect(result.upToDate).toEqual([]);
    expect(result.errors.map((e) => [e.app, e.image]).sort()).toEqual([
      ["argo-cd/argocdupdate", "ghcr.io/nginxinc/nginx-unprivileged"],
      ["argocd/web", "ghcr.io/example-org/web"],
    ]);
    for (const error of result.errors) expect(error.message).toMatch(/ghcr\.io|127\.0\.0\.1:9/);
  });
});

describe("plan from the cluster", () => {
  it("plans the same from the Kubernetes API as from the manifests in git", async () => {
    const docs = readdirSync(join(EXAMPLE_DIR, "apps"))
      .flatMap((name) => parseAllDocuments(readFileSync(join(EXAMPLE_DIR, "apps", name), "utf8")))
      .map((doc) => doc.toJS() as Record<string, unknown>);
    const kube = await startFakeKube([
      {
        group: "argoproj.io",
        version: "v1alpha1",
        plural: "applications",
        kind: "Application",
        items: docs.filter((d) => d["kind"] === "Application"),
      },
      {
        group: "argocd-image-updater.argoproj.io",
        version: "v1alpha1",
        plural: "imageupdaters",
        kind: "ImageUpdater",
        items: docs.filter((d) => d["kind"] === "ImageUpdater"),
      },
    ]);
    try {
      const result = await runPlan(options({ appPaths: [], cluster: { kubeconfig: kube.kubeconfig } }));

      expect(sortedUpdates(result)).toEqual(expectedUpdates());
      expect(result.errors).toEqual([]);
      expect(kube.unexpected()).toEqual([]);
    } finally {
      await kube.close();
    }
  });
});

describe("argocd-image-pr plan (the CLI)", () => {
  it("prints JSON in the documented shape and exits 0", () => {
    const run = cli([
      "plan",
      "--repo",
      example.dir,
      "--apps",
      join(example.dir, "apps"),
      "--registries",
      example.registriesFile,
      "--format",
      "json",
    ]);

    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(["errors", "skipped", "stats", "updates", "warnings"]);
    const updates = json["updates"] as Array<Record<string, unknown>>;
    expect(updates).toHaveLength(5);
    for (const update of updates) {
      expect(Object.keys(update).sort()).toEqual(
        [
          "alias",
          "app",
          "created",
          "digest",
          "file",
          "files",
          "from",
          "image",
          "imageDigest",
          "kind",
          "reason",
          "revision",
          "sourceUrl",
          "strategy",
          "target",
          "to",
        ].sort(),
      );
    }
    expect(updates.map((update) => update["target"]).sort()).toEqual([
      "argo-cd/argocdupdate/app",
      "argocd/my-app-dev/my-image",
      "argocd/my-app-prod/my-image",
      "argocd/web/web",
      "cleanup/busybox",
    ]);
    expect(json["skipped"]).toEqual([expect.objectContaining({ target: "argocd/billing/api", app: "argocd/billing" })]);
    expect(Object.keys(json["stats"] as object).sort()).toEqual([
      "cachedTagDetails",
      "durationMs",
      "images",
      "registryRequests",
      "targets",
    ]);
  });

  it("prints a table for people, grouped by app", () => {
    const run = cli(["plan", "--repo", example.dir, "--apps", join(example.dir, "apps"), "--registries", example.registriesFile]);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain("argocdupdate\n  app  ghcr.io/nginxinc/nginx-unprivileged  1.27.0 → 1.27.4\n");
    expect(run.stdout).toContain("Skipped\n  argocd/billing  writes to example-org/billing-deploy");
    expect(run.stdout).toMatch(
      /5 updates, 0 up to date, 1 skipped, 0 warnings, 0 errors — 5 targets, 4 images, 20 registry requests, \d+ ms\n$/,
    );
  });

  it("exits 1 when a target failed, still planning the rest", () => {
    writeFileSync(join(example.dir, "charts/web/values-prod.yaml"), "image: [unclosed\n");
    const run = cli([
      "plan",
      "--repo",
      example.dir,
      "--apps",
      join(example.dir, "apps"),
      "--registries",
      example.registriesFile,
      "--format",
      "json",
    ]);

    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { updates: unknown[]; errors: Array<{ app: string; file: string }> };
    expect(json.updates).toHaveLength(4);
    expect(json.errors.map((e) => [e.app, e.file])).toEqual([["argocd/web", "charts/web/values-prod.yaml"]]);
  });

  it.each([
    [["--format", "xml"], 'expected "table" or "json"'],
    [["--repo", "/nonexistent/gitops"], '"/nonexistent/gitops" is not a directory'],
    [["--concurrency", "0"], "expected a whole number from 1 to 256"],
    [["--registries", "/nonexistent/registries.conf"], 'cannot read --registries file "/nonexistent/registries.conf"'],
    [["--docker-config", README], `${README}: not valid JSON`],
  ])("exits 2 on bad usage: %j", (args, message) => {
    const run = cli(["plan", ...args]);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe("");
  });
});
