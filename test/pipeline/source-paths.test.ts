/**
 * An Application target edits only what the Application deploys from: its source paths (every
 * source in this repository), the kustomization stack they build from, its Helm valueFiles and its
 * `.argocd-source-…` file. A write-back target that leaves them is an error on that target naming
 * the file and the Application; nothing is written there, and the other targets are planned.
 * Against a real registry, through the whole pass.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { writeTree } from "../support/kustomize.js";
import { pushImage, startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ["1.0.0", "1.0.1"])
    await pushImage(registry.host, "team/web", tag, { created: "2026-10-01T00:00:00Z", format: "docker" });
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => () => rmSync(repo, { recursive: true, force: true }));

const IMAGES = "images:\n  - name: registry.example/team/web\n    newTag: 1.0.0\n";
const DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example/team/web:1.0.0\n";
const VALUES = "image:\n  repository: registry.example/team/web\n  tag: 1.0.0\n";

/** An Application `name` with git write-back, `target` as write-back-target (when given), and `spec` as its sources. */
function application(name: string, target: string | null, spec: string): string {
  return [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    `  name: ${name}`,
    "  namespace: argocd",
    "  annotations:",
    '    argocd-image-updater.argoproj.io/image-list: "web=registry.example/team/web:~1.0"',
    "    argocd-image-updater.argoproj.io/write-back-method: git",
    ...(target === null ? [] : [`    argocd-image-updater.argoproj.io/write-back-target: ${JSON.stringify(target)}`]),
    "spec:",
    spec,
    "",
  ].join("\n");
}

const kustomizeSource = (path: string): string =>
  `  source:\n    repoURL: https://github.com/o/gitops.git\n    path: ${path}\n    kustomize: {}`;

/** A checkout with a good Application (`good`, path good) next to `files`. */
function checkout(files: Record<string, string>): void {
  repo = writeTree(
    {
      "good/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
      "good/deployment.yaml": DEPLOYMENT,
      "apps/good.yaml": application("good", null, kustomizeSource("good")),
      ...files,
    },
    "argocd-image-pr-source-paths-",
  );
  execFileSync("git", ["init", "-q", repo]);
}

function options(): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return {
    repoDir: repo,
    appPaths: [join(repo, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf"), env: {} },
    concurrency: 2,
    write: true,
  };
}

const read = (file: string): string => readFileSync(join(repo, file), "utf8");

/** The overlay teams/shop/overlays/prod builds from teams/shop/base; another team's app sits beside them. */
const SHOP = {
  "teams/shop/overlays/prod/kustomization.yaml": "resources: [../../base]\n",
  "teams/shop/base/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
  "teams/shop/base/deployment.yaml": DEPLOYMENT,
  "other-team/app/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
  "other-team/app/deployment.yaml": DEPLOYMENT,
};

describe("a write-back target that leaves what the Application deploys from", () => {
  it.each([
    ["kustomization:../../../../other-team/app", "other-team/app/kustomization.yaml"],
    ["kustomization:/other-team/app", "other-team/app/kustomization.yaml"],
    ["helmvalues:/other-team/app/deployment.yaml", "other-team/app/deployment.yaml"],
  ])("%s is an error naming the file and the Application; nothing is written; the other targets are planned", async (target, file) => {
    checkout({ ...SHOP, "apps/shop.yaml": application("shop", target, kustomizeSource("teams/shop/overlays/prod")) });
    const before = read(file);

    const result = await runPlan(options());

    expect(result.errors.map((e) => [e.target, e.message])).toEqual([
      [
        "argocd/shop/web",
        `"${file}" is not among the files Application argocd/shop deploys from (its source path teams/shop/overlays/prod, the kustomization stack it builds from and its .argocd-source file), so argocd-image-pr does not edit it; nothing was written (point write-back-target at a file the Application deploys from, or add the directory to the Application's sources)`,
      ],
    ]);
    expect(read(file)).toBe(before);
    expect(result.updates.map((u) => [u.app, u.file, u.to])).toEqual([["argocd/good", "good/kustomization.yaml", "1.0.1"]]);
    expect(read("good/kustomization.yaml")).toContain("newTag: 1.0.1");
  });

  it("helmvalues:/.github/workflows/deploy.yml on a Helm app never gets image keys added", async () => {
    const workflow = "on: push\njobs: {}\n";
    checkout({
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "charts/web/values.yaml": VALUES,
      ".github/workflows/deploy.yml": workflow,
      "apps/web.yaml": application(
        "web",
        "helmvalues:/.github/workflows/deploy.yml",
        "  source:\n    repoURL: https://github.com/o/gitops.git\n    path: charts/web\n    helm:\n      valueFiles: [values.yaml]",
      ),
    });

    const result = await runPlan(options());

    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^"\.github\/workflows\/deploy\.yml" is not among the files Application argocd\/web deploys from \(its source path charts\/web, .*its Helm valueFiles charts\/web\/values\.yaml/,
      ),
    ]);
    expect(read(".github/workflows/deploy.yml")).toBe(workflow);
    expect(result.updates.map((u) => u.app)).toEqual(["argocd/good"]);
  });

  it("a source path in another repository does not count for this one", async () => {
    checkout({
      "apps/web/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
      "apps/web/deployment.yaml": DEPLOYMENT,
      "apps/third/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
      "apps/third/deployment.yaml": DEPLOYMENT,
      "apps/multi.yaml": application(
        "multi",
        "kustomization:/apps/third",
        "  sources:\n    - { repoURL: https://github.com/o/gitops.git, path: apps/web, kustomize: {} }\n    - { repoURL: https://github.com/o/elsewhere.git, path: apps/third }",
      ),
    });

    const result = await runPlan(options());

    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^"apps\/third\/kustomization\.yaml" is not among the files Application argocd\/multi deploys from \(its source path apps\/web,/,
      ),
    ]);
    expect(read("apps/third/kustomization.yaml")).toContain("newTag: 1.0.0");
  });
});

