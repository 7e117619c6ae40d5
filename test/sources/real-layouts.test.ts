/**
 * Issue 8, sources side: layouts of real GitOps repositories that argocd-image-updater accepts
 * (v1's git:secret:<name>, useAnnotations over unannotated apps, plugin apps with git write-back).
 */
import { describe, expect, it } from "vitest";

import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

const P = "argocd-image-updater.argoproj.io";

function app(
  name: string,
  annotations: Record<string, string>,
  source = "{ repoURL: https://github.com/acme/gitops, path: apps/web, kustomize: {} }",
): string {
  return `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
  annotations: ${JSON.stringify(annotations)}
spec:
  source: ${source}
`;
}

function resolve(yaml: string) {
  const parsed = parseManifests(yaml, "apps.yaml");
  expect(parsed.problems).toEqual([]);
  return targetsFromApplications(parsed);
}

describe("write-back credentials as argocd-image-updater v1 spells them", () => {
  it.each(["git:secret:git-creds", "git:secret:argocd/git-creds", "git:repocreds", "git"])("%s is accepted without a warning", (method) => {
    const result = resolve(app("web", { [`${P}/image-list`]: "web=nginx", [`${P}/write-back-method`]: method }));
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.write.kind])).toEqual([["argocd/web/web", "kustomize"]]);
  });

  it.each(["git:secret:", "git:secret:a/b/c", "git:token:x"])("%s still gets a warning naming the forms", (method) => {
    const result = resolve(app("web", { [`${P}/image-list`]: "web=nginx", [`${P}/write-back-method`]: method }));
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      ["warning", expect.stringContaining("use git, git:repocreds, git:secret:<name> or git:secret:<namespace>/<name>")],
    ]);
  });
});

describe("ImageUpdater useAnnotations: true over Applications without image-list", () => {
  const updater = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: all, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "*"
      useAnnotations: true
`;
  it("skips them with a warning (as image-updater does), not an error, and plans the annotated ones", () => {
    const result = resolve(
      `${updater}---${app("plain", {})}---${app("web", { [`${P}/image-list`]: "web=nginx", [`${P}/write-back-method`]: "git" })}`,
    );
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/web/web"]);
    expect(result.problems.map((p) => [p.severity, p.app, p.message])).toEqual([
      [
        "warning",
        "argocd/plain",
        expect.stringMatching(
          /useAnnotations is true but Application argocd\/plain has no argocd-image-updater\.argoproj\.io\/image-list annotation, so it is skipped \(as argocd-image-updater skips it\)/,
        ),
      ],
    ]);
    expect(result.skipped).toEqual([
      { app: "argocd/plain", reason: "selected by ImageUpdater argocd/all with useAnnotations: true, but has no image-list annotation" },
    ]);
  });
});

describe("multi-source Applications as argocd-image-updater's docs show them", () => {
  const chartWithValues = (annotations: Record<string, string>) =>
    app(
      "shop",
      { [`${P}/image-list`]: "web=ghcr.io/acme/shop", [`${P}/write-back-method`]: "git", ...annotations },
      `null
  sources:
    - repoURL: https://charts.example.com
      chart: shop
      targetRevision: 1.2.3
      helm:
        valueFiles: [$values/envs/prod/shop.yaml]
    - repoURL: https://github.com/acme/gitops.git
      targetRevision: main
      ref: values`,
    );

  it.each([
    ["helmvalues:/envs/prod/shop.yaml", "envs/prod/shop.yaml"],
    ["helmvalues:envs/prod/shop.yaml", "envs/prod/shop.yaml"],
    ["helmvalues:/envs/other.yaml", "envs/other.yaml"],
  ])("a chart from a Helm repository + values from git: %s is written in the ref: source's repository", (target, path) => {
    const result = resolve(chartWithValues({ [`${P}/write-back-target`]: target }));
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.git.repo?.name, t.git.branch, t.write.kind, t.write.path])).toEqual([
      ["gitops", "main", "helm", path],
    ]);
  });

  it("without a target, the values file the chart reads through $values", () => {
    const result = resolve(chartWithValues({}));
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.git.repo?.name, t.write.kind, t.write.path])).toEqual([["gitops", "helm", "envs/prod/shop.yaml"]]);
  });

  it("Kustomize workload + third-party chart + values ref, write-back-target kustomization: the git Kustomize source, not the chart", () => {
    const result = resolve(
      app(
        "myapp",
        { [`${P}/image-list`]: "web=ghcr.io/acme/web", [`${P}/write-back-method`]: "git", [`${P}/write-back-target`]: "kustomization" },
        `null
  sources:
    - repoURL: https://github.com/acme/gitops.git
      path: ./deployments/myapp/overlays/staging
      targetRevision: main
    - repoURL: registry-1.docker.io/bitnamicharts
      chart: redis
      targetRevision: "20.11.*"
      helm:
        valueFiles: [$values/deployments/myapp/base/redis/values.yaml]
    - repoURL: https://github.com/acme/gitops.git
      ref: values
      targetRevision: main`,
      ),
    );
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.git.repo?.name, t.write.kind, t.write.path])).toEqual([
      ["gitops", "kustomize", "deployments/myapp/overlays/staging"],
    ]);
  });
});

describe("plugin applications", () => {
  const plugin = "{ repoURL: https://github.com/acme/gitops, path: apps/web, plugin: { name: envsubst } }";
  it.each([
    ["helmvalues:values.yaml", "helm", "apps/web/values.yaml"],
    ["kustomization", "kustomize", "apps/web"],
  ])("with git write-back to %s: written there, as image-updater does", (target, kind, path) => {
    const result = resolve(
      app("web", { [`${P}/image-list`]: "web=nginx", [`${P}/write-back-method`]: "git", [`${P}/write-back-target`]: target }, plugin),
    );
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.write.kind, t.write.path])).toEqual([[kind, path]]);
  });

  it.each([
    [
      "git write-back without a target",
      { [`${P}/write-back-method`]: "git" },
      /\.argocd-source-web\.yaml.*Argo CD merges into the source before rendering.*refuses to render/,
    ],
    ["write-back-method argocd", {}, /image-updater sets the plugin's env.*not edited by argocd-image-pr/],
  ])("%s: refused with a message that says why and what to do", (_name, annotations, why) => {
    const result = resolve(app("web", { [`${P}/image-list`]: "web=nginx", ...annotations }, plugin));
    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.skipped).toEqual([{ app: "argocd/web", reason: expect.stringMatching(why) }]);
    expect(result.skipped[0]?.reason).toMatch(/write-back-target helmvalues:<file> or kustomization:<dir>|\.github\/argocd-image-pr\.yml/);
  });
});
