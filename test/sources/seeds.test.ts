import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { readManifestsFromPaths, targetsFromApplications } from "../../src/sources/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../__fixtures__/sources");

async function load(file: string) {
  const resources = await readManifestsFromPaths([path.join(root, file)], { root });
  expect(resources.problems).toEqual([]);
  return { resources, result: targetsFromApplications(resources) };
}

describe("seed story 1: kustomize app, dev on commit SHAs, prod on semver", () => {
  it("gives dev a newest-build policy limited to SHA tags, written to its kustomization", async () => {
    const { result } = await load("seed-dev-prod.yaml");
    expect(result.problems).toEqual([]);
    const dev = result.targets.find((t) => t.id === "argocd/my-app-dev/my-image");
    expect(dev).toEqual({
      id: "argocd/my-app-dev/my-image",
      origin: "annotations",
      app: { name: "my-app-dev", namespace: "argocd", destination: "https://kubernetes.default.svc / my-app" },
      alias: "my-image",
      image: { registry: "asia.gcr.io", repository: "some-gcp-project/some-image-name", tag: null, digest: null },
      git: { repoURL: "git@github.com:example/k8s-manifests.git", repo: { owner: "example", name: "k8s-manifests" }, branch: null },
      write: {
        kind: "kustomize",
        path: "overlays/dev",
        kustomizeImageName: null,
        helm: null,
        argocdSourcePath: "overlays/dev/.argocd-source-my-app-dev.yaml",
      },
      policy: {
        strategy: "newest-build",
        constraint: null,
        allowTags: { kind: "regexp", pattern: "^[0-9a-f]{5,40}$" },
        ignoreTags: ["latest"],
        platforms: [],
        keepSuffix: false,
        maxUpdate: null,
      },
      forceUpdate: false,
      pullSecret: null,
      liveImages: null,
      declaredIn: "Application argocd/my-app-dev (seed-dev-prod.yaml)",
      deploysFrom: {
        paths: ["overlays/dev"],
        valueFiles: [],
        overrideFiles: ["overlays/dev/.argocd-source-my-app-dev.yaml"],
        manifest: null,
      },
    });
  });

  it("gives prod semver with latest ignored", async () => {
    const { result } = await load("seed-dev-prod.yaml");
    const prod = result.targets.find((t) => t.id === "argocd/my-app-prod/my-image");
    expect(prod?.policy).toEqual({
      strategy: "semver",
      constraint: null,
      allowTags: { kind: "any" },
      ignoreTags: ["latest"],
      platforms: [],
      keepSuffix: false,
      maxUpdate: null,
    });
    expect(prod?.write).toEqual({
      kind: "kustomize",
      path: "overlays/prod",
      kustomizeImageName: null,
      helm: null,
      argocdSourcePath: "overlays/prod/.argocd-source-my-app-prod.yaml",
    });
  });
});

describe("seed story 2: nginx-unprivileged on the newest 1.27.x", () => {
  it("keeps the image-list constraint and writes the Application manifest (write-back argocd)", async () => {
    const { result } = await load("seed-nginx.yaml");
    expect(result.problems).toEqual([]);
    expect(result.targets).toHaveLength(1);
    const [target] = result.targets;
    expect(target?.id).toBe("argo-cd/argocdupdate/app");
    expect(target?.image).toEqual({ registry: "ghcr.io", repository: "nginxinc/nginx-unprivileged", tag: null, digest: null });
    expect(target?.policy.strategy).toBe("semver");
    expect(target?.policy.constraint).toBe(">=1.27.0 <1.28.0");
    expect(target?.write).toEqual({
      kind: "application",
      path: "seed-nginx.yaml",
      kustomizeImageName: null,
      helm: null,
      applicationType: "kustomize",
    });
    expect(target?.git).toEqual({
      repoURL: "https://github.com/example/cnd-handson.git",
      repo: { owner: "example", name: "cnd-handson" },
      branch: "main",
    });
  });

  it("as written (app.semver annotation) warns that the constraint belongs in image-list", async () => {
    const { result } = await load("seed-nginx-as-written.yaml");
    expect(result.targets).toHaveLength(1);
    expect(result.targets[0]?.policy.constraint).toBeNull();
    const messages = result.problems.map((p) => p.message);
    expect(result.problems.every((p) => p.severity === "warning" && p.app === "argo-cd/argocdupdate")).toBe(true);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("argocd-image-updater.argoproj.io/app.semver");
    expect(messages[0]).toContain('"image-list: app=ghcr.io/nginxinc/nginx-unprivileged:>=1.27.0 <1.28.0"');
    expect(messages[1]).toContain('"interval" is not an argocd-image-updater annotation');
  });
});
