import { describe, expect, it } from "vitest";
import { parseImageRef } from "../image-ref/index.js";
import type { Target, WriteKind } from "../model/index.js";
import { applyTargetEdit, composeChanges } from "./index.js";
import type { RepoReader, TargetEdit, TargetOutcome } from "./index.js";

const IMAGE = parseImageRef("ghcr.io/acme/web");

function edit(file: string, tag: string, overrides: Partial<TargetEdit> = {}, kind: WriteKind = "kustomize"): TargetEdit {
  return {
    file,
    kind,
    locator: { kind, image: IMAGE, kustomizeImageName: null, helm: null, appName: null, createIfMissing: kind === "kustomize" },
    tag,
    digest: null,
    ...overrides,
  };
}

function target(id: string): Target {
  return {
    id,
    origin: "repo-config",
    app: null,
    alias: "web",
    image: IMAGE,
    git: { repoURL: "https://github.com/acme/gitops", repo: { owner: "acme", name: "gitops" }, branch: null },
    write: { kind: "kustomize", path: "apps/web", kustomizeImageName: null, helm: null },
    policy: {
      strategy: "semver",
      constraint: null,
      allowTags: { kind: "any" },
      ignoreTags: [],
      platforms: [],
      keepSuffix: false,
      maxUpdate: null,
    },
    forceUpdate: true,
    pullSecret: null,
    liveImages: null,
    declaredIn: ".github/argocd-image-pr.yml",
    deploysFrom: null,
  };
}

function update(id: string, change: TargetEdit): TargetOutcome {
  return {
    kind: "update",
    target: target(id),
    edits: [change],
    update: {
      targetId: id,
      app: null,
      alias: "web",
      image: "ghcr.io/acme/web",
      file: change.file,
      files: [change.file],
      kind: change.kind,
      from: "1.0.0",
      fromDigest: null,
      to: change.tag,
      digest: change.digest,
      imageDigest: null,
      strategy: "semver",
      reason: `${change.tag}: newest`,
      created: null,
      sourceUrl: null,
      revision: null,
    },
  };
}

function reader(files: Record<string, string>): RepoReader {
  return {
    read: (path) => Promise.resolve(files[path] ?? null),
    list: () => Promise.resolve(null),
  };
}

const KUSTOMIZATION = "# the web app\nresources: [deploy.yaml]\nimages:\n  - name: ghcr.io/acme/web\n    newTag: 1.0.0 # pinned by ops\n";

describe("applyTargetEdit", () => {
  it("re-applies one target's edit to a base text other commits changed", () => {
    const change = edit("apps/web/kustomization.yaml", "1.1.0");
    const moved = KUSTOMIZATION.replace("# the web app", "# the web app, now with a config map\nconfigMapGenerator: [{ name: web }]");

    expect(applyTargetEdit(KUSTOMIZATION, change)).toBe(KUSTOMIZATION.replace("newTag: 1.0.0", "newTag: 1.1.0"));
    expect(applyTargetEdit(moved, change)).toBe(moved.replace("newTag: 1.0.0", "newTag: 1.1.0"));
  });

  it("writes the digest after the tag, and is the same when applied twice", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const once = applyTargetEdit(KUSTOMIZATION, edit("k.yaml", "1.1.0", { digest }));
    expect(once).toContain(`digest: ${digest}`);
    expect(applyTargetEdit(once, edit("k.yaml", "1.1.0", { digest }))).toBe(once);
  });

  it("throws, naming the file, when the base text no longer has the image", () => {
    const change = edit("apps/web/values.yaml", "1.1.0", {}, "helm");
    expect(() => applyTargetEdit("image:\n  repository: ghcr.io/acme/other\n  tag: 1.0.0\n", change)).toThrow(/apps\/web\/values\.yaml/);
  });
});

