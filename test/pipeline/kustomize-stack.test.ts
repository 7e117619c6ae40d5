/**
 * A kustomize target is what its whole stack deploys: the overlay it writes, the bases it includes
 * and their own images entries. Through the whole pass (a real registry on 127.0.0.1), each case is
 * rendered with the real `kubectl kustomize` before and after the edit, and the rendered image —
 * not only the diff — is asserted.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { hasKustomize, kustomizeImages, writeTree } from "../support/kustomize.js";
import { pushImage, startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;
const digest: Record<string, string> = {};

beforeAll(async () => {
  registry = await startRegistry();
  for (const [index, tag] of ["7.2.4", "7.2.5", "7.2.6"].entries()) {
    digest[`redis:${tag}`] = (
      await pushImage(registry.host, "library/redis", tag, { format: "docker", created: `2026-10-0${index + 1}T00:00:00Z` })
    ).digest;
  }
  for (const [index, tag] of ["1.38.0", "1.38.1"].entries()) {
    digest[`busybox:${tag}`] = (
      await pushImage(registry.host, "library/busybox", tag, { format: "oci", created: `2026-11-0${index + 1}T00:00:00Z` })
    ).digest;
  }
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => () => rmSync(repo, { recursive: true, force: true }));

function deployment(...images: string[]): string {
  const containers = images.map((image, index) => `        - name: c${index}\n          image: ${image}\n`).join("");
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n${containers}`;
}

/** One repo-config target per image, writing the overlay `overlays/prod`. */
function checkout(files: Record<string, string>, images: Record<string, string> = { redis: "~7.2" }): void {
  const targets = Object.entries(images)
    .map(([image, constraint]) => `  - name: ${image}\n    path: overlays/prod\n    image: ${image}\n    constraint: "${constraint}"\n`)
    .join("");
  repo = writeTree(
    { ...(targets === "" ? {} : { ".github/argocd-image-pr.yml": `targets:\n${targets}` }), ...files },
    "argocd-image-pr-stack-",
  );
  execFileSync("git", ["init", "-q", repo]);
}

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  const conf = `registries:\n  - name: hub\n    prefix: docker.io\n    api_url: http://${registry.host}\n    defaultns: library\n    default: true\n`;
  return {
    repoDir: repo,
    appPaths: [],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf") },
    concurrency: 2,
    write: true,
    ...overrides,
  };
}

const overlay = (): string => readFileSync(join(repo, "overlays/prod/kustomization.yaml"), "utf8");
const rendered = (): string[] => kustomizeImages(join(repo, "overlays/prod"));

describe.skipIf(!hasKustomize)("an overlay without an images entry", () => {
  it("writes the new entry's name as the resources spell the image, so the override applies", async () => {
    checkout({
      "base/deployment.yaml": deployment("docker.io/redis:7.2.4"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    });
    expect(rendered()).toEqual(["docker.io/redis:7.2.4"]);

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ image: "docker.io/library/redis", from: "7.2.4", to: "7.2.6", digest: null }]);
    expect(overlay()).toBe("resources:\n  - ../../base\nimages:\n  - name: docker.io/redis\n    newTag: 7.2.6\n");
    expect(rendered()).toEqual(["docker.io/redis:7.2.6"]);
    const again = await runPlan(options());
    expect(again.updates).toEqual([]);
    expect(again.upToDate).toMatchObject([{ current: "7.2.6" }]);
  });

  it("pins the new tag's digest when the base runs a pinned image", async () => {
    checkout(
      {
        "base/deployment.yaml": deployment(`busybox:1.38.0@${digest["busybox:1.38.0"] ?? ""}`),
        "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
      },
      { busybox: "~1.38" },
    );

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    const pin = digest["busybox:1.38.1"] ?? "";
    expect(result.updates).toMatchObject([{ from: "1.38.0", fromDigest: digest["busybox:1.38.0"], to: "1.38.1", digest: pin }]);
    expect(overlay()).toBe(`resources:\n  - ../../base\nimages:\n  - name: busybox\n    newTag: 1.38.1\n    digest: ${pin}\n`);
    expect(rendered()).toEqual([`busybox:1.38.1@${pin}`]);
  });

  it("reads the current tag through the base's own images entry: an equal proposal is no update", async () => {
    checkout({
      "base/deployment.yaml": deployment("docker.io/redis:7.2.4"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\nimages:\n  - name: docker.io/redis\n    newTag: 7.2.6\n",
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    });
    expect(rendered()).toEqual(["docker.io/redis:7.2.6"]);

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toEqual([]);
    expect(result.upToDate).toMatchObject([{ current: "7.2.6", reason: "7.2.6: already the newest tag matching ~7.2 of 3 tags" }]);
    expect(overlay()).toBe("resources:\n  - ../../base\n");
  });

  it("never proposes a tag below what the base renders (no downgrade of what Argo CD deploys)", async () => {
    checkout(
      {
        "base/deployment.yaml": deployment("docker.io/redis:7.2.4"),
        "base/kustomization.yaml": "resources:\n  - deployment.yaml\nimages:\n  - name: docker.io/redis\n    newTag: 7.2.9-custom\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
      },
      { redis: "~7.2" },
    );

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toEqual([]);
    expect(result.upToDate).toMatchObject([{ current: "7.2.9-custom", reason: expect.stringContaining("not moving to 7.2.6") }]);
    expect(rendered()).toEqual(["docker.io/redis:7.2.9-custom"]);
  });
});

