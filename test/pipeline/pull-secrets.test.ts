/**
 * argocd-image-updater's `pull-secret` annotation through the whole pass: a private registry
 * (htpasswd) whose credentials live in a Kubernetes pull secret, read with cluster access from a
 * fake API server; env: without a cluster; and clear errors where the secret cannot be had.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { startFakeKube, type FakeKube } from "../support/fake-kube.js";
import { pushImage, startRegistry, type TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd" });
  for (const tag of ["1.0.0", "1.0.1", "1.1.0"]) {
    await pushImage(registry.host, "private/web", tag, { created: "2026-10-01T00:00:00Z", format: "docker" }, registry.authorize);
  }
});

afterAll(async () => {
  await registry.stop();
});

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

function application(pullSecret: string): string {
  return [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    "  name: web",
    "  namespace: argocd",
    "  annotations:",
    '    argocd-image-updater.argoproj.io/image-list: "web=registry.example/private/web:~1.0"',
    `    argocd-image-updater.argoproj.io/web.pull-secret: "${pullSecret}"`,
    "    argocd-image-updater.argoproj.io/write-back-method: git",
    "spec:",
    "  source:",
    "    repoURL: https://github.com/o/gitops.git",
    "    path: web",
    "    kustomize: {}",
    "  destination: { namespace: web }",
    "",
  ].join("\n");
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-pull-secrets-"));
  execFileSync("git", ["init", "-q", repo]);
  write("web/kustomization.yaml", "resources: [deployment.yaml]\nimages:\n  - name: registry.example/private/web\n    newTag: 1.0.0\n");
  return () => rmSync(repo, { recursive: true, force: true });
});

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  const conf = `registries:\n  - name: private\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return {
    repoDir: repo,
    appPaths: [join(repo, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf"), env: {} },
    concurrency: 2,
    write: false,
    ...overrides,
  };
}

async function fromCluster(
  app: string,
  secrets: Parameters<typeof startFakeKube>[1],
): Promise<{ kube: FakeKube; run: () => ReturnType<typeof runPlan> }> {
  const items = parseAllDocuments(app).map((doc) => doc.toJS() as Record<string, unknown>);
  const kube = await startFakeKube(
    [
      { group: "argoproj.io", version: "v1alpha1", plural: "applications", kind: "Application", items },
      { group: "argocd-image-updater.argoproj.io", version: "v1alpha1", plural: "imageupdaters", kind: "ImageUpdater", items: [] },
    ],
    secrets,
  );
  return { kube, run: () => runPlan(options({ appPaths: [], cluster: { kubeconfig: kube.kubeconfig } })) };
}

describe("pull-secret", () => {
  it("reads a kubernetes.io/dockerconfigjson pull secret from the cluster and lists the private repository with it", async () => {
    const { username, password } = registry.credentials!;
    const { kube, run } = await fromCluster(application("pullsecret:argocd/regcred"), {
      secrets: {
        "argocd/regcred": {
          type: "kubernetes.io/dockerconfigjson",
          data: { ".dockerconfigjson": JSON.stringify({ auths: { "registry.example": { username, password } } }) },
        },
      },
    });
    try {
      const result = await run();

      expect(result.errors).toEqual([]);
      expect(result.updates).toMatchObject([{ app: "argocd/web", from: "1.0.0", to: "1.0.1" }]);
      expect(kube.requests.filter((r) => r.path.includes("/secrets/")).map((r) => [r.path, r.status])).toEqual([
        ["/api/v1/namespaces/argocd/secrets/regcred", 200],
      ]);
      expect(kube.unexpected()).toEqual([]);
    } finally {
      await kube.close();
    }
  });

  it("reads secret:<ns>/<name>#<field> as user:password", async () => {
    const { username, password } = registry.credentials!;
    const { kube, run } = await fromCluster(application("secret:argocd/registry-creds#creds"), {
      secrets: { "argocd/registry-creds": { type: "Opaque", data: { creds: `${username}:${password}` } } },
    });
    try {
      const result = await run();

      expect(result.errors).toEqual([]);
      expect(result.updates).toMatchObject([{ to: "1.0.1" }]);
    } finally {
      await kube.close();
    }
  });

  it("says which secret is missing, and goes on", async () => {
    const { kube, run } = await fromCluster(application("pullsecret:argocd/nope"), { secrets: {} });
    try {
      const result = await run();

      expect(result.updates).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.message).toContain(
        "credentials pullsecret:argocd/nope for registry.example: secret argocd/nope does not exist",
      );
    } finally {
      await kube.close();
    }
  });

  it("uses env: credentials without a cluster, and never echoes them", async () => {
    const { username, password } = registry.credentials!;
    write("apps/web.yaml", application("env:WEB_REGISTRY_CREDS"));

    const result = await runPlan(options({ registry: { ...options().registry, env: { WEB_REGISTRY_CREDS: `${username}:${password}` } } }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ to: "1.0.1" }]);
    expect(JSON.stringify(result)).not.toContain(password);
  });

  it("says a pullsecret: needs cluster access when the Applications come from files", async () => {
    write("apps/web.yaml", application("pullsecret:argocd/regcred"));

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("Kubernetes secrets can only be read with cluster access"),
    ]);
  });

  it("refuses a pull-secret that is not a credential source without echoing it", async () => {
    write("apps/web.yaml", application("tester:s3cr3t-Passw0rd"));

    const result = await runPlan(options());

    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(/pull-secret: not a credential source/);
    expect(JSON.stringify(result)).not.toContain("s3cr3t");
  });
});
