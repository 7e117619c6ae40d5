import { afterEach, describe, expect, it } from "vitest";

import { listFromCluster, targetsFromApplications } from "../../src/sources/index.js";
import { FAKE_TOKEN, startFakeKube, type FakeKube, type FakeResource } from "../support/fake-kube.js";

function application(name: string, namespace: string, imageList?: string): Record<string, unknown> {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name,
      namespace,
      ...(imageList === undefined ? {} : { annotations: { "argocd-image-updater.argoproj.io/image-list": imageList } }),
    },
    spec: { source: { repoURL: "https://github.com/acme/gitops.git", path: `apps/${name}`, targetRevision: "HEAD" } },
    status: { sourceType: "Kustomize", summary: { images: [`ghcr.io/acme/${name}:1.0.0`] } },
  };
}

const APPS: FakeResource = {
  group: "argoproj.io",
  version: "v1alpha1",
  plural: "applications",
  kind: "Application",
  items: [
    application("a1", "argocd", "app=ghcr.io/acme/a1"),
    application("a2", "argocd", "app=ghcr.io/acme/a2:~1"),
    application("b1", "team-b", "app=ghcr.io/acme/b1"),
    application("b2", "team-b"),
    application("c1", "team-c", "app=ghcr.io/acme/c1"),
    { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "broken", namespace: "team-c" }, spec: {} },
  ],
};

const UPDATERS: FakeResource = {
  group: "argocd-image-updater.argoproj.io",
  version: "v1alpha1",
  plural: "imageupdaters",
  kind: "ImageUpdater",
  items: [
    {
      apiVersion: "argocd-image-updater.argoproj.io/v1alpha1",
      kind: "ImageUpdater",
      metadata: { name: "b", namespace: "team-b" },
      spec: { applicationRefs: [{ namePattern: "b2", images: [{ alias: "main", imageName: "ghcr.io/acme/b2:^1" }] }] },
    },
  ],
};

let kube: FakeKube | null = null;
afterEach(async () => {
  await kube?.close();
  kube = null;
});

describe("listFromCluster against a fake API server", () => {
  it("lists Applications across all namespaces with paging, then ImageUpdaters", async () => {
    kube = await startFakeKube([APPS, UPDATERS]);
    const found = await listFromCluster({ kubeconfig: kube.kubeconfig, pageSize: 2 });

    expect(found.applications.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual([
      "argocd/a1",
      "argocd/a2",
      "team-b/b1",
      "team-b/b2",
      "team-c/c1",
    ]);
    expect(found.applications.every((a) => a.file === null)).toBe(true);
    expect(found.imageUpdaters.map((u) => u.metadata.name)).toEqual(["b"]);
    expect(found.problems).toEqual([
      { app: "team-c/broken", image: null, file: null, message: expect.stringMatching(/^Application team-c\/broken is malformed/) },
    ]);
    expect(kube.unexpected()).toEqual([]);
    expect(kube.requests.map((r) => [r.path, r.query["limit"], r.query["continue"] ?? null])).toEqual([
      ["/apis/argoproj.io/v1alpha1/applications", "2", null],
      ["/apis/argoproj.io/v1alpha1/applications", "2", "Mg"],
      ["/apis/argoproj.io/v1alpha1/applications", "2", "NA"],
      ["/apis/argocd-image-updater.argoproj.io/v1alpha1/imageupdaters", "2", null],
    ]);
    expect(kube.requests.every((r) => r.method === "GET" && r.authorization === `Bearer ${FAKE_TOKEN}`)).toBe(true);

    const result = targetsFromApplications(found);
    expect(result.targets.map((t) => [t.id, t.origin, t.write.path, t.liveImages?.[0]])).toEqual([
      ["argocd/a1/app", "annotations", "apps/a1", "ghcr.io/acme/a1:1.0.0"],
      ["argocd/a2/app", "annotations", "apps/a2", "ghcr.io/acme/a2:1.0.0"],
      ["team-b/b1/app", "annotations", "apps/b1", "ghcr.io/acme/b1:1.0.0"],
      ["team-b/b2/main", "image-updater", "apps/b2", "ghcr.io/acme/b2:1.0.0"],
      ["team-c/c1/app", "annotations", "apps/c1", "ghcr.io/acme/c1:1.0.0"],
    ]);
  });

  it("lists only the given namespaces, each paged", async () => {
    kube = await startFakeKube([APPS, UPDATERS]);
    const found = await listFromCluster({ kubeconfig: kube.kubeconfig, namespaces: ["team-b", "argocd"], pageSize: 1 });
    expect(found.applications.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual([
      "team-b/b1",
      "team-b/b2",
      "argocd/a1",
      "argocd/a2",
    ]);
    expect(found.problems).toEqual([]);
    expect(kube.unexpected()).toEqual([]);
    expect(kube.requests.map((r) => r.path)).toEqual([
      "/apis/argoproj.io/v1alpha1/namespaces/team-b/applications",
      "/apis/argoproj.io/v1alpha1/namespaces/team-b/applications",
      "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications",
      "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications",
      "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/team-b/imageupdaters",
      "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/argocd/imageupdaters",
    ]);
  });

  it("no ImageUpdater CRD (404) means none, without a problem", async () => {
    kube = await startFakeKube([APPS]);
    const found = await listFromCluster({ kubeconfig: kube.kubeconfig });
    expect(found.applications).toHaveLength(5);
    expect(found.imageUpdaters).toEqual([]);
    expect(found.problems).toHaveLength(1); // the malformed Application only
    expect(kube.unexpected().map((r) => r.path)).toEqual(["/apis/argocd-image-updater.argoproj.io/v1alpha1/imageupdaters"]);
  });

  it("a forbidden list is a problem that says what to check; the rest goes on", async () => {
    kube = await startFakeKube([APPS, UPDATERS]);
    kube.failPath("/apis/argoproj.io/v1alpha1/namespaces/team-c/", 403);
    const found = await listFromCluster({ kubeconfig: kube.kubeconfig, namespaces: ["team-c", "argocd"] });
    expect(found.applications.map((a) => a.metadata.name)).toEqual(["a1", "a2"]);
    expect(found.problems).toEqual([
      {
        app: null,
        image: null,
        file: null,
        message:
          "cannot list Applications (applications.argoproj.io) in namespace team-c: HTTP 403; check the kubeconfig and that the service account may list them (docs/rbac.md)",
      },
    ]);
  });

  it("uses the requested context", async () => {
    kube = await startFakeKube([APPS, UPDATERS]);
    const found = await listFromCluster({ kubeconfig: kube.kubeconfig, context: "other", namespaces: ["argocd"] });
    expect(found.applications).toEqual([]);
    expect(found.problems.map((p) => p.message)).toEqual([expect.stringContaining("HTTP 401"), expect.stringContaining("HTTP 401")]);
    expect(kube.requests.every((r) => r.authorization === null)).toBe(true);
  });

  it("an unreadable kubeconfig or unknown context is a problem, not a crash", async () => {
    const missing = await listFromCluster({ kubeconfig: "/nonexistent/kubeconfig" });
    expect(missing.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('cannot load Kubernetes credentials from kubeconfig "/nonexistent/kubeconfig"'),
    ]);
    kube = await startFakeKube([APPS]);
    const badContext = await listFromCluster({ kubeconfig: kube.kubeconfig, context: "nope" });
    expect(badContext.problems.map((p) => p.message)).toEqual([expect.stringContaining("(context nope)")]);
    expect(kube.requests).toEqual([]);
  });
});
