/** The app type as Argo CD decides it for Applications read from files (issue 8, item 4). */
import { describe, expect, it } from "vitest";

import { memoryRepo } from "../support/memory-repo.js";
import {
  detectApplicationTypes,
  detectSourceType,
  parseManifests,
  targetsFromApplications,
  typeFromFileNames,
} from "../../src/sources/index.js";

const source = (extra = "") => ({
  repoURL: "https://github.com/acme/gitops",
  path: "apps/web",
  ...(extra === "" ? {} : JSON.parse(extra)),
});

describe("Argo CD's discovery from the files in the source path", () => {
  it.each([
    [["Chart.yaml", "values.yaml", "templates"], "Helm"],
    [["kustomization.yaml", "deployment.yaml"], "Kustomize"],
    [["kustomization.yml"], "Kustomize"],
    [["Kustomization"], "Kustomize"],
    [["deployment.yaml", "service.yaml"], "Directory"],
    [[], "Directory"],
    // Both: Argo CD walks in name order and the kustomization, later, wins.
    [["Chart.yaml", "kustomization.yaml"], "Kustomize"],
    // Any name ending in Chart.yaml counts, as in Argo CD (strings.HasSuffix).
    [["MyChart.yaml"], "Helm"],
    [["Chart.yml"], "Directory"],
  ] as const)("%j → %s", (names, type) => {
    expect(typeFromFileNames(names)).toBe(type);
  });

  it("looks at files only, not at a directory that happens to be named like one", async () => {
    const reader = memoryRepo({ "apps/web/Chart.yaml/x": "", "apps/web/deploy.yaml": "" });
    expect(await detectSourceType(source(), ".argocd-source-web.yaml", reader)).toEqual({ type: "Directory", from: "files" });
  });
});

describe("an explicit block wins over the files", () => {
  const reader = memoryRepo({ "apps/web/kustomization.yaml": "resources: []\n", "apps/web/Chart.yaml": "name: web\n" });
  it.each([
    ['{"helm":{}}', { type: "Helm", from: "block" }],
    ['{"directory":{}}', { type: "Directory", from: "block" }],
    ['{"plugin":{}}', { type: "Plugin", from: "block" }],
    ['{"kustomize":{}}', { type: "Kustomize", from: "block" }],
    ['{"chart":"web","repoURL":"https://charts.example.com"}', { type: "Helm", from: "chart" }],
    ['{"helm":{},"kustomize":{}}', { type: null, conflict: ["Kustomize", "Helm"], from: "block" }],
  ] as const)("%s", async (extra, expected) => {
    expect(await detectSourceType(source(extra), ".argocd-source-web.yaml", reader)).toEqual(expected);
  });

  it("blocks in .argocd-source-<app>.yaml count, as Argo CD merges them into the source first", async () => {
    const withOverride = memoryRepo({
      "apps/web/Chart.yaml": "name: web\n",
      "apps/web/.argocd-source-web.yaml": "kustomize:\n  images: [nginx:1.27.0]\n",
    });
    expect(await detectSourceType(source(), ".argocd-source-web.yaml", withOverride)).toEqual({ type: "Kustomize", from: "override-file" });
    const shared = memoryRepo({ "apps/web/deploy.yaml": "", "apps/web/.argocd-source.yaml": "helm:\n  parameters: []\n" });
    expect(await detectSourceType(source(), ".argocd-source-web.yaml", shared)).toEqual({ type: "Helm", from: "override-file" });
  });
});

const LIST = "argocd-image-updater.argoproj.io/image-list";

async function targets(yaml: string, files: Record<string, string>) {
  const parsed = parseManifests(yaml, "apps/web.yaml");
  expect(parsed.problems).toEqual([]);
  const sourceTypes = await detectApplicationTypes(parsed.applications, memoryRepo(files), (url) => url.includes("acme/gitops"), "argocd");
  return targetsFromApplications({ ...parsed, sourceTypes });
}

describe("Applications read from files get the type Argo CD would give them", () => {
  const app = (source: string, extra = "") => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  annotations:
    ${LIST}: web=ghcr.io/acme/web
    argocd-image-updater.argoproj.io/write-back-method: git
${extra}
spec:
  ${source}
`;

  it("a Helm chart kept in git without a helm: block writes its values.yaml (was: no kustomization file)", async () => {
    const result = await targets(app("source: { repoURL: https://github.com/acme/gitops, path: charts/web }"), {
      "charts/web/Chart.yaml": "name: web\n",
      "charts/web/values.yaml": "image: {}\n",
    });
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.write.kind, t.write.path])).toEqual([["helm", "charts/web/values.yaml"]]);
  });

  it("a plain-manifest directory is a Directory application: its manifests are edited (argocd-image-updater skips it)", async () => {
    const result = await targets(app("source: { repoURL: https://github.com/acme/gitops, path: manifests/web }"), {
      "manifests/web/deployment.yaml": "kind: Deployment\n",
    });
    expect(result.skipped).toEqual([]);
    expect(result.targets.map((t) => [t.write.kind, t.write.path, t.write.directory])).toEqual([
      ["manifest", "manifests/web", { recurse: false, include: null, exclude: null }],
    ]);
  });

  it("a kustomization in the path is Kustomize", async () => {
    const result = await targets(app("source: { repoURL: https://github.com/acme/gitops, path: k/web }"), {
      "k/web/kustomization.yaml": "resources: []\n",
    });
    expect(result.targets.map((t) => [t.write.kind, t.write.path])).toEqual([["kustomize", "k/web"]]);
  });

  it("an explicit directory: block wins over a kustomization file", async () => {
    const result = await targets(app("source: { repoURL: https://github.com/acme/gitops, path: k/web, directory: { recurse: true } }"), {
      "k/web/kustomization.yaml": "resources: []\n",
    });
    expect(result.targets.map((t) => [t.write.kind, t.write.path, t.write.directory])).toEqual([
      ["manifest", "k/web", { recurse: true, include: null, exclude: null }],
    ]);
  });

  it("two blocks at once is an error naming them, as Argo CD refuses to render it", async () => {
    const result = await targets(app("source: { repoURL: https://github.com/acme/gitops, path: k/web, helm: {}, kustomize: {} }"), {});
    expect(result.targets).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining(
        'spec.source is Kustomize and Helm at once, which Argo CD refuses to render ("multiple application sources defined")',
      ),
    ]);
  });

  it("multi-source: the git source Argo CD finds a chart in is the Helm source (no helm: block)", async () => {
    const result = await targets(
      app(`sources:
    - { repoURL: https://github.com/acme/gitops, path: manifests/extra }
    - { repoURL: https://github.com/acme/gitops, path: charts/web }`),
      { "manifests/extra/cm.yaml": "kind: ConfigMap\n", "charts/web/Chart.yaml": "name: web\n", "charts/web/values.yaml": "image: {}\n" },
    );
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.write.kind, t.write.path])).toEqual([["helm", "charts/web/values.yaml"]]);
  });

  it("status from the cluster still decides when present", async () => {
    const result = await targets(
      app("source: { repoURL: https://github.com/acme/gitops, path: charts/web }", "status: { sourceType: Kustomize }"),
      { "charts/web/Chart.yaml": "name: web\n" },
    );
    expect(result.targets.map((t) => t.write.kind)).toEqual(["kustomize"]);
  });
});
