import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readManifests, readManifestsFromPaths, readManifestsFromRepo } from "../../src/sources/index.js";
import { memoryRepo, memoryRepoFromDir } from "../support/memory-repo.js";

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

  const updater = (name: string) => `apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: ${name}, namespace: argocd }
spec: { applicationRefs: [{ namePattern: "*" }] }
`;
  it.each<[string, Record<string, string>, string[], string[], { app: string | null; file: string; message: string }[]]>([
    [
      "an Application in two files",
      { "a.yaml": app("my-app-prod"), "b.yaml": `${app("my-app-prod")}---\n${app("other")}` },
      ["other"],
      [],
      [
        {
          app: "argocd/my-app-prod",
          file: "apps/a.yaml",
          message: "Application argocd/my-app-prod is defined in both apps/a.yaml and apps/b.yaml; keep one (it was skipped)",
        },
      ],
    ],
    [
      "an Application twice in one file",
      { "a.yaml": `${app("web")}---\n${app("web")}` },
      [],
      [],
      [
        {
          app: "argocd/web",
          file: "apps/a.yaml",
          message: "Application argocd/web is defined 2 times in apps/a.yaml; keep one (it was skipped)",
        },
      ],
    ],
    [
      "an ImageUpdater in three files",
      { "a.yaml": updater("u"), "b.yaml": updater("u"), "c.yaml": `${updater("u")}---\n${updater("v")}` },
      [],
      ["v"],
      [
        {
          app: null,
          file: "apps/a.yaml",
          message: "ImageUpdater argocd/u is defined in apps/a.yaml, apps/b.yaml and apps/c.yaml; keep one (it was skipped)",
        },
      ],
    ],
    [
      "the same name in two namespaces is no duplicate",
      { "a.yaml": app("web"), "b.yaml": app("web").replace("{ name: web }", "{ name: web, namespace: team }") },
      ["web", "web"],
      [],
      [],
    ],
  ])("%s is an error naming the files; every copy is skipped", async (_name, files, apps, updaters, problems) => {
    const root = await mkdtemp(path.join(tmpdir(), "sources-dup-"));
    try {
      await mkdir(path.join(root, "apps"));
      for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, "apps", name), text);
      const found = await readManifestsFromPaths([path.join(root, "apps")], { root });
      expect(found.applications.map((a) => a.metadata.name)).toEqual(apps);
      expect(found.imageUpdaters.map((u) => u.metadata.name)).toEqual(updaters);
      expect(found.problems).toEqual(problems.map((p) => ({ ...p, image: null })));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("a missing path is a problem; the others are read", async () => {
    const missing = path.join(dir, "nope");
    const found = await readManifestsFromPaths([missing, path.join(dir, "apps/root.yaml")], { root: dir });
    expect(found.applications).toHaveLength(1);
    expect(found.problems).toEqual([
      { app: null, image: null, file: missing, message: expect.stringContaining(`cannot read "${missing}"`) },
    ]);
  });
});

describe("readManifestsFromRepo (the same paths, read through a RepoReader: a commit's tree)", () => {
  it("reads a repo directory exactly as readManifestsFromPaths reads the checkout", async () => {
    const repo = memoryRepoFromDir(dir);
    const fromRepo = await readManifestsFromRepo(repo, ["."]);
    expect(fromRepo).toEqual(await readManifestsFromPaths([dir], { root: dir }));
    expect(fromRepo.applications.map((a) => [a.metadata.name, a.file])).toEqual([
      ["root", "apps/root.yaml"],
      ["a1", "apps/team-a/a.yml"],
      ["a2", "apps/team-a/a.yml"],
    ]);
    expect(repo.reads.some((file) => file.startsWith(".git/"))).toBe(false);
  });

  it("accepts files and directories together, reading each file once", async () => {
    const repo = memoryRepoFromDir(dir);
    const found = await readManifestsFromRepo(repo, ["apps/root.yaml", "./apps/"]);
    expect(found.applications.map((a) => a.metadata.name)).toEqual(["root", "a1", "a2"]);
    expect(repo.reads.filter((file) => file === "apps/root.yaml")).toHaveLength(1);
  });

  it("a missing path is a problem naming it; the others are read", async () => {
    const found = await readManifestsFromRepo(memoryRepoFromDir(dir), ["nope", "apps/root.yaml"]);
    expect(found.applications).toHaveLength(1);
    expect(found.problems).toEqual([
      {
        app: null,
        image: null,
        file: "nope",
        message: 'cannot read "nope": there is no such file or directory in the repository; check the path',
      },
    ]);
  });

  it("a reader that fails is a problem naming the path, never a crash", async () => {
    const failing = { ...memoryRepo({ "apps/a.yaml": app("a") }), read: () => Promise.reject(new Error("blob too large")) };
    const found = await readManifests({ repo: { reader: failing, paths: ["apps"] } });
    expect(found.applications).toEqual([]);
    expect(found.problems).toEqual([{ app: null, image: null, file: "apps/a.yaml", message: 'cannot read "apps/a.yaml": blob too large' }]);
  });

  it("finds a duplicate across the repo and files outside it", async () => {
    const outside = await mkdtemp(path.join(tmpdir(), "sources-outside-"));
    try {
      await writeFile(path.join(outside, "web.yaml"), app("web"));
      const found = await readManifests({
        repo: { reader: memoryRepo({ "apps/web.yaml": app("web") }), paths: ["apps"] },
        disk: { paths: [outside], root: outside },
      });
      expect(found.applications).toEqual([]);
      expect(found.problems).toEqual([
        expect.objectContaining({ app: "argocd/web", message: expect.stringContaining("is defined in both web.yaml and apps/web.yaml") }),
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
