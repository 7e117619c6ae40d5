/**
 * Policies that need more than a tag list — digest, platforms, live status — through the whole
 * pass against a real registry, in a small repo declared by `.github/argocd-image-pr.yml`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { pushImage, startRegistry } from "../support/registry.js";
import type { PushedImage, TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;
let oldLatest: PushedImage;
let newLatest: PushedImage;
const nginx: Record<string, PushedImage> = {};

beforeAll(async () => {
  registry = await startRegistry();
  oldLatest = await pushImage(registry.host, "tools/busybox", "latest", { created: "2026-10-01T00:00:00Z", format: "docker" });
  // `latest` moves: the same tag, pushed again with a new image.
  newLatest = await pushImage(registry.host, "tools/busybox", "latest", { created: "2026-11-01T00:00:00Z", format: "docker" });
  for (const [tag, platforms] of [
    ["1.27.3", ["linux/amd64", "linux/arm64/v8"]],
    ["1.27.4", ["linux/amd64", "linux/arm64/v8"]],
    ["1.27.5", ["linux/amd64"]], // newest, but not built for arm64
  ] as const) {
    nginx[tag] = await pushImage(registry.host, "web/nginx", tag, { created: "2026-10-01T00:00:00Z", format: "oci", platforms });
  }
});

afterAll(async () => {
  await registry.stop();
});

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-policies-"));
  execFileSync("git", ["init", "-q", repo]);
  return () => rmSync(repo, { recursive: true, force: true });
});

function options(overrides: Partial<RunPlanOptions> = {}): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
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

describe("digest strategy", () => {
  it("follows a moving tag by digest and writes tag@digest", async () => {
    expect(newLatest.digest).not.toBe(oldLatest.digest);
    write(".github/argocd-image-pr.yml", "targets:\n  - name: tools\n    file: tools.yaml\n    image: registry.example/tools/busybox\n    strategy: digest\n    constraint: latest\n");
    write("tools.yaml", `apiVersion: v1\nkind: Pod\nmetadata: { name: tools }\nspec:\n  containers:\n    - name: sh\n      image: registry.example/tools/busybox:latest@${oldLatest.digest}\n`);

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([
      { from: "latest", fromDigest: oldLatest.digest, to: "latest", digest: newLatest.digest, strategy: "digest" },
    ]);
    expect(result.updates[0]?.reason).toBe(`latest: digest changed from ${oldLatest.digest} to ${newLatest.digest}`);
    expect(readFileSync(join(repo, "tools.yaml"), "utf8")).toContain(`image: registry.example/tools/busybox:latest@${newLatest.digest}\n`);

    const again = await runPlan(options());
    expect(again.updates).toEqual([]);
    expect(again.upToDate.map((q) => q.reason)).toEqual([`latest@${newLatest.digest}: digest unchanged`]);
  });
});

describe("a file that pins tag@digest", () => {
  it.each([
    ["a plain manifest", "web.yaml", (pin: string) => `apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:${pin} # pinned\n`],
    ["a kustomization", "web/kustomization.yaml", (pin: string) => {
      const [tag, digest] = pin.split("@");
      return `images:\n  - name: registry.example/web/nginx\n    newTag: ${tag ?? ""}\n    digest: ${digest ?? ""} # pinned\n`;
    }],
  ])("keeps the pin in %s: a semver update writes the new tag and its digest", async (_name, file, text) => {
    const path = file.endsWith("kustomization.yaml") ? "path: web" : `file: ${file}`;
    write(".github/argocd-image-pr.yml", `targets:\n  - name: web\n    ${path}\n    image: registry.example/web/nginx\n    constraint: "~1.27.0"\n    platforms: [linux/arm64]\n`);
    const from = `1.27.3@${nginx["1.27.3"]?.digest ?? ""}`;
    write(file, text(from));

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    const to = nginx["1.27.4"]?.digest;
    expect(result.updates).toMatchObject([{ from: "1.27.3", fromDigest: nginx["1.27.3"]?.digest, to: "1.27.4", digest: to, imageDigest: to }]);
    expect(readFileSync(join(repo, file), "utf8")).toBe(text(`1.27.4@${to ?? ""}`));
  });

  it("writes no digest where the file had none, but still tells the reviewer what the tag points at", async () => {
    write(".github/argocd-image-pr.yml", 'targets:\n  - name: web\n    file: web.yaml\n    image: registry.example/web/nginx\n    constraint: "~1.27.0"\n');
    write("web.yaml", "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:1.27.3\n");

    const result = await runPlan(options());

    expect(result.updates).toMatchObject([{ to: "1.27.5", digest: null, imageDigest: nginx["1.27.5"]?.digest, created: "2026-10-01T00:00:00.000Z" }]);
    expect(readFileSync(join(repo, "web.yaml"), "utf8")).toContain("image: registry.example/web/nginx:1.27.5\n");
  });
});

describe("platforms", () => {
  it("skips a newer tag that lacks a wanted platform, asking the registry only as far as needed", async () => {
    write(".github/argocd-image-pr.yml", [
      "targets:",
      "  - name: web",
      "    file: web.yaml",
      "    image: registry.example/web/nginx",
      '    constraint: ">=1.27.0 <1.28.0"',
      "    platforms: [linux/arm64]",
      "",
    ].join("\n"));
    write("web.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example/web/nginx:1.27.3\n");

    const result = await runPlan(options({ write: false }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ from: "1.27.3", to: "1.27.4" }]);
    // tags/list, then 1.27.5 (single manifest + config), then 1.27.4 (index, platform manifest, config).
    expect(result.stats.registryRequests).toBe(1 + 2 + 3);
  });
});

describe("live status", () => {
  const app = (annotations: string): string => [
    "apiVersion: argoproj.io/v1alpha1",
    "kind: Application",
    "metadata:",
    "  name: web",
    "  namespace: argocd",
    "  annotations:",
    "    argocd-image-updater.argoproj.io/image-list: web=registry.example/web/nginx:~1.27",
    "    argocd-image-updater.argoproj.io/write-back-method: git",
    annotations,
    "spec:",
    "  source:",
    "    repoURL: https://github.com/o/r.git",
    "    path: web",
    "  destination: { namespace: web }",
    "status:",
    "  sourceType: Kustomize",
    "  summary:",
    "    images: [registry.example/other/app:1.0.0]",
    "",
  ].filter((line) => line !== "").join("\n");

  it.each([
    ["skips an image the Application does not run", "", 0, 1],
    ["plans it anyway with force-update", "    argocd-image-updater.argoproj.io/web.force-update: \"true\"", 1, 0],
  ])("%s", async (_name, extra, updates, skipped) => {
    write("apps/web.yaml", app(extra));
    write("web/kustomization.yaml", "images:\n  - name: registry.example/web/nginx\n    newTag: 1.27.3\n");

    const result = await runPlan(options({ write: false, appPaths: [join(repo, "apps")] }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toHaveLength(updates);
    expect(result.skipped).toHaveLength(skipped);
  });
});
