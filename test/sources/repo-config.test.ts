import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { parseRepoConfig, readRepoConfig, renderRepoConfigSchema, REPO_CONFIG_SCHEMA_PATH } from "../../src/sources/index.js";

const FILE = ".github/argocd-image-pr.yml";
const REPO = { owner: "acme", name: "gitops" };
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("repo config: targets", () => {
  it("a full config becomes targets with defaults applied", () => {
    const result = parseRepoConfig(
      `
defaults:
  ignoreTags: latest
  platforms: [linux/amd64]
  branch: main
targets:
  - name: nginx
    path: ./apps/nginx/
    image: ghcr.io/nginxinc/nginx-unprivileged:>=1.27.0 <1.28.0
    alias: app
  - name: api
    file: charts/api/values-prod.yaml
    image: ghcr.io/acme/api
    strategy: latest
    allowTags: "regexp:^[0-9a-f]{7}$"
    helm: { imageTag: image.tag }
    keepSuffix: true
    maxUpdate: minor
    automerge: true
    pullSecret: env:API_REGISTRY_CREDS
    pins: [{ tag: 1.2.3, reason: rollback }]
`,
      FILE,
      REPO,
    );
    // pins are applied: the target carries its pin, which the engine proposes exactly
    expect(result.problems).toEqual([]);
    expect(result.targets).toEqual([
      {
        id: "nginx/app",
        origin: "repo-config",
        app: null,
        alias: "app",
        image: { registry: "ghcr.io", repository: "nginxinc/nginx-unprivileged", tag: null, digest: null },
        git: { repoURL: "https://github.com/acme/gitops", repo: REPO, branch: "main" },
        write: { kind: "kustomize", path: "apps/nginx", kustomizeImageName: null, helm: null },
        policy: {
          strategy: "semver",
          constraint: ">=1.27.0 <1.28.0",
          allowTags: { kind: "any" },
          ignoreTags: ["latest"],
          platforms: ["linux/amd64"],
          keepSuffix: false,
          maxUpdate: null,
        },
        forceUpdate: true,
        pullSecret: null,
        liveImages: null,
        declaredIn: ".github/argocd-image-pr.yml targets[0] (nginx)",
        deploysFrom: null,
      },
      expect.objectContaining({
        id: "api/api",
        write: {
          kind: "helm",
          path: "charts/api/values-prod.yaml",
          kustomizeImageName: null,
          helm: { imageName: null, imageTag: "image.tag", imageSpec: null },
        },
        policy: {
          strategy: "newest-build",
          constraint: null,
          allowTags: { kind: "regexp", pattern: "^[0-9a-f]{7}$" },
          ignoreTags: ["latest"],
          platforms: ["linux/amd64"],
          keepSuffix: true,
          maxUpdate: "minor",
        },
        pullSecret: "env:API_REGISTRY_CREDS",
        pin: { tag: "1.2.3", reason: "rollback" },
      }),
    ]);
    expect(result.targets[0]).not.toHaveProperty("pin");
  });

  it.each([
    ['[{ tag: "1.0" }, { tag: "2.0" }]', "targets[0] (a).pins: give at most one pin (the tag to hold the image at); found 2"],
    ['[{ tag: "~1.2" }]', 'targets[0] (a).pins[0].tag "~1.2" is not a tag; a pin names one tag the registry has, e.g. 1.27.3'],
  ])("pins: %s is an error naming the fix", (pins, message) => {
    const result = parseRepoConfig(`targets:\n  - { name: a, path: p, image: org/a, pins: ${pins} }\n`, FILE, REPO);
    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([
      { app: null, image: "docker.io/org/a", file: FILE, message: `${FILE}: ${message}. This target was skipped` },
    ]);
  });

  it.each([
    [{ path: "apps/x" }, "kustomize"],
    [{ file: "apps/x/kustomization.yaml" }, "kustomize"],
    [{ file: "apps/x/Kustomization" }, "kustomize"],
    [{ file: "charts/x/values.yaml" }, "helm"],
    [{ file: "charts/x/values-prod.yml" }, "helm"],
    [{ file: "apps/x/.argocd-source-x.yaml" }, "argocd-source"],
    [{ file: "apps/x/deployment.yaml" }, "manifest"],
    [{ file: "apps/x/deployment.yaml", kind: "application" }, "application"],
  ])("kind inferred from %j: %s", (where, kind) => {
    const lines = Object.entries(where)
      .map(([k, v]) => `    ${k}: ${v}`)
      .join("\n");
    const result = parseRepoConfig(`targets:\n  - name: x\n    image: org/x\n${lines}\n`, FILE, REPO);
    expect(result.problems).toEqual([]);
    expect(result.targets[0]?.write.kind).toBe(kind);
  });

  it("a digest target keeps the tag to follow as its constraint", () => {
    const result = parseRepoConfig(
      `targets:\n  - { name: x, path: a, image: "org/x", strategy: digest, constraint: latest }\n`,
      FILE,
      null,
    );
    expect(result.targets[0]?.policy).toMatchObject({ strategy: "digest", constraint: "latest" });
    expect(result.targets[0]?.git).toEqual({ repoURL: "", repo: null, branch: null });
  });
});

