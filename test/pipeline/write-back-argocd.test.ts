/**
 * write-back-method argocd (image-updater's default) on Applications kept in git that have no
 * override for the image yet: the pass adds one to the Application manifest, as image-updater
 * sets the parameter on the live Application, and a second pass finds it up to date.
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
  for (const [index, tag] of ["1.0.0", "1.0.1"].entries()) await pushImage(registry.host, "acme/web", tag, { format: "docker", created: `2026-10-0${index + 1}T00:00:00Z` });
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => () => rmSync(repo, { recursive: true, force: true }));

function options(): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return { repoDir: repo, appPaths: [join(repo, "apps")], configFile: null, cluster: null, registry: { config: parseRegistriesConfig(conf, "registries.conf") }, concurrency: 2, write: true };
}

const application = (annotations: string, source: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: web=registry.example/acme/web:~1.0\n${annotations}spec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/gitops\n${source}  destination:\n    server: https://kubernetes.default.svc\n    namespace: web\n`;

describe("write-back-method argocd, no override block yet", () => {
  it.each([
    ["a Kustomize source gets kustomize.images", "", "    path: apps/web\n    kustomize:\n      namePrefix: prod-\n", "    path: apps/web\n    kustomize:\n      namePrefix: prod-\n      images:\n      - registry.example/acme/web:1.0.1\n"],
    [
      "a Helm source gets helm.parameters image.name / image.tag",
      "",
      "    path: charts/web\n    helm:\n      releaseName: web\n",
      "    path: charts/web\n    helm:\n      releaseName: web\n      parameters:\n      - name: image.name\n        value: registry.example/acme/web\n        forcestring: true\n      - name: image.tag\n        value: 1.0.1\n        forcestring: true\n",
    ],
  ])("%s", async (_name, annotations, source, expected) => {
    repo = writeTree({ "apps/web.yaml": application(annotations, source) }, "argocd-image-pr-argocd-");
    execFileSync("git", ["init", "-q", repo]);

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ kind: "application", file: "apps/web.yaml", from: null, to: "1.0.1" }]);
    expect(readFileSync(join(repo, "apps/web.yaml"), "utf8")).toBe(application(annotations, expected));
    const again = await runPlan(options());
    expect(again.updates).toEqual([]);
    expect(again.upToDate).toMatchObject([{ current: "1.0.1" }]);
  });
});