describe("composeChanges", () => {
  it("composes several targets' edits of one file into one change, over the reader's text", async () => {
    const both = `${KUSTOMIZATION}  - name: ghcr.io/acme/api\n    newTag: 2.0.0\n`;
    const api = edit("k.yaml", "2.1.0", { locator: { ...edit("k.yaml", "").locator, image: parseImageRef("ghcr.io/acme/api") } });
    const outcomes = [update("web/web", edit("k.yaml", "1.1.0")), update("api/api", api)];

    const composed = await composeChanges(outcomes, reader({ "k.yaml": both }));

    expect(composed.problems).toEqual([]);
    expect(composed.updates.map((u) => u.targetId)).toEqual(["web/web", "api/api"]);
    expect(composed.changes).toEqual([{ file: "k.yaml", before: both, after: both.replace("1.0.0", "1.1.0").replace("2.0.0", "2.1.0") }]);
  });

  it("refuses a file two targets want at different versions of one image, and composes the other files", async () => {
    const outcomes = [
      update("a/web", edit("k.yaml", "1.1.0")),
      update("b/web", edit("k.yaml", "1.2.0")),
      update("c/web", edit("other.yaml", "1.2.0")),
    ];

    const composed = await composeChanges(outcomes, reader({ "k.yaml": KUSTOMIZATION, "other.yaml": KUSTOMIZATION }));

    expect(composed.changes.map((c) => c.file)).toEqual(["other.yaml"]);
    expect(composed.updates.map((u) => u.targetId)).toEqual(["c/web"]);
    expect(composed.problems).toEqual([
      {
        target: "a/web",
        app: null,
        image: "ghcr.io/acme/web",
        file: "k.yaml",
        message:
          "k.yaml: several targets set ghcr.io/acme/web to different versions (a/web wants 1.1.0; b/web wants 1.2.0), so nothing was written to the file; keep one declaration of the image for this file",
      },
    ]);
  });

  it("leaves a file out whole when one of its edits fails", async () => {
    const helm = "image:\n  repository: ghcr.io/acme/web\n  tag: 1.0.0\n";
    const missing = edit(
      "values.yaml",
      "1.1.0",
      { locator: { ...edit("values.yaml", "", {}, "helm").locator, image: parseImageRef("ghcr.io/acme/gone") } },
      "helm",
    );
    const outcomes = [update("a/web", edit("values.yaml", "1.1.0", {}, "helm")), update("b/gone", missing)];

    const composed = await composeChanges(outcomes, reader({ "values.yaml": helm }));

    expect(composed.changes).toEqual([]);
    expect(composed.updates).toEqual([]);
    expect(composed.problems).toEqual([
      expect.objectContaining({ target: "b/gone", file: "values.yaml", message: expect.stringContaining("values.yaml") }),
    ]);
  });

  it("lands a target's edits of several files together, or none of them when one file is left out", async () => {
    const manifest = (tag: string) =>
      `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - { name: web, image: "ghcr.io/acme/web:${tag}" }\n`;
    const files = { "m/deploy.yaml": manifest("1.0.0"), "m/cron.yaml": manifest("1.0.0") };
    const both = (tag: string): TargetOutcome => {
      const single = update("argocd/web/web", edit("m/deploy.yaml", tag, {}, "manifest"));
      if (single.kind !== "update") throw new Error("update expected");
      return {
        ...single,
        edits: [edit("m/deploy.yaml", tag, {}, "manifest"), edit("m/cron.yaml", tag, {}, "manifest")],
        update: { ...single.update, files: ["m/deploy.yaml", "m/cron.yaml"] },
      };
    };

    const together = await composeChanges([both("1.1.0")], reader(files));
    expect(together.problems).toEqual([]);
    expect(together.changes.map((c) => [c.file, c.after])).toEqual([
      ["m/deploy.yaml", manifest("1.1.0")],
      ["m/cron.yaml", manifest("1.1.0")],
    ]);

    // Another target wants the cron file's image at another version: neither of the first target's files changes.
    const composed = await composeChanges([both("1.1.0"), update("cron/web", edit("m/cron.yaml", "1.2.0", {}, "manifest"))], reader(files));
    expect(composed.changes).toEqual([]);
    expect(composed.updates).toEqual([]);
    expect(composed.problems.map((p) => [p.target, p.file])).toEqual([["argocd/web/web", "m/cron.yaml"]]);
  });

  it("creates a file absent from the base when its kind may, and ignores outcomes that change nothing", async () => {
    const quiet: TargetOutcome = {
      kind: "up-to-date",
      target: target("q/web"),
      quiet: { targetId: "q/web", app: null, alias: "web", image: "ghcr.io/acme/web", file: "k.yaml", current: "1.0.0", reason: "newest" },
    };
    const override = edit("apps/web/.argocd-source-web.yaml", "1.1.0", {}, "argocd-source");
    const composed = await composeChanges(
      [quiet, update("a/web", { ...override, locator: { ...override.locator, appName: "web", createIfMissing: true } })],
      reader({}),
    );

    expect(composed.problems).toEqual([]);
    expect(composed.changes).toEqual([
      { file: "apps/web/.argocd-source-web.yaml", before: null, after: expect.stringContaining("ghcr.io/acme/web:1.1.0") },
    ]);
  });
});
