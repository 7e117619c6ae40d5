/**
 * Policies that need more than a tag list — digest, platforms, live status — through the whole
 * pass against a real registry, in a small repo declared by `.github/argocd-image-pr.yml`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { gatherOptionsFor, gatherTargets, openCheckout, planCheckout, runPlan } from "../../src/pipeline/index.js";
import type { Checkout, RunPlanOptions } from "../../src/pipeline/index.js";
import { createRegistryClient, parseRegistriesConfig } from "../../src/registry/index.js";
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
    write(
      ".github/argocd-image-pr.yml",
      "targets:\n  - name: tools\n    file: tools.yaml\n    image: registry.example/tools/busybox\n    strategy: digest\n    constraint: latest\n",
    );
    write(
      "tools.yaml",
      `apiVersion: v1\nkind: Pod\nmetadata: { name: tools }\nspec:\n  containers:\n    - name: sh\n      image: registry.example/tools/busybox:latest@${oldLatest.digest}\n`,
    );

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
    [
      "a plain manifest",
      "web.yaml",
      (pin: string) =>
        `apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:${pin} # pinned\n`,
    ],
    [
      "a kustomization",
      "web/kustomization.yaml",
      (pin: string) => {
        const [tag, digest] = pin.split("@");
        return `resources: [deployment.yaml]\nimages:\n  - name: registry.example/web/nginx\n    newTag: ${tag ?? ""}\n    digest: ${digest ?? ""} # pinned\n`;
      },
    ],
  ])("keeps the pin in %s: a semver update writes the new tag and its digest", async (_name, file, text) => {
    const path = file.endsWith("kustomization.yaml") ? "path: web" : `file: ${file}`;
    write(
      ".github/argocd-image-pr.yml",
      `targets:\n  - name: web\n    ${path}\n    image: registry.example/web/nginx\n    constraint: "~1.27.0"\n    platforms: [linux/arm64]\n`,
    );
    const from = `1.27.3@${nginx["1.27.3"]?.digest ?? ""}`;
    write(file, text(from));
    // What the kustomization renders its images entry into (kustomize changes only what resources run).
    write(
      "web/deployment.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:1.27.3\n",
    );

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    const to = nginx["1.27.4"]?.digest;
    expect(result.updates).toMatchObject([
      { from: "1.27.3", fromDigest: nginx["1.27.3"]?.digest, to: "1.27.4", digest: to, imageDigest: to },
    ]);
    expect(readFileSync(join(repo, file), "utf8")).toBe(text(`1.27.4@${to ?? ""}`));
  });

  it("writes no digest where the file had none, but still tells the reviewer what the tag points at", async () => {
    write(
      ".github/argocd-image-pr.yml",
      'targets:\n  - name: web\n    file: web.yaml\n    image: registry.example/web/nginx\n    constraint: "~1.27.0"\n',
    );
    write(
      "web.yaml",
      "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:1.27.3\n",
    );

    const result = await runPlan(options());

    expect(result.updates).toMatchObject([
      { to: "1.27.5", digest: null, imageDigest: nginx["1.27.5"]?.digest, created: "2026-10-01T00:00:00.000Z" },
    ]);
    expect(readFileSync(join(repo, "web.yaml"), "utf8")).toContain("image: registry.example/web/nginx:1.27.5\n");
  });
});

describe("platforms", () => {
  it("skips a newer tag that lacks a wanted platform, asking the registry only as far as needed", async () => {
    write(
      ".github/argocd-image-pr.yml",
      [
        "targets:",
        "  - name: web",
        "    file: web.yaml",
        "    image: registry.example/web/nginx",
        '    constraint: ">=1.27.0 <1.28.0"',
        "    platforms: [linux/arm64]",
        "",
      ].join("\n"),
    );
    write(
      "web.yaml",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: registry.example/web/nginx:1.27.3\n",
    );

    const result = await runPlan(options({ write: false }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toMatchObject([{ from: "1.27.3", to: "1.27.4" }]);
    // tags/list, then 1.27.5 (single manifest + config), then 1.27.4 (index, platform manifest, config).
    expect(result.stats.registryRequests).toBe(1 + 2 + 3);
  });
});

describe("live status", () => {
  const app = (annotations: string): string =>
    [
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
    ]
      .filter((line) => line !== "")
      .join("\n");

  it.each([
    ["skips an image the Application does not run", "", 0, 1],
    ["plans it anyway with force-update", '    argocd-image-updater.argoproj.io/web.force-update: "true"', 1, 0],
  ])("%s", async (_name, extra, updates, skipped) => {
    write("apps/web.yaml", app(extra));
    write("web/kustomization.yaml", "images:\n  - name: registry.example/web/nginx\n    newTag: 1.27.3\n");

    const result = await runPlan(options({ write: false, appPaths: [join(repo, "apps")] }));

    expect(result.errors).toEqual([]);
    expect(result.updates).toHaveLength(updates);
    expect(result.skipped).toHaveLength(skipped);
  });
});

describe("files the pass cannot edit safely", () => {
  const config = (targets: string): string => `targets:\n${targets}`;
  const target = (name: string, constraint: string, extra = ""): string =>
    `  - name: ${name}\n    file: web.yaml\n    image: registry.example/web/nginx\n    constraint: "${constraint}"\n${extra}`;
  const pod =
    "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:1.27.3\n";

  it("refuses a file two targets set to different versions, writing neither, naming both", async () => {
    write(".github/argocd-image-pr.yml", config(target("a", "~1.27.0", "    platforms: [linux/arm64]\n") + target("b", "~1.27.0")));
    write("web.yaml", pod);

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      "web.yaml: several targets set registry.example/web/nginx to different versions (a/nginx wants 1.27.4; b/nginx wants 1.27.5), so nothing was written to the file; keep one declaration of the image for this file",
    ]);
    expect(readFileSync(join(repo, "web.yaml"), "utf8")).toBe(pod);
  });

  it("lets two targets agree on one file", async () => {
    write(".github/argocd-image-pr.yml", config(target("a", "~1.27.0") + target("b", ">=1.27.0 <1.28.0")));
    write("web.yaml", pod);

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => u.to)).toEqual(["1.27.5", "1.27.5"]);
    expect(readFileSync(join(repo, "web.yaml"), "utf8")).toBe(pod.replace("1.27.3", "1.27.5"));
  });

  it("refuses a file that is not UTF-8 rather than writing replacement characters", async () => {
    write(".github/argocd-image-pr.yml", config(target("a", "~1.27.0")));
    const latin1 = Buffer.concat([Buffer.from("# Caf"), Buffer.from([0xe9]), Buffer.from(" team\n"), Buffer.from(pod)]);
    writeFileSync(join(repo, "web.yaml"), latin1);

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining('targets[0] (a): "web.yaml" is not UTF-8 text (convert the file to UTF-8'),
    ]);
    expect(readFileSync(join(repo, "web.yaml")).equals(latin1)).toBe(true);
  });

  it("says a directory is not a file", async () => {
    write(".github/argocd-image-pr.yml", config("  - name: a\n    file: apps\n    image: registry.example/web/nginx\n"));
    write("apps/web.yaml", pod);

    const result = await runPlan(options());

    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        '"apps" is a directory, not a file (name the file to edit, or give the directory as path: for a kustomization)',
      ),
    ]);
  });

  it("writes every file it can when one cannot be written, and reports that one", async () => {
    write(
      ".github/argocd-image-pr.yml",
      config(
        target("a", "~1.27.0") +
          '  - name: b\n    file: locked/web.yaml\n    image: registry.example/web/nginx\n    constraint: "~1.27.0"\n',
      ),
    );
    write("web.yaml", pod);
    write("locked/web.yaml", pod);
    // A disk that refuses one file (root ignores permissions, so the refusal is made here).
    const disk = openCheckout(repo);
    const workspace: Checkout = {
      ...disk,
      read: (file) => disk.read(file),
      list: (dir) => disk.list(dir),
      originUrl: () => disk.originUrl(),
      write: (file, text) =>
        file.startsWith("locked/")
          ? Promise.reject(Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" }))
          : disk.write(file, text),
    };
    const registryClient = createRegistryClient(options().registry);
    try {
      const input = await gatherTargets(await gatherOptionsFor(options()), { reader: workspace, originUrl: await workspace.originUrl() });
      const result = await planCheckout(
        input,
        { checkout: workspace, registry: registryClient, now: () => 0 },
        { concurrency: 2, write: true },
      );

      expect(result.updates.map((u) => u.file)).toEqual(["web.yaml"]);
      expect(result.changes.map((c) => c.file)).toEqual(["web.yaml"]);
      expect(result.errors.map((e) => e.message)).toEqual([
        "cannot write locked/web.yaml: EACCES: permission denied; check the file's and its directory's permissions (the other files were written)",
      ]);
      expect(readFileSync(join(repo, "web.yaml"), "utf8")).toBe(pod.replace("1.27.3", "1.27.5"));
      expect(readFileSync(join(repo, "locked/web.yaml"), "utf8")).toBe(pod);
    } finally {
      await registryClient.close();
    }
  });
});

describe("an allow-tags regexp RE2 refuses", () => {
  it("is reported once, on that target, and the other targets are planned", async () => {
    write(
      ".github/argocd-image-pr.yml",
      "targets:\n  - name: bad\n    file: bad.yaml\n    image: registry.example/web/nginx\n    allowTags: 'regexp:^(?!1\\.27\\.5$).*'\n  - name: good\n    file: good.yaml\n    image: registry.example/web/nginx\n",
    );
    const pod = (name: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata: { name: ${name} }\nspec:\n  containers:\n    - name: web\n      image: registry.example/web/nginx:1.27.3\n`;
    write("bad.yaml", pod("bad"));
    write("good.yaml", pod("good"));

    const result = await runPlan(options({ write: false }));

    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /allowTags: allow-tags "regexp:\^\(\?!1\\\.27\\\.5\$\)\.\*" is not a valid regular expression \(invalid or unsupported Perl syntax: `\(\?!`: look-around, which RE2 does not support/,
      ),
    ]);
    expect(result.updates.map((u) => [u.file, u.to])).toEqual([["good.yaml", "1.27.5"]]);
  });
});