describe("repo config: errors name the file, the target, the key and the fix; other targets go on", () => {
  const good = "  - { name: ok, path: apps/ok, image: org/ok }\n";
  it.each<[string, string, RegExp]>([
    [
      "unknown key (typo)",
      "  - { name: a, path: p, image: org/a, stratgey: semver }\n",
      /targets\[0\] \(a\): Unrecognized key: "stratgey"/,
    ],
    ["unknown strategy", "  - { name: a, path: p, image: org/a, strategy: newest }\n", /targets\[0\] \(a\)\.strategy: Invalid option/],
    ["path and file", "  - { name: a, path: p, file: f.yaml, image: org/a }\n", /give exactly one of path or file/],
    ["neither path nor file", "  - { name: a, image: org/a }\n", /give exactly one of path or file/],
    ["no image", "  - { name: a, path: p }\n", /targets\[0\] \(a\)\.image/],
    ["invalid image", "  - { name: a, path: p, image: 'Org/A' }\n", /targets\[0\] \(a\)\.image "Org\/A" is not a valid image/],
    [
      "digest in image",
      "  - { name: a, path: p, image: 'org/a@sha256:0123abcd' }\n",
      /targets\[0\] \(a\)\.image "org\/a@sha256:0123abcd": a digest is not a constraint; write a tag constraint \(e\.g\. ~1\.27\) and use strategy: digest/,
    ],
    [
      "absolute file",
      "  - { name: a, file: /etc/passwd, image: org/a }\n",
      /targets\[0\] \(a\)\.file "\/etc\/passwd" is absolute or contains "\.\."; paths are relative to the repository root/,
    ],
    [
      "absolute path",
      "  - { name: a, path: /apps/a, image: org/a }\n",
      /targets\[0\] \(a\)\.path "\/apps\/a" is absolute.*paths are relative to the repository root/,
    ],
    [
      "file climbing out",
      "  - { name: a, file: apps/../../secrets.yaml, image: org/a }\n",
      /targets\[0\] \(a\)\.file "apps\/\.\.\/\.\.\/secrets\.yaml".*paths are relative to the repository root/,
    ],
    [
      "windows drive",
      "  - { name: a, file: 'C:\\\\repo\\\\values.yaml', image: org/a }\n",
      /targets\[0\] \(a\)\.file .*paths are relative to the repository root/,
    ],
    ["alias in image", "  - { name: a, path: p, image: 'x=org/a' }\n", /use the alias field instead/],
    ["constraint twice", "  - { name: a, path: p, image: 'org/a:^1', constraint: '^2' }\n", /the constraint is given twice/],
    [
      "invalid regexp",
      "  - { name: a, path: p, image: org/a, allowTags: 'regexp:([' }\n",
      /targets\[0\] \(a\)\.allowTags: allow-tags "regexp:\(\[" is not a valid regular expression/,
    ],
    [
      "invalid platform",
      "  - { name: a, path: p, image: org/a, platforms: [amd64] }\n",
      /targets\[0\] \(a\)\.platforms: platform "amd64" is not os\/arch/,
    ],
    ["bad name", "  - { name: 'a b', path: p, image: org/a }\n", /targets\[0\] \(a b\)\.name: use letters/],
    ["bad maxUpdate", "  - { name: a, path: p, image: org/a, maxUpdate: huge }\n", /maxUpdate/],
    [
      "helm and kustomize",
      "  - { name: a, path: p, image: org/a, helm: { imageTag: t }, kustomize: { imageName: a } }\n",
      /give helm or kustomize, not both/,
    ],
  ])("%s", (_name, target, message) => {
    const result = parseRepoConfig(`targets:\n${target}${good}`, FILE, REPO);
    const okTargets = result.targets.filter((t) => t.id === "ok/ok");
    expect(okTargets).toHaveLength(1);
    expect(result.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(result.problems.every((p) => p.file === FILE && p.message.startsWith(`${FILE}: `))).toBe(true);
  });

  it("an invalid platform skips the target rather than dropping the restriction", () => {
    const result = parseRepoConfig(
      `targets:\n  - { name: a, path: p, image: org/a, platforms: [linux/arm64, linux-amd64] }\n${good}`,
      FILE,
      REPO,
    );
    expect(result.targets.map((t) => t.id)).toEqual(["ok/ok"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/targets\[0\] \(a\)\.platforms: platform "linux-amd64" is not os\/arch\[\/variant\]; write it as linux\/amd64/),
    ]);
  });

  it.each<[string, string, string]>([
    ["a quoted 1", 'version: "1"', 'version: "1" is a string; write the number 1, unquoted (no target was read)'],
    ["another number", "version: 2", "version 2 is not supported; this argocd-image-pr reads version 1 (no target was read)"],
    ["not a number", "version: v1", "version: write the number 1 (or leave version out) (no target was read)"],
  ])("version: %s says what to write", (_name, line, message) => {
    const result = parseRepoConfig(`${line}\ntargets:\n${good}`, FILE, REPO);
    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([{ app: null, image: null, file: FILE, message: `${FILE}: ${message}` }]);
  });

  it("version: 1 and no version are both read", () => {
    expect(parseRepoConfig(`version: 1\ntargets:\n${good}`, FILE, REPO).targets).toHaveLength(1);
    expect(parseRepoConfig(`targets:\n${good}`, FILE, REPO).targets).toHaveLength(1);
  });

  it("duplicate names: the second is skipped", () => {
    const result = parseRepoConfig(`targets:\n${good}${good}`, FILE, REPO);
    expect(result.targets).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/the name "ok" is used twice/);
  });

  it.each<[string, string, RegExp]>([
    ["invalid YAML", "targets: [\n", /not valid YAML/],
    ["targets not a list", "defaults: {}\ntargets: {}\n", /targets: Invalid input: expected array/],
    ["a bad rebase policy", "rebase: sometimes\n", /rebase: Invalid option/],
    ["an automerge rule with an unknown key", "automerge: [{ path: dev }]\n", /automerge\.0: Unrecognized key: "path"/],
    ["unknown top-level key", "targets: []\ntarget: []\n", /Unrecognized key: "target"/],
    ["bad defaults", "defaults: { strategy: fastest }\ntargets: []\n", /defaults\.strategy/],
  ])("%s reads no target", (_name, text, message) => {
    const result = parseRepoConfig(text, FILE, REPO);
    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([{ app: null, image: null, file: FILE, message: expect.stringMatching(message) }]);
  });

  it("reads the pull-request settings, and a config of Applications alone (no targets)", () => {
    const text = `applications: [apps]\nlabels: [deps]\ntitle: "Deploy {image} {to}"\ncommitPrefix: chore(deps)\nrebase: behind\nmergeMethod: merge\nautomerge:\n  - { paths: "overlays/dev/**", updateTypes: [patch, minor, other] }\n`;
    expect(parseRepoConfig(text, FILE, REPO)).toEqual({ targets: [], problems: [], skipped: [] });
    expect(readRepoConfig(text)).toEqual({
      applications: ["apps"],
      labels: ["deps"],
      title: "Deploy {image} {to}",
      commitPrefix: "chore(deps)",
      rebase: "behind",
      mergeMethod: "merge",
      automerge: [{ paths: "overlays/dev/**", updateTypes: ["patch", "minor", "other"] }],
      targets: [],
    });
    expect(readRepoConfig(`targets:\n  - { name: a, path: p, image: org/a, group: web }\n`)?.targets[0]?.group).toBe("web");
  });

  it("readRepoConfig gives the typed config (automerge, pins)", () => {
    expect(
      readRepoConfig(`targets:\n  - { name: a, path: p, image: org/a, automerge: true, pins: [{ tag: "1.0" }] }\n`)?.targets[0],
    ).toMatchObject({
      automerge: true,
      pins: [{ tag: "1.0" }],
    });
  });
});

describe("JSON Schema", () => {
  it(`${REPO_CONFIG_SCHEMA_PATH} is up to date`, async () => {
    const committed = await readFile(path.join(projectRoot, REPO_CONFIG_SCHEMA_PATH), "utf8");
    expect(
      committed === renderRepoConfigSchema(),
      `${REPO_CONFIG_SCHEMA_PATH} is out of date with src/sources/repo-config.ts; regenerate it with: npm run schema`,
    ).toBe(true);
  });

  it("describes targets with the fields editors should complete", () => {
    const schema = JSON.parse(renderRepoConfigSchema()) as {
      properties: { targets: { items: { properties: Record<string, unknown>; required: string[] } } };
    };
    expect(Object.keys(schema.properties.targets.items.properties)).toEqual(
      expect.arrayContaining([
        "name",
        "path",
        "file",
        "kind",
        "image",
        "strategy",
        "constraint",
        "allowTags",
        "ignoreTags",
        "platforms",
        "helm",
        "kustomize",
        "automerge",
        "pins",
      ]),
    );
    expect(schema.properties.targets.items.required).toEqual(["name", "image"]);
  });
});
