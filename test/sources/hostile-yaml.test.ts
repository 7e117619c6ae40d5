/**
 * YAML built to exhaust a parser — an alias bomb, thousands of nesting levels — fails only the file
 * it is in, by name and in words about the file, and the other files are still read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readImage } from "../../src/editors/index.js";
import { parseImageRef } from "../../src/image-ref/index.js";
import { parseManifests, parseRepoConfig, readManifestsFromPaths } from "../../src/sources/index.js";

/** 9^5 = 59,049 copies of "lol" from a few hundred bytes. */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "",
].join("\n");

const DEEP_FLOW = `${"[".repeat(5000)}${"]".repeat(5000)}`;
const DEEP_BLOCK = `${Array.from({ length: 1200 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`;

function application(name: string, extra = ""): string {
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n  annotations:\n    argocd-image-updater.argoproj.io/image-list: web=ghcr.io/o/web\nspec:\n  source: { repoURL: https://github.com/o/gitops, path: ${name} }\n${extra}`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "argocd-image-pr-hostile-yaml-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("an alias bomb", () => {
  it("in one Application file fails that file by name; the other files are read", async () => {
    mkdirSync(join(dir, "apps"));
    writeFileSync(join(dir, "apps", "bomb.yaml"), `${application("bomb", BOMB)}---\n${application("after")}`);
    writeFileSync(join(dir, "apps", "good.yaml"), application("good"));

    const result = await readManifestsFromPaths([join(dir, "apps")], { root: dir });

    expect(result.applications.map((app) => app.metadata.name)).toEqual(["after", "good"]);
    expect(result.problems).toEqual([
      {
        app: null,
        image: null,
        file: "apps/bomb.yaml",
        message:
          "apps/bomb.yaml: document 1 was skipped: its aliases (*name) expand it more than 100-fold, as an alias bomb does; write the repeated values out instead of aliasing them so often",
      },
    ]);
  });

  it("in the repo config fails the config by name, and nothing is thrown", () => {
    const result = parseRepoConfig(
      `targets:\n  - name: web\n    file: web.yaml\n    image: nginx\n${BOMB}`,
      ".github/argocd-image-pr.yml",
      null,
    );

    expect(result.targets).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([
      ".github/argocd-image-pr.yml: its aliases (*name) expand it more than 100-fold, as an alias bomb does; write the repeated values out instead of aliasing them so often (no target was read)",
    ]);
  });

  // Bounded by the test's own timeout: the editors never expand aliases.
  it("in a values file is read without expanding it", { timeout: 5_000 }, () => {
    const values = `${BOMB}image:\n  repository: ghcr.io/o/web\n  tag: 1.0.0\n`;

    const found = readImage(values, "values.yaml", {
      kind: "helm",
      image: parseImageRef("ghcr.io/o/web"),
      kustomizeImageName: null,
      helm: null,
      appName: null,
      createIfMissing: false,
    });

    expect(found?.tag).toBe("1.0.0");
  });
});

describe("YAML nested too deeply", () => {
  it.each([
    ["flow", DEEP_FLOW],
    ["block", DEEP_BLOCK],
  ])("(%s) in an Application file says the file nests too deeply, and where", (_name, deep) => {
    const result = parseManifests(
      `${application("deep", `extra: ${deep.startsWith("[") ? deep : `\n${deep.replace(/^/gm, "  ")}`}\n`)}`,
      "apps/deep.yaml",
    );

    expect(result.applications).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^apps\/deep\.yaml: document 1 was skipped: it nests too deeply to be read \(past line \d+, column \d+\); no manifest or values file needs hundreds of levels, so flatten it$/,
      ),
    ]);
  });

  it("in the repo config says so", () => {
    const result = parseRepoConfig(`targets: ${DEEP_FLOW}\n`, ".github/argocd-image-pr.yml", null);

    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^\.github\/argocd-image-pr\.yml: it nests too deeply to be read \(past line 1, column \d+\);.*\(no target was read\)$/,
      ),
    ]);
  });

  it("in a values file says so, naming the file", () => {
    expect(() =>
      readImage(`image: ${DEEP_FLOW}\n`, "charts/web/values.yaml", {
        kind: "helm",
        image: parseImageRef("ghcr.io/o/web"),
        kustomizeImageName: null,
        helm: null,
        appName: null,
        createIfMissing: false,
      }),
    ).toThrow(/^charts\/web\/values\.yaml is not valid YAML: it nests too deeply to be read \(past line 1, column \d+\)/);
  });
});

describe("huge files under --apps", () => {
  it(
    "reads the Applications next to a multi-megabyte bundle without parsing it, and refuses a huge Application document by name",
    { timeout: 10_000 },
    async () => {
      mkdirSync(join(dir, "apps"));
      const bundle = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: crds }\ndata:\n${Array.from({ length: 60_000 }, (_, i) => `  key${i}: value-${i}-padding`).join("\n")}\n`;
      const hugeApp = application(
        "huge",
        `extra:\n${Array.from({ length: 60_000 }, (_, i) => `  key${i}: value-${i}-padding`).join("\n")}\n`,
      );
      expect(bundle.length).toBeGreaterThan(1024 * 1024);
      writeFileSync(join(dir, "apps", "all.yaml"), `${bundle}---\n${application("small")}---\n${hugeApp}`);

      const result = await readManifestsFromPaths([join(dir, "apps")], { root: dir });

      expect(result.applications.map((app) => app.metadata.name)).toEqual(["small"]);
      expect(result.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(
          /^apps\/all\.yaml: document 3 is 1\.\d MiB, over the 1 MiB limit on one Application or ImageUpdater document; it was skipped$/,
        ),
      ]);
    },
  );
});
