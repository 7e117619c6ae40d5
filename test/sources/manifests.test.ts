import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readManifestsFromPaths } from "../../src/sources/index.js";

const app = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: ${name} }
spec: { source: { repoURL: "https://github.com/acme/gitops" } }
`;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sources-manifests-"));
  await mkdir(path.join(dir, "apps/team-a"), { recursive: true });
  await mkdir(path.join(dir, ".git"), { recursive: true });
  await writeFile(path.join(dir, "apps/root.yaml"), app("root"));
  await writeFile(path.join(dir, "apps/team-a/a.yml"), `${app("a1")}---\n${app("a2")}`);
  await writeFile(path.join(dir, "apps/team-a/README.md"), "not yaml");
  await writeFile(path.join(dir, "apps/team-a/kustomization.yaml"), "resources: [a.yml]\n");
  await writeFile(path.join(dir, ".git/config.yaml"), app("hidden"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readManifestsFromPaths (app-of-apps repos)", () => {
  it("walks directories recursively, *.yaml and *.yml only, skipping .git; names files from the root", async () => {
    const found = await readManifestsFromPaths([dir], { root: dir });
    expect(found.problems).toEqual([]);
    expect(found.applications.map((a) => [a.metadata.name, a.file])).toEqual([
      ["root", "apps/root.yaml"],
      ["a1", "apps/team-a/a.yml"],
      ["a2", "apps/team-a/a.yml"],
    ]);
  });

  it("accepts files and directories together, reading each file once", async () => {
    const found = await readManifestsFromPaths([path.join(dir, "apps/root.yaml"), path.join(dir, "apps")], { root: dir });
    expect(found.applications.map((a) => a.metadata.name)).toEqual(["root", "a1", "a2"]);
  });

  it("a huge document that cannot be an Application is skipped before parsing; the Applications beside it are read", async () => {
    const big = await mkdtemp(path.join(tmpdir(), "sources-big-"));
    try {
      // 50k keys, the last one repeated: the full parse would report "Map keys must be unique".
      const keys = Array.from({ length: 50_000 }, (_, i) => `key${i}: value${i}`).join("\n");
      await writeFile(path.join(big, "values.yaml"), `${keys}\nkey0: again\n`);
      await writeFile(path.join(big, "app.yaml"), app("web"));
      const found = await readManifestsFromPaths([big], { root: big });
      expect(found.problems).toEqual([]);
      expect(found.applications.map((a) => [a.metadata.name, a.file])).toEqual([["web", "app.yaml"]]);
    } finally {
      await rm(big, { recursive: true, force: true });
    }
  });

  it("a missing path is a problem; the others are read", async () => {
    const missing = path.join(dir, "nope");
    const found = await readManifestsFromPaths([missing, path.join(dir, "apps/root.yaml")], { root: dir });
    expect(found.applications).toHaveLength(1);
    expect(found.problems).toEqual([{ app: null, image: null, file: missing, message: expect.stringContaining(`cannot read "${missing}"`) }]);
  });
});
