import { describe, expect, it } from "vitest";

import type { ImagePolicy, Target } from "../../src/model/index.js";
import { readAnnotations } from "../../src/sources/annotations.js";
import { splitImageSpec } from "../../src/sources/image-spec.js";
import { parseAllowTags, parseStrategy } from "../../src/sources/index.js";
import { targetsFromApplications, type Application } from "../../src/sources/index.js";

const P = "argocd-image-updater.argoproj.io/";

function app(annotations: Record<string, string>, extra: Partial<Application["spec"]> = {}): Application {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: "web", namespace: "argocd", annotations },
    spec: { source: { repoURL: "https://github.com/acme/gitops", path: "apps/web", targetRevision: "HEAD" }, ...extra },
    file: null,
  };
}

function withPrefix(annotations: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${P}${k}`, v]));
}

function run(annotations: Record<string, string>, extra: Partial<Application["spec"]> = {}) {
  return targetsFromApplications({ applications: [app(withPrefix(annotations), extra)], imageUpdaters: [] });
}

const DEFAULT_POLICY: ImagePolicy = {
  strategy: "semver",
  constraint: null,
  allowTags: { kind: "any" },
  ignoreTags: [],
  platforms: [],
  keepSuffix: false,
  maxUpdate: null,
};

describe("splitImageSpec: [alias=]image[:constraint] as image-updater splits it", () => {
  it.each([
    ["nginx", { alias: null, name: "nginx", constraint: null, digest: null }],
    ["nginx:1.x", { alias: null, name: "nginx", constraint: "1.x", digest: null }],
    ["web=nginx", { alias: "web", name: "nginx", constraint: null, digest: null }],
    ["web=nginx:~1.26", { alias: "web", name: "nginx", constraint: "~1.26", digest: null }],
    [
      "app=ghcr.io/nginxinc/nginx-unprivileged:>=1.27.0 <1.28.0",
      { alias: "app", name: "ghcr.io/nginxinc/nginx-unprivileged", constraint: ">=1.27.0 <1.28.0", digest: null },
    ],
    ["quay.io/org/app:^1.0 || ^2.0", { alias: null, name: "quay.io/org/app", constraint: "^1.0 || ^2.0", digest: null }],
    ["registry.local:5000/team/app:1.2.x", { alias: null, name: "registry.local:5000/team/app", constraint: "1.2.x", digest: null }],
    ["localhost:5000/app:^1", { alias: null, name: "localhost:5000/app", constraint: "^1", digest: null }],
    ["myreg:5000/app:~2", { alias: null, name: "myreg:5000/app", constraint: "~2", digest: null }],
    ["  x = org/app:1.0  ", { alias: "x", name: "org/app", constraint: "1.0", digest: null }],
    ["org/app:", { alias: null, name: "org/app", constraint: null, digest: null }],
    ["org/app@sha256:abc", { alias: null, name: "org/app", constraint: null, digest: "sha256:abc" }],
    ["a=b=c", { alias: "a", name: "b=c", constraint: null, digest: null }],
    ["nginx:>=1.27.0 <1.28.0", { alias: null, name: "nginx", constraint: ">=1.27.0 <1.28.0", digest: null }],
    ["ghcr.io/x/y:>=1", { alias: null, name: "ghcr.io/x/y", constraint: ">=1", digest: null }],
    ["app=ghcr.io/x/y:>=1 <=2", { alias: "app", name: "ghcr.io/x/y", constraint: ">=1 <=2", digest: null }],
  ])("%s", (input, expected) => {
    expect(splitImageSpec(input)).toEqual(expected);
  });
});

describe("strategy names", () => {
  it.each([
    ["semver", "semver"],
    ["latest", "newest-build"],
    ["newest-build", "newest-build"],
    ["name", "alphabetical"],
    ["alphabetical", "alphabetical"],
    ["digest", "digest"],
    [" Semver ", "semver"],
    ["newest", null],
    ["", null],
  ])("%j → %j", (input, expected) => {
    expect(parseStrategy(input)).toBe(expected);
  });
});

describe("allow-tags", () => {
  it.each([
    ["any", { kind: "any" }],
    ["regexp:^v1\\.", { kind: "regexp", pattern: "^v1\\." }],
    ["regexp:^[0-9a-f]{5,40}$", { kind: "regexp", pattern: "^[0-9a-f]{5,40}$" }],
    ["regexp:", { kind: "regexp", pattern: "" }],
    ["regexp:([", { kind: "invalid", value: "regexp:([", reason: expect.stringMatching(/^missing closing \]: `\[`$/) }],
    // Valid Go RE2 (which the strategy matches with), whatever JavaScript makes of it.
    ["regexp:(?i)^v1\\.", { kind: "regexp", pattern: "(?i)^v1\\." }],
    ["^v1", { kind: "invalid", value: "^v1" }],
    // image-updater's ParseMatchfunc lower-cases `any` and the function name, not the pattern.
    ["ANY", { kind: "any" }],
    ["Any", { kind: "any" }],
    ["Regexp:^v1\\.", { kind: "regexp", pattern: "^v1\\." }],
    ["REGEXP:^V1$", { kind: "regexp", pattern: "^V1$" }],
    ["Regexp:([", { kind: "invalid", value: "Regexp:([", reason: expect.stringMatching(/missing closing/) }],
    ["regexp:^v\\d+(?i)-rc$", { kind: "regexp", pattern: "^v\\d+(?i)-rc$" }],
    ["anything", { kind: "invalid", value: "anything" }],
    ["re:^v1", { kind: "invalid", value: "re:^v1" }],
  ])("%s", (input, expected) => {
    expect(parseAllowTags(input)).toEqual(expected);
  });
});

describe("legacy annotations → policy (per-alias > app-wide > default)", () => {
  it.each<[string, Record<string, string>, Partial<ImagePolicy>]>([
    ["defaults", { "image-list": "web=nginx" }, {}],
    ["constraint from image-list", { "image-list": "web=nginx:~1.26" }, { constraint: "~1.26" }],
    ["app-wide strategy", { "image-list": "web=nginx", "update-strategy": "latest" }, { strategy: "newest-build" }],
    [
      "per-alias beats app-wide",
      { "image-list": "web=nginx", "update-strategy": "latest", "web.update-strategy": "name" },
      { strategy: "alphabetical" },
    ],
    ["app-wide allow-tags", { "image-list": "web=nginx", "allow-tags": "regexp:^1" }, { allowTags: { kind: "regexp", pattern: "^1" } }],
    [
      "per-alias allow-tags beats app-wide",
      { "image-list": "web=nginx", "allow-tags": "regexp:^1", "web.allow-tags": "any" },
      { allowTags: { kind: "any" } },
    ],
    [
      "deprecated tag-match read as allow-tags",
      { "image-list": "web=nginx", "web.tag-match": "regexp:^2" },
      { allowTags: { kind: "regexp", pattern: "^2" } },
    ],
    [
      "ignore-tags split on commas",
      { "image-list": "web=nginx", "web.ignore-tags": "latest, *-rc*,, dev" },
      { ignoreTags: ["latest", "*-rc*", "dev"] },
    ],
    ["app-wide ignore-tags", { "image-list": "web=nginx", "ignore-tags": "latest" }, { ignoreTags: ["latest"] }],
    [
      "per-alias ignore-tags replace app-wide",
      { "image-list": "web=nginx", "ignore-tags": "latest", "web.ignore-tags": "edge" },
      { ignoreTags: ["edge"] },
    ],
    [
      "platforms per alias",
      { "image-list": "web=nginx", "web.platforms": "linux/amd64, linux/arm64/v8" },
      { platforms: ["linux/amd64", "linux/arm64/v8"] },
    ],
    [
      "digest strategy keeps tag as constraint",
      { "image-list": "web=nginx:latest", "web.update-strategy": "digest" },
      { strategy: "digest", constraint: "latest" },
    ],
    ["unaliased image takes app-wide only", { "image-list": "nginx", "update-strategy": "name" }, { strategy: "alphabetical" }],
  ])("%s", (_name, annotations, expected) => {
    const result = run(annotations);
    expect(result.targets).toHaveLength(1);
    expect(result.targets[0]?.policy).toEqual({ ...DEFAULT_POLICY, ...expected });
  });

  it.each<[string, Record<string, string>, Partial<Target>]>([
    ["force-update per alias", { "image-list": "web=nginx", "web.force-update": "true" }, { forceUpdate: true }],
    ["force-update app-wide", { "image-list": "web=nginx", "force-update": "1" }, { forceUpdate: true }],
    [
      "per-alias force-update false beats app-wide",
      { "image-list": "web=nginx", "force-update": "true", "web.force-update": "false" },
      { forceUpdate: false },
    ],
    [
      "pull-secret per alias",
      { "image-list": "web=nginx", "web.pull-secret": "pullsecret:argocd/regcred" },
      { pullSecret: "pullsecret:argocd/regcred" },
    ],
    ["pull-secret app-wide", { "image-list": "web=nginx", "pull-secret": "env:REGCRED" }, { pullSecret: "env:REGCRED" }],
    [
      "alias defaults to last path component",
      { "image-list": "ghcr.io/acme/api-server" },
      { alias: "api-server", id: "argocd/web/api-server" },
    ],
  ])("%s", (_name, annotations, expected) => {
    const result = run(annotations);
    expect(result.problems).toEqual([]);
    expect(result.targets[0]).toMatchObject(expected);
  });

  it("several images, each with its own settings", () => {
    const result = run({
      "image-list": "api=ghcr.io/acme/api:^1, worker=ghcr.io/acme/worker",
      "api.update-strategy": "semver",
      "worker.update-strategy": "latest",
      "worker.kustomize.image-name": "worker",
    });
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.policy.strategy, t.policy.constraint, t.write.kustomizeImageName])).toEqual([
      ["argocd/web/api", "semver", "^1", null],
      ["argocd/web/worker", "newest-build", null, "worker"],
    ]);
  });
});

describe("legacy annotations → write target", () => {
  const helmSource = {
    source: { repoURL: "https://github.com/acme/gitops", path: "charts/web", helm: { valueFiles: ["values-prod.yaml"] } },
  };
  it.each<[string, Record<string, string>, Partial<Application["spec"]>, Target["write"]]>([
    [
      "default (argocd, from cluster) → kustomization dir",
      { "image-list": "web=nginx" },
      {},
      { kind: "kustomize", path: "apps/web", kustomizeImageName: null, helm: null, argocdSourcePath: "apps/web/.argocd-source-web.yaml" },
    ],
    [
      "git, no target → kustomization dir",
      { "image-list": "web=nginx", "write-back-method": "git" },
      {},
      { kind: "kustomize", path: "apps/web", kustomizeImageName: null, helm: null, argocdSourcePath: "apps/web/.argocd-source-web.yaml" },
    ],
    [
      "kustomization",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "kustomization" },
      {},
      { kind: "kustomize", path: "apps/web", kustomizeImageName: null, helm: null },
    ],
    [
      "kustomization:../base (relative to the app path)",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "kustomization:../base" },
      {},
      { kind: "kustomize", path: "apps/base", kustomizeImageName: null, helm: null },
    ],
    [
      "kustomization:/overlays/x (from the repo root)",
      { "image-list": "web=nginx", "write-back-method": "git:repocreds", "write-back-target": "kustomization:/overlays/x" },
      {},
      { kind: "kustomize", path: "overlays/x", kustomizeImageName: null, helm: null },
    ],
    [
      "helmvalues → values.yaml in the app path",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "helmvalues" },
      {},
      { kind: "helm", path: "apps/web/values.yaml", kustomizeImageName: null, helm: null },
    ],
    [
      "helmvalues:/env/prod.yaml",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "helmvalues:/env/prod.yaml" },
      {},
      { kind: "helm", path: "env/prod.yaml", kustomizeImageName: null, helm: null },
    ],
    [
      "helmvalues:sub/v.yaml",
      { "image-list": "web=nginx", "write-back-method": "git:secret:argocd/git-creds", "write-back-target": "helmvalues:sub/v.yaml" },
      {},
      { kind: "helm", path: "apps/web/sub/v.yaml", kustomizeImageName: null, helm: null },
    ],
    [
      "other target → override file from the repo root",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "apps/web/.argocd-source-web.yaml" },
      {},
      {
        kind: "argocd-source",
        path: "apps/web/.argocd-source-web.yaml",
        kustomizeImageName: null,
        helm: null,
        argocdSourceFileName: ".argocd-source-web.yaml",
      },
    ],
    [
      "helm app → first valueFile",
      { "image-list": "web=nginx", "web.helm.image-name": "image.repository", "web.helm.image-tag": "image.tag" },
      helmSource,
      {
        kind: "helm",
        path: "charts/web/values-prod.yaml",
        kustomizeImageName: null,
        helm: { imageName: "image.repository", imageTag: "image.tag", imageSpec: null },
        argocdSourcePath: "charts/web/.argocd-source-web.yaml",
      },
    ],
    [
      "helm app, image-spec",
      { "image-list": "web=nginx", "web.helm.image-spec": "image.full" },
      { source: { repoURL: "https://github.com/acme/gitops", path: "charts/web", helm: {} } },
      {
        kind: "helm",
        path: "charts/web/values.yaml",
        kustomizeImageName: null,
        helm: { imageName: null, imageTag: null, imageSpec: "image.full" },
        argocdSourcePath: "charts/web/.argocd-source-web.yaml",
      },
    ],
  ])("%s", (_name, annotations, spec, expected) => {
    const result = run(annotations, spec);
    expect(result.problems).toEqual([]);
    expect(result.targets[0]?.write).toEqual(expected);
  });

  it.each([
    ["git-branch base", "release", "release"],
    ["git-branch base:target uses base for the PR", "main:image-updates", "main"],
    ["git-branch :target keeps targetRevision", ":image-updates", null],
  ])("%s", (_name, value, branch) => {
    const result = run({ "image-list": "web=nginx", "write-back-method": "git", "git-branch": value });
    expect(result.targets[0]?.git.branch).toBe(branch);
  });

  it("git-repository overrides the source repo", () => {
    const result = run({ "image-list": "web=nginx", "write-back-method": "git", "git-repository": "git@github.com:acme/other.git" });
    expect(result.targets[0]?.git).toEqual({
      repoURL: "git@github.com:acme/other.git",
      repo: { owner: "acme", name: "other" },
      branch: null,
    });
  });

  it("targetRevision other than HEAD is the branch", () => {
    const result = run(
      { "image-list": "web=nginx" },
      { source: { repoURL: "https://github.com/acme/gitops", path: "a", targetRevision: "staging" } },
    );
    expect(result.targets[0]?.git.branch).toBe("staging");
  });
});

describe("bad annotations: a problem naming app, key, value and fix; other images go on", () => {
  it.each<[string, Record<string, string>, number, RegExp]>([
    [
      "unknown strategy",
      { "image-list": "web=nginx,api=org/api", "web.update-strategy": "newest" },
      1,
      /argocd-image-updater\.argoproj\.io\/web\.update-strategy.*"newest".*use one of semver/,
    ],
    [
      "invalid regexp",
      { "image-list": "web=nginx,api=org/api", "web.allow-tags": "regexp:([" },
      1,
      /web\.allow-tags.*"regexp:\(\[" is not a valid regular expression/,
    ],
    [
      "invalid Regexp: (any case)",
      { "image-list": "web=nginx,api=org/api", "web.allow-tags": "Regexp:([" },
      1,
      /web\.allow-tags.*"Regexp:\(\[" is not a valid regular expression.*fix the pattern after "Regexp:"/,
    ],
    ["allow-tags without regexp:", { "image-list": "web=nginx,api=org/api", "web.allow-tags": "^v1" }, 1, /write it as regexp:\^v1/],
    ["invalid image", { "image-list": "web=NGINX:1,api=org/api" }, 1, /image-list entry "web=NGINX:1" is not a valid image.*lowercase/],
    ["empty alias", { "image-list": "=nginx,api=org/api" }, 1, /empty alias/],
    [
      "bad force-update",
      { "image-list": "web=nginx,api=org/api", "web.force-update": "yes" },
      2,
      /web\.force-update.*"yes".*true or false/,
    ],
    // Fail closed, as image-updater does: an unreadable platform must not widen the choice to every platform.
    [
      "bad platform",
      { "image-list": "web=nginx,api=org/api", "web.platforms": "linux" },
      1,
      /web\.platforms for image "web": platform "linux" is not os\/arch\[\/variant\]; write it as os\/arch\[\/variant\], e\.g\. linux\/amd64.*This image was skipped/,
    ],
    [
      "bad platform next to a good one",
      { "image-list": "web=nginx,api=org/api", "web.platforms": "linux/arm64, linux-amd64" },
      1,
      /platform "linux-amd64" is not os\/arch\[\/variant\]; write it as linux\/amd64.*This image was skipped/,
    ],
    ["duplicate alias", { "image-list": "web=nginx,web=org/api" }, 1, /two images share the alias "web"/],
    // image-updater reads a digest as an empty constraint: the image would follow every tag.
    [
      "digest",
      { "image-list": "web=ghcr.io/x/y@sha256:0123abcd,api=org/api" },
      1,
      /image-list entry "web=ghcr\.io\/x\/y@sha256:0123abcd" \(alias "web"\): a digest is not a constraint; write a tag constraint \(e\.g\. ~1\.27\) and use update-strategy digest/,
    ],
    [
      "tag and digest",
      { "image-list": "web=ghcr.io/x/y:~1.27@sha256:0123abcd,api=org/api" },
      1,
      /\(alias "web"\): a digest is not a constraint/,
    ],
  ])("%s", (_name, annotations, targets, message) => {
    const result = run(annotations);
    expect(result.targets).toHaveLength(targets);
    expect(result.problems.some((p) => message.test(p.message) && p.app === "argocd/web")).toBe(true);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "unknown write-back-method",
      { "image-list": "web=nginx", "write-back-method": "github" },
      /write-back-method "github" is not a write-back method/,
    ],
    [
      "bad write-back-target",
      { "image-list": "web=nginx", "write-back-method": "git", "write-back-target": "kustomizationx" },
      /write-back-target "kustomizationx" is not a write-back target; use kustomization, kustomization:<path>/,
    ],
    ["bad git-branch", { "image-list": "web=nginx", "write-back-method": "git", "git-branch": "a:b:c" }, /git-branch "a:b:c" must be/],
    [
      "not on GitHub",
      { "image-list": "web=nginx", "git-repository": "https://gitlab.com/acme/gitops.git", "write-back-method": "git" },
      /"https:\/\/gitlab\.com\/acme\/gitops\.git" is not on GitHub/,
    ],
  ])("%s drops the app's targets", (_name, annotations, message) => {
    const result = run(annotations);
    expect(result.targets).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      "constraint look-alike",
      { "image-list": "app=ghcr.io/x/y", "app.semver": "^1" },
      /constraint belongs in image-list.*"image-list: app=ghcr\.io\/x\/y:\^1"/,
    ],
    ["unknown app-wide key", { "image-list": "app=x/y", interval: "1m" }, /"interval" is not an argocd-image-updater annotation/],
    [
      "per-alias key for a missing alias",
      { "image-list": "app=x/y", "other.update-strategy": "latest" },
      /image-list has no alias "other"/,
    ],
    ["app-wide platforms", { "image-list": "app=x/y", platforms: "linux/amd64" }, /use "<alias>\.platforms"/],
    ["deprecated tag-match", { "image-list": "app=x/y", "app.tag-match": "regexp:^1" }, /tag-match" is deprecated/],
  ])("%s is a warning and the target stays", (_name, annotations, message) => {
    const result = run(annotations);
    expect(result.targets).toHaveLength(1);
    expect(result.problems).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringMatching(message) })]);
  });

  // The value of a key nobody reads may be anything, a pasted credential included.
  it.each<[string, Record<string, string>, RegExp]>([
    [
      "alias typo",
      { "image-list": "app=ghcr.io/x/y", "ap.pull-secret": "robot:ghp_SUPERSECRET1" },
      /ap\.pull-secret.*image-list has no alias "ap"/,
    ],
    [
      "underscore instead of dash",
      { "image-list": "app=ghcr.io/x/y", "app.pull_secret": "robot:ghp_SUPERSECRET1" },
      /app\.pull_secret" is not an argocd-image-updater annotation/,
    ],
    [
      "unknown key",
      { "image-list": "app=ghcr.io/x/y", "app.credentials": "robot:ghp_SUPERSECRET1" },
      /app\.credentials" is not an argocd-image-updater annotation/,
    ],
    [
      "unknown app-wide key",
      { "image-list": "app=ghcr.io/x/y", password: "ghp_SUPERSECRET1" },
      /"password" is not an argocd-image-updater annotation/,
    ],
    [
      "constraint look-alike",
      { "image-list": "app=ghcr.io/x/y", "app.version": "ghp_SUPERSECRET1" },
      /app\.version" is not an argocd-image-updater annotation.*"image-list: app=ghcr\.io\/x\/y:<constraint>"/,
    ],
  ])("%s: the warning names the key, never the value", (_name, annotations, message) => {
    const result = run(annotations);
    expect(result.targets).toHaveLength(1);
    expect(result.problems).toEqual([expect.objectContaining({ severity: "warning", message: expect.stringMatching(message) })]);
    expect(JSON.stringify(result)).not.toContain("SUPERSECRET1");
  });

  it("an app without image-list is skipped, not a problem", () => {
    const result = run({});
    expect(result).toEqual({
      targets: [],
      problems: [],
      skipped: [{ app: "argocd/web", reason: expect.stringContaining("no argocd-image-updater") }],
    });
  });

  it("readAnnotations returns null without image-list", () => {
    expect(readAnnotations({ [`${P}update-strategy`]: "semver" })).toBeNull();
  });
});