describe.skipIf(!hasKustomize)("an override that would not apply is an error, and nothing is written", () => {
  it("an existing entry named as the resources do not spell the image", async () => {
    const text = "resources:\n  - ../../base\nimages:\n  - name: redis\n    newTag: 7.2.4\n";
    checkout({
      "base/deployment.yaml": deployment("docker.io/redis:7.2.4"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "overlays/prod/kustomization.yaml": text,
    });

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(
        "the edit of overlays/prod/kustomization.yaml would not change what runs: base/deployment.yaml would still run docker.io/redis:7.2.4, not 7.2.6 (kustomize matches an images entry by the name as the resources write it: name the entry docker.io/redis",
      ),
    ]);
    expect(overlay()).toBe(text);
    expect(rendered()).toEqual(["docker.io/redis:7.2.4"]);
  });

  it("an image no resource of the stack runs", async () => {
    checkout({
      "base/deployment.yaml": deployment("docker.io/library/postgres:16.4"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    });

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(
        "no container that overlays/prod/kustomization.yaml renders runs docker.io/library/redis (it renders docker.io/library/postgres:16.4 (base/deployment.yaml)), so an images entry there would change nothing",
      ),
    ]);
    expect(overlay()).toBe("resources:\n  - ../../base\n");
  });

  it("resources that spell the image two ways, which one entry cannot both match", async () => {
    checkout({
      "base/deployment.yaml": deployment("docker.io/redis:7.2.4", "redis:7.2.4"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    });

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((error) => error.message)).toEqual([expect.stringContaining("spell docker.io/library/redis in 2 ways")]);
  });

  it("containers that run the image at different versions", async () => {
    checkout({
      "base/deployment.yaml": deployment("docker.io/redis:7.2.4", "docker.io/redis:7.2.5"),
      "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
      "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
    });

    const result = await runPlan(options());

    expect(result.errors.map((error) => error.message)).toEqual([
      expect.stringContaining(
        "renders docker.io/library/redis at different versions: docker.io/redis:7.2.4 (base/deployment.yaml), docker.io/redis:7.2.5 (base/deployment.yaml)",
      ),
    ]);
  });
});

describe("a stack the model cannot fully follow", () => {
  it("plans from the file, and the reason says what was not checked", async () => {
    checkout({
      "overlays/prod/kustomization.yaml":
        "resources:\n  - https://github.com/acme/base//redis?ref=v1\nimages:\n  - name: redis\n    newTag: 7.2.4\n",
    });

    const result = await runPlan(options({ write: false }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ from: "7.2.4", to: "7.2.6" }]);
    expect(result.updates[0]?.reason).toBe(
      "7.2.6: newest tag matching ~7.2 of 3 tags (what runs is not fully checked: overlays/prod/kustomization.yaml: the remote resource https://github.com/acme/base//redis?ref=v1 is not read)",
    );
  });
});

describe.skipIf(!hasKustomize)("a new kustomize override in .argocd-source-<app>.yaml", () => {
  /** What Argo CD does with the override: `kustomize edit set image <name>[:tag]` on the kustomization beside it. */
  function renderedWithOverride(): string[] {
    const override = readFileSync(join(repo, "overlays/prod/.argocd-source-cache.yaml"), "utf8");
    const images = [...override.matchAll(/^\s+- (\S+)$/gm)].map((match) => match[1] ?? "");
    const entries = images.map((image) => {
      const [name, tag] = image.split(/:(?=[^:/]+$)/);
      return `  - name: ${name ?? ""}\n    newTag: "${tag ?? ""}"\n`;
    });
    const dir = writeTree({
      "base/deployment.yaml": readFileSync(join(repo, "base/deployment.yaml"), "utf8"),
      "base/kustomization.yaml": readFileSync(join(repo, "base/kustomization.yaml"), "utf8"),
      "overlays/prod/kustomization.yaml": `${overlay()}images:\n${entries.join("")}`,
    });
    try {
      return kustomizeImages(join(dir, "overlays/prod"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("names the image as the resources spell it, and reads the current tag from the render", async () => {
    checkout(
      {
        "apps/cache.yaml":
          "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: cache\n  namespace: argocd\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: redis=redis:~7.2\n    argocd-image-updater.argoproj.io/write-back-method: git\n    argocd-image-updater.argoproj.io/write-back-target: overlays/prod\nspec:\n  source: { repoURL: https://github.com/acme/gitops, path: overlays/prod }\n  destination: { server: https://kubernetes.default.svc, namespace: cache }\n",
        "base/deployment.yaml": deployment("docker.io/redis:7.2.4"),
        "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
        "overlays/prod/kustomization.yaml": "resources:\n  - ../../base\n",
      },
      {},
    );

    const result = await runPlan(options({ appPaths: [join(repo, "apps")] }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([
      { kind: "argocd-source", file: "overlays/prod/.argocd-source-cache.yaml", from: "7.2.4", to: "7.2.6" },
    ]);
    expect(readFileSync(join(repo, "overlays/prod/.argocd-source-cache.yaml"), "utf8")).toBe(
      "kustomize:\n  images:\n  - docker.io/redis:7.2.6\n",
    );
    expect(renderedWithOverride()).toEqual(["docker.io/redis:7.2.6"]);
  });
});