describe("targets outside the source path that the Application does deploy from", () => {
  it("kustomization:../../base of an overlay whose resources include ../../base", async () => {
    checkout({ ...SHOP, "apps/shop.yaml": application("shop", "kustomization:../../base", kustomizeSource("teams/shop/overlays/prod")) });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.app, u.file, u.to])).toEqual([
      ["argocd/good", "good/kustomization.yaml", "1.0.1"],
      ["argocd/shop", "teams/shop/base/kustomization.yaml", "1.0.1"],
    ]);
    expect(read("teams/shop/base/kustomization.yaml")).toContain("newTag: 1.0.1");
  });

  it("another source of a multi-source Application in this repository", async () => {
    checkout({
      "apps/web/kustomization.yaml": "resources: [deployment.yaml]\n",
      "apps/web/deployment.yaml": DEPLOYMENT.replace("name: web }", "name: web-a }"),
      "apps/extra/kustomization.yaml": `resources: [deployment.yaml]\n${IMAGES}`,
      "apps/extra/deployment.yaml": DEPLOYMENT,
      "apps/multi.yaml": application(
        "multi",
        "kustomization:/apps/extra",
        "  sources:\n    - { repoURL: https://github.com/o/gitops.git, path: apps/web, kustomize: {} }\n    - { repoURL: https://github.com/o/gitops.git, path: apps/extra }",
      ),
    });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.app, u.file])).toContainEqual(["argocd/multi", "apps/extra/kustomization.yaml"]);
  });

  it.each([
    ["helmvalues:/envs/prod/web.yaml", null],
    [null, null],
    [
      "helmvalues:/envs/prod/other.yaml",
      /^"envs\/prod\/other\.yaml" is not among the files Application argocd\/web deploys from \(its Helm valueFiles envs\/prod\/web\.yaml\), so /,
    ],
  ])(
    "multi-source: a chart from a Helm repository, values in this repository's ref source, write-back-target %s",
    async (target, error) => {
      checkout({
        "envs/prod/web.yaml": VALUES,
        "envs/prod/other.yaml": VALUES,
        "apps/web.yaml": application(
          "web",
          target,
          "  sources:\n    - repoURL: https://charts.example.com\n      chart: web\n      targetRevision: 1.0.0\n      helm:\n        valueFiles: [$values/envs/prod/web.yaml]\n    - { repoURL: https://github.com/o/gitops.git, targetRevision: main, ref: values }",
        ),
      });

      const result = await runPlan(options());

      if (error === null) {
        expect(result.errors).toEqual([]);
        expect(result.updates.map((u) => [u.app, u.file])).toContainEqual(["argocd/web", "envs/prod/web.yaml"]);
        expect(read("envs/prod/web.yaml")).toContain("tag: 1.0.1");
      } else {
        expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(error)]);
        expect(read("envs/prod/other.yaml")).toBe(VALUES);
      }
    },
  );

  it("a Helm valueFiles entry outside the chart's path", async () => {
    checkout({
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "envs/prod/values.yaml": VALUES,
      "apps/web.yaml": application(
        "web",
        "helmvalues:../../envs/prod/values.yaml",
        "  source:\n    repoURL: https://github.com/o/gitops.git\n    path: charts/web\n    helm:\n      valueFiles: [../../envs/prod/values.yaml]",
      ),
    });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.app, u.file])).toContainEqual(["argocd/web", "envs/prod/values.yaml"]);
  });

  it("a repo-config target has no Application: any file but the config and .git/ may be its target", async () => {
    checkout({
      "elsewhere/values.yaml": VALUES,
      ".github/argocd-image-pr.yml":
        'targets:\n  - name: web\n    file: elsewhere/values.yaml\n    kind: helm\n    image: registry.example/team/web\n    constraint: "~1.0"\n',
    });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.app, u.file])).toContainEqual(["web", "elsewhere/values.yaml"]);
  });
});
