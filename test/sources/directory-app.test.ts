/**
 * Directory-type Applications: which files Argo CD renders (directory.recurse, include, exclude,
 * its glob dialect), and the targets they make.
 */
import { describe, expect, it } from "vitest";

import { compileArgoGlob, directoryManifestFiles, parseManifests, targetsFromApplications } from "../../src/sources/index.js";
import { memoryRepo } from "../support/memory-repo.js";

describe("Argo CD's include / exclude globs (gobwas/glob without separators)", () => {
  it.each([
    ["*.yaml", "deploy.yaml", true],
    ["*.yaml", "sub/deploy.yaml", true], // no separators: * crosses /
    ["*.yaml", "deploy.yml", false],
    ["sub/*", "sub/a/b.yaml", true],
    ["?.yaml", "a.yaml", true],
    ["?.yaml", "ab.yaml", false],
    ["{config.json,env-usw2/*}", "config.json", true],
    ["{config.json,env-usw2/*}", "env-usw2/deploy.yaml", true],
    ["{config.json,env-usw2/*}", "env-use1/deploy.yaml", false],
    ["{a,b{c,d}}.yaml", "bd.yaml", true],
    ["[a-c]*.yaml", "b.yaml", true],
    ["[a-c]*.yaml", "d.yaml", false],
    ["[!a-c]*.yaml", "d.yaml", true],
    ["[!a-c]*.yaml", "a.yaml", false],
    ["\\*.yaml", "*.yaml", true],
    ["\\*.yaml", "a.yaml", false],
    ["**.yaml", "x/y/z.yaml", true],
    ["deploy.yaml", "deploy.yaml", true],
    ["deploy.yaml", "sub/deploy.yaml", false],
    ["a.b", "axb", false], // . is literal
    ["(x)+.yaml", "(x)+.yaml", true],
  ])("%s against %s: %s", (pattern, path, expected) => {
    const glob = compileArgoGlob(pattern);
    expect(glob).not.toBeNull();
    expect(glob?.test(path)).toBe(expected);
  });

  it.each(["{a,b", "[a-", "a\\"])("%s does not compile (Argo CD then matches nothing)", (pattern) => {
    expect(compileArgoGlob(pattern)).toBeNull();
  });
});

const files = {
  "manifests/web/deploy.yaml": "kind: Deployment\n",
  "manifests/web/service.yml": "kind: Service\n",
  "manifests/web/config.json": "{}\n",
  "manifests/web/lib.jsonnet": "{}\n",
  "manifests/web/README.md": "# web\n",
  "manifests/web/sub/cron.yaml": "kind: CronJob\n",
  "manifests/web/sub/deeper/job.yaml": "kind: Job\n",
  "manifests/other.yaml": "kind: Pod\n",
};

describe("directoryManifestFiles: the files Argo CD reads for a directory app", () => {
  it.each([
    [
      { recurse: false, include: null, exclude: null },
      ["manifests/web/config.json", "manifests/web/deploy.yaml", "manifests/web/lib.jsonnet", "manifests/web/service.yml"],
    ],
    [
      { recurse: true, include: null, exclude: null },
      [
        "manifests/web/config.json",
        "manifests/web/deploy.yaml",
        "manifests/web/lib.jsonnet",
        "manifests/web/service.yml",
        "manifests/web/sub/cron.yaml",
        "manifests/web/sub/deeper/job.yaml",
      ],
    ],
    [
      { recurse: true, include: null, exclude: "sub/*" },
      ["manifests/web/config.json", "manifests/web/deploy.yaml", "manifests/web/lib.jsonnet", "manifests/web/service.yml"],
    ],
    [
      { recurse: true, include: "{deploy.yaml,sub/cron.yaml}", exclude: null },
      ["manifests/web/deploy.yaml", "manifests/web/sub/cron.yaml"],
    ],
    [{ recurse: true, include: "*.yaml", exclude: "*job*" }, ["manifests/web/deploy.yaml", "manifests/web/sub/cron.yaml"]],
    // An include that does not compile matches nothing, as in Argo CD.
    [{ recurse: true, include: "{deploy.yaml", exclude: null }, []],
  ])("%o", async (selection, expected) => {
    expect(await directoryManifestFiles(memoryRepo(files), "manifests/web", selection)).toEqual(expected);
  });

  it("reads the repository root for an empty path", async () => {
    expect(
      await directoryManifestFiles(memoryRepo({ "a.yaml": "", "b/c.yaml": "" }), "", { recurse: false, include: null, exclude: null }),
    ).toEqual(["a.yaml"]);
  });
});

const P = "argocd-image-updater.argoproj.io";

function application(annotations: Record<string, string>, source: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations: ${JSON.stringify(annotations)}
spec:
  source: ${source}
`;
}

describe("a directory-type Application makes a target that edits its manifests", () => {
  it.each([
    ["git", { [`${P}/write-back-method`]: "git" }],
    ["argocd (the default)", {}],
  ])("write-back-method %s, with a spec.source.directory block", (_, extra) => {
    const parsed = parseManifests(
      application(
        { [`${P}/image-list`]: "web=ghcr.io/acme/web", ...extra },
        "{ repoURL: https://github.com/acme/gitops, path: manifests/web, directory: { recurse: true, exclude: 'sub/*' } }",
      ),
      "apps/web.yaml",
    );
    const result = targetsFromApplications(parsed);
    expect(result.problems).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.write])).toEqual([
      [
        "argocd/web/web",
        {
          kind: "manifest",
          path: "manifests/web",
          directory: { recurse: true, include: null, exclude: "sub/*" },
          kustomizeImageName: null,
          helm: null,
        },
      ],
    ]);
  });

  it("warns when an include or exclude pattern does not compile (Argo CD then includes nothing / excludes nothing)", () => {
    const parsed = parseManifests(
      application(
        { [`${P}/image-list`]: "web=ghcr.io/acme/web" },
        "{ repoURL: https://github.com/acme/gitops, path: manifests/web, directory: { include: '{a,b' } }",
      ),
      "apps/web.yaml",
    );
    const result = targetsFromApplications(parsed);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      ["warning", expect.stringContaining('spec.source.directory.include "{a,b" is not a valid glob')],
    ]);
  });
});
