/**
 * Overrides the pass adds where image-updater would set them: write-back-method argocd (its
 * default) on an Application kept in git with no override for the image yet, and a helmvalues
 * file without the image's keys; a second pass finds them up to date. Keys that name another
 * repository are an error that says so.
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
  for (const [index, tag] of ["1.0.0", "1.0.1"].entries())
    await pushImage(registry.host, "acme/web", tag, { format: "docker", created: `2026-10-0${index + 1}T00:00:00Z` });
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => () => rmSync(repo, { recursive: true, force: true }));

function options(): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return {
    repoDir: repo,
    appPaths: [join(repo, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf") },
    concurrency: 2,
    write: true,
  };
}

function checkout(files: Record<string, string>): void {
  repo = writeTree(files, "argocd-image-pr-created-");
  execFileSync("git", ["init", "-q", repo]);
}

const application = (annotations: string, source: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: web=registry.example/acme/web:~1.0\n${annotations}spec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/gitops\n${source}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

describe("write-back-method argocd, no override block yet", () => {
  it.each([
    [
      "a Kustomize source gets kustomize.images",
      "",
      "    path: apps/web\n    kustomize:\n      namePrefix: prod-\n",
      "    path: apps/web\n    kustomize:\n      namePrefix: prod-\n      images:\n      - registry.example/acme/web:1.0.1\n",
    ],
    [
      "a Helm source gets helm.parameters image.name / image.tag",
      "",
      "    path: charts/web\n    helm:\n      releaseName: web\n",
      "    path: charts/web\n    helm:\n      releaseName: web\n      parameters:\n      - name: image.name\n        value: registry.example/acme/web\n        forcestring: true\n      - name: image.tag\n        value: 1.0.1\n        forcestring: true\n",
    ],
  ])("%s", async (_name, annotations, source, expected) => {
    checkout({ "apps/web.yaml": application(annotations, source) });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ kind: "application", file: "apps/web.yaml", from: null, to: "1.0.1" }]);
    expect(readFileSync(join(repo, "apps/web.yaml"), "utf8")).toBe(application(annotations, expected));
    const again = await runPlan(options());
    expect(again.updates).toEqual([]);
    expect(again.upToDate).toMatchObject([{ current: "1.0.1" }]);
  });
});

describe("helmvalues without the image's keys", () => {
  const gitHelm =
    "    argocd-image-updater.argoproj.io/write-back-method: git\n    argocd-image-updater.argoproj.io/write-back-target: helmvalues:values-prod.yaml\n";
  const source = "    path: charts/web\n    helm:\n      valueFiles: [values-prod.yaml]\n";

  it("creates image.repository / image.tag in the values file, in its own layout", async () => {
    checkout({ "apps/web.yaml": application(gitHelm, source), "charts/web/values-prod.yaml": "replicaCount: 3\n" });

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ kind: "helm", file: "charts/web/values-prod.yaml", from: null, to: "1.0.1" }]);
    expect(readFileSync(join(repo, "charts/web/values-prod.yaml"), "utf8")).toBe(
      "replicaCount: 3\nimage:\n  repository: registry.example/acme/web\n  tag: 1.0.1\n",
    );
    expect((await runPlan(options())).upToDate).toMatchObject([{ current: "1.0.1" }]);
  });

  it('says which repository the keys name, and what to do, instead of "set helm.image-name"', async () => {
    const values = "image:\n  repository: registry.example/acme/api\n  tag: 2.0.0\n";
    checkout({
      ".github/argocd-image-pr.yml":
        "targets:\n  - name: web\n    file: charts/web/values-prod.yaml\n    image: registry.example/acme/web\n",
      "charts/web/values-prod.yaml": values,
    });

    const result = await runPlan({ ...options(), appPaths: [] });

    expect(result.updates).toEqual([]);
    expect(result.errors.map((error) => error.message)).toEqual([
      ".github/argocd-image-pr.yml targets[0] (web): charts/web/values-prod.yaml sets image.repository to registry.example/acme/api (line 2), another repository than registry.example/acme/web (if the chart takes registry.example/acme/web from other keys, point helm.image-name / helm.image-tag (or helm.image-spec) at them; if registry.example/acme/api is the image to update, make it the target's image)",
    ]);
    expect(readFileSync(join(repo, "charts/web/values-prod.yaml"), "utf8")).toBe(values);
  });
});
