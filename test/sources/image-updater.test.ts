import { describe, expect, it } from "vitest";

import { refSpecificity } from "../../src/sources/image-updater.js";
import type { ApplicationRef } from "../../src/sources/resources.js";
import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

function apps(
  ...specs: { name: string; labels?: Record<string, string>; namespace?: string; annotations?: Record<string, string> }[]
): string {
  return specs
    .map(
      (s) => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${s.name}
  namespace: ${s.namespace ?? "argocd"}
  labels: ${JSON.stringify(s.labels ?? {})}
  annotations: ${JSON.stringify(s.annotations ?? {})}
spec:
  source:
    repoURL: https://github.com/acme/gitops
    path: apps/${s.name}
    kustomize: {}
`,
    )
    .join("---");
}

function resolve(yaml: string) {
  const parsed = parseManifests(yaml, "cluster.yaml");
  expect(parsed.problems).toEqual([]);
  return targetsFromApplications(parsed);
}

const updater = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata:
  name: web-updater
  namespace: argocd
spec:
  commonUpdateSettings:
    updateStrategy: semver
    ignoreTags: [latest]
    forceUpdate: false
  writeBackConfig:
    method: git
    gitConfig:
      branch: main
  applicationRefs:
    - namePattern: "web-*"
      commonUpdateSettings:
        updateStrategy: latest
        allowTags: "regexp:^[0-9a-f]{7}$"
      images:
        - alias: web
          imageName: ghcr.io/acme/web
        - alias: sidecar
          imageName: ghcr.io/acme/sidecar:~1.4
          commonUpdateSettings:
            updateStrategy: semver
            allowTags: any
            platforms: [linux/arm64]
          manifestTargets:
            kustomize:
              name: sidecar
    - namePattern: "web-prod"
      writeBackConfig:
        gitConfig:
          branch: release
          writeBackTarget: "kustomization:/prod"
      images:
        - alias: web
          imageName: ghcr.io/acme/web:^2
    - namePattern: "api"
      labelSelectors:
        matchLabels: { team: core }
        matchExpressions:
          - { key: tier, operator: In, values: [backend] }
      images:
        - alias: api
          imageName: ghcr.io/acme/api
          manifestTargets:
            helm: { name: image.repository, tag: image.tag }
`;

describe("ImageUpdater: precedence image > applicationRef > spec", () => {
  const result = resolve(
    `${updater}---${apps({ name: "web-dev" }, { name: "web-prod" }, { name: "api", labels: { team: "core", tier: "backend" } }, { name: "api", namespace: "other" })}`,
  );

  it.each([
    [
      "argocd/web-dev/web",
      {
        strategy: "newest-build",
        constraint: null,
        allowTags: { kind: "regexp", pattern: "^[0-9a-f]{7}$" },
        ignoreTags: ["latest"],
        platforms: [],
      },
    ],
    [
      "argocd/web-dev/sidecar",
      { strategy: "semver", constraint: "~1.4", allowTags: { kind: "any" }, ignoreTags: ["latest"], platforms: ["linux/arm64"] },
    ],
    ["argocd/web-prod/web", { strategy: "semver", constraint: "^2", allowTags: { kind: "any" }, ignoreTags: ["latest"], platforms: [] }],
    ["argocd/api/api", { strategy: "semver", constraint: null, allowTags: { kind: "any" }, ignoreTags: ["latest"], platforms: [] }],
  ])("%s", (id, policy) => {
    const target = result.targets.find((t) => t.id === id);
    expect(target?.origin).toBe("image-updater");
    expect(target?.policy).toEqual({ ...policy, keepSuffix: false, maxUpdate: null });
  });

  it("the most specific namePattern wins (web-prod over web-*)", () => {
    expect(result.targets.filter((t) => t.app?.name === "web-prod").map((t) => t.id)).toEqual(["argocd/web-prod/web"]);
  });

  it("write-back: ref overrides spec field by field", () => {
    const prod = result.targets.find((t) => t.id === "argocd/web-prod/web");
    expect(prod?.git.branch).toBe("release");
    expect(prod?.write).toEqual({ kind: "kustomize", path: "prod", kustomizeImageName: null, helm: null });
    const dev = result.targets.find((t) => t.id === "argocd/web-dev/sidecar");
    expect(dev?.git.branch).toBe("main");
    expect(dev?.write).toEqual({
      kind: "kustomize",
      path: "apps/web-dev",
      kustomizeImageName: "sidecar",
      helm: null,
      argocdSourcePath: "apps/web-dev/.argocd-source-web-dev.yaml",
    });
  });

  it("manifestTargets.helm becomes helm keys", () => {
    expect(result.targets.find((t) => t.id === "argocd/api/api")?.write.helm).toEqual({
      imageName: "image.repository",
      imageTag: "image.tag",
      imageSpec: null,
    });
  });

  it("only Applications in the ImageUpdater's namespace are selected", () => {
    expect(result.targets.filter((t) => t.app?.namespace === "other")).toEqual([]);
    expect(result.skipped).toEqual([{ app: "other/api", reason: expect.stringContaining("no ImageUpdater selects it") }]);
  });

  it("declaredIn names the ImageUpdater", () => {
    expect(result.targets[0]?.declaredIn).toBe("ImageUpdater argocd/web-updater (cluster.yaml)");
  });
});

describe("ImageUpdater: label selectors", () => {
  it.each([
    [{ team: "core", tier: "backend" }, true],
    [{ team: "core", tier: "frontend" }, false],
    [{ team: "edge", tier: "backend" }, false],
    [{ team: "core" }, false],
  ])("%j selected: %s", (labels, selected) => {
    const result = resolve(`${updater}---${apps({ name: "api", labels })}`);
    expect(result.targets.some((t) => t.id === "argocd/api/api")).toBe(selected);
  });

  it.each([
    ["NotIn", "{ key: env, operator: NotIn, values: [prod] }", { env: "dev" }, true],
    ["NotIn excluded", "{ key: env, operator: NotIn, values: [prod] }", { env: "prod" }, false],
    ["Exists", "{ key: env, operator: Exists }", { env: "x" }, true],
    ["Exists missing", "{ key: env, operator: Exists }", {}, false],
    ["DoesNotExist", "{ key: env, operator: DoesNotExist }", {}, true],
    ["DoesNotExist present", "{ key: env, operator: DoesNotExist }", { env: "x" }, false],
  ])("%s", (_name, expression, labels, selected) => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "*"
      labelSelectors: { matchExpressions: [${expression}] }
      images: [{ alias: x, imageName: org/x }]
`;
    const result = resolve(`${cr}---${apps({ name: "a", labels })}`);
    expect(result.targets.length).toBe(selected ? 1 : 0);
  });
});

describe("ImageUpdater: useAnnotations and errors", () => {
  it("useAnnotations reads the Application's legacy annotations", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  writeBackConfig: { method: git }
  applicationRefs:
    - namePattern: "legacy"
      useAnnotations: true
`;
    const result = resolve(
      `${cr}---${apps({
        name: "legacy",
        annotations: {
          "argocd-image-updater.argoproj.io/image-list": "app=org/app:~1",
          "argocd-image-updater.argoproj.io/app.update-strategy": "name",
        },
      })}`,
    );
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.origin, t.policy.strategy, t.policy.constraint])).toEqual([
      ["argocd/legacy/app", "image-updater", "alphabetical", "~1"],
    ]);
  });

  it("an invalid platform skips the image (fail closed) and names the field and the fix", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "a"
      images:
        - { alias: x, imageName: org/x, commonUpdateSettings: { platforms: [linux_amd64] } }
        - { alias: y, imageName: org/y, commonUpdateSettings: { platforms: [linux/amd64] } }
`;
    const result = resolve(`${cr}---${apps({ name: "a" })}`);
    expect(result.targets.map((t) => [t.id, t.policy.platforms])).toEqual([["argocd/a/y", ["linux/amd64"]]]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /ImageUpdater argocd\/u: commonUpdateSettings\.platforms for image "x": platform "linux_amd64" is not os\/arch\[\/variant\]; write it as linux\/amd64.*This image was skipped/,
      ),
    ]);
  });

  describe("useAnnotations ignores the ImageUpdater's writeBackConfig, commonUpdateSettings and images", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  commonUpdateSettings: { updateStrategy: digest }
  writeBackConfig:
    method: git
    gitConfig: { branch: release, writeBackTarget: "kustomization:../base", repository: https://github.com/acme/other }
  images: [{ alias: spec, imageName: org/spec }]
  applicationRefs:
    - namePattern: "legacy"
      useAnnotations: true
      commonUpdateSettings: { updateStrategy: latest, allowTags: "regexp:^v" }
      writeBackConfig: { method: "git:repocreds", gitConfig: { branch: ref-branch } }
      images: [{ alias: ref, imageName: org/ref }]
`;
    it.each([
      [
        "no write-back annotations → method argocd (the Application manifest)",
        {},
        { repoURL: "https://github.com/acme/gitops", branch: null },
        { kind: "application", path: "cluster.yaml" },
      ],
      [
        "write-back-method git → the app's own path and branch",
        { "argocd-image-updater.argoproj.io/write-back-method": "git" },
        { repoURL: "https://github.com/acme/gitops", branch: null },
        { kind: "kustomize", path: "apps/legacy" },
      ],
      [
        "git-branch and write-back-target from the annotations",
        {
          "argocd-image-updater.argoproj.io/write-back-method": "git",
          "argocd-image-updater.argoproj.io/git-branch": "main",
          "argocd-image-updater.argoproj.io/write-back-target": "kustomization",
        },
        { repoURL: "https://github.com/acme/gitops", branch: "main" },
        { kind: "kustomize", path: "apps/legacy" },
      ],
    ])("%s", (_name, annotations, git, write) => {
      const result = resolve(
        `${cr}---${apps({ name: "legacy", annotations: { "argocd-image-updater.argoproj.io/image-list": "app=org/app", ...annotations } })}`,
      );
      expect(result.problems).toEqual([]);
      expect(result.targets.map((t) => [t.id, t.policy.strategy, t.policy.allowTags])).toEqual([
        ["argocd/legacy/app", "semver", { kind: "any" }],
      ]);
      expect(result.targets[0]?.git).toMatchObject(git);
      expect(result.targets[0]?.write).toMatchObject(write);
    });
  });

  it("a selected app with no images is a problem naming the ref", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "a"
      images: []
`;
    const result = resolve(`${cr}---${apps({ name: "a" })}`);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("spec.applicationRefs[0] selects Application argocd/a but lists no images"),
    ]);
  });

  it("a digest in imageName skips that image, naming the alias and the fix", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "a"
      images: [{ alias: x, imageName: "org/x@sha256:0123abcd" }, { alias: y, imageName: org/y }]
`;
    const result = resolve(`${cr}---${apps({ name: "a" })}`);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/a/y"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'ImageUpdater argocd/u: spec.applicationRefs[0].images[0] entry "org/x@sha256:0123abcd" (alias "x"): a digest is not a constraint; write a tag constraint (e.g. ~1.27) and use update-strategy digest to follow a tag by digest. This image was skipped',
    ]);
  });

  it("unknown updateStrategy names the field", () => {
    const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "a"
      images: [{ alias: x, imageName: org/x, commonUpdateSettings: { updateStrategy: newest } }, { alias: y, imageName: org/y }]
`;
    const result = resolve(`${cr}---${apps({ name: "a" })}`);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/a/y"]);
    expect(result.problems[0]?.message).toMatch(
      /ImageUpdater argocd\/u: commonUpdateSettings\.updateStrategy for image "x": unknown update strategy "newest"/,
    );
  });

  it("a malformed ImageUpdater is a problem naming it; the rest goes on", () => {
    const parsed = parseManifests(
      `apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: broken, namespace: argocd }
spec:
  applicationRefs:
    - images: [{ alias: x, imageName: org/x }]
---
${apps({ name: "a" })}`,
      "updaters.yaml",
    );
    expect(parsed.applications).toHaveLength(1);
    expect(parsed.problems).toEqual([
      {
        app: null,
        image: null,
        file: "updaters.yaml",
        message: expect.stringMatching(/^ImageUpdater argocd\/broken is malformed.*spec\.applicationRefs\.0\.namePattern/),
      },
    ]);
  });
});

describe("namePattern globs follow Go's filepath.Match, as image-updater does", () => {
  const updaterFor = (pattern: string) => `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: ${JSON.stringify(pattern)}
      images: [{ alias: x, imageName: org/x }]
`;
  it.each([
    ["web-*", "web-dev", true],
    ["web-*", "api", false],
    ["web-?", "web-1", true],
    ["web-?", "web-10", false],
    ["web-[abc]", "web-b", true],
    ["web-[a-c]", "web-d", false],
    ["web-[^abc]", "web-b", false],
    ["web-[^abc]", "web-d", true],
    // `!` does not negate in Go: [!x] is the class of `!` and `x`.
    ["[!x]*", "web", false],
    ["[!x]*", "xeb", true],
    ["[^x]*", "web", true],
    ["web\\-prod", "web-prod", true],
    ["*", "anything", true],
    ["a.b", "a.b", true],
    ["a.b", "axb", false],
  ])("%s ~ %s = %s", (pattern, name, selected) => {
    const result = resolve(`${updaterFor(pattern)}---${apps({ name })}`);
    expect(result.problems).toEqual(
      selected ? [] : [expect.objectContaining({ severity: "warning", message: expect.stringContaining("selects no Application") })],
    );
    expect(result.targets.map((t) => t.id)).toEqual(selected ? [`argocd/${name}/x`] : []);
  });

  it.each(["web-[a-", "[", "[]", "web-[-a]", "web\\"])(
    "the malformed %j is a problem naming the ImageUpdater and the pattern; the ImageUpdater selects nothing",
    (pattern) => {
      const cr = `${updaterFor("api")}    - namePattern: ${JSON.stringify(pattern)}\n      images: [{ alias: y, imageName: org/y }]\n`;
      const result = resolve(`${cr}---${apps({ name: "api" }, { name: "web-a" })}`);
      expect(result.targets).toEqual([]);
      expect(result.problems).toEqual([
        {
          app: null,
          image: null,
          file: "cluster.yaml",
          message: `ImageUpdater argocd/u: spec.applicationRefs[1].namePattern "${pattern}" is not a valid pattern, so this ImageUpdater selects no Application (image-updater rejects the whole resource); write it as Go's filepath.Match reads it: * and ? wildcards, [a-z] classes, [^a-z] to negate (! is a literal), \\ to escape`,
        },
      ]);
    },
  );
});

describe("an applicationRef that selects no Application is a warning naming the ImageUpdater, the ref and the pattern", () => {
  const cr = `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
    - namePattern: "web"
      images: [{ alias: x, imageName: org/x }]
    - namePattern: "wbe-*"
      images: [{ alias: x, imageName: org/x }]
    - namePattern: "api"
      labelSelectors: { matchLabels: { team: core } }
      images: [{ alias: x, imageName: org/x }]
`;
  it("the other refs go on", () => {
    const result = resolve(`${cr}---${apps({ name: "web" }, { name: "api", labels: { team: "edge" } })}`);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/web/x"]);
    expect(result.problems).toEqual([
      {
        app: null,
        image: null,
        file: "cluster.yaml",
        message:
          'ImageUpdater argocd/u: spec.applicationRefs[1] (namePattern "wbe-*") selects no Application in namespace argocd among the 2 read; check namePattern',
        severity: "warning",
      },
      {
        app: null,
        image: null,
        file: "cluster.yaml",
        message:
          'ImageUpdater argocd/u: spec.applicationRefs[2] (namePattern "api" with labelSelectors) selects no Application in namespace argocd among the 2 read; check namePattern and labelSelectors',
        severity: "warning",
      },
    ]);
  });

  it("a ref outranked by a more specific one still selects, so no warning", () => {
    const result = resolve(
      `${cr.replace('"wbe-*"', '"we*"').replace('"api"', '"web"').replace("{ team: core }", "{}")}---${apps({ name: "web" })}`,
    );
    expect(result.problems).toEqual([]);
  });

  it("no warning when no Application was read at all", () => {
    expect(resolve(cr).problems).toEqual([]);
  });
});

describe("which applicationRef selects an Application: image-updater's calculateSpecificity", () => {
  it.each<[string, ApplicationRef, number]>([
    ["exact name: 1,000,000 + its literal characters", { namePattern: "web-prod" }, 1_000_008],
    ["glob: its literal characters", { namePattern: "web-*" }, 4],
    ["a [...] class counts for nothing", { namePattern: "web-[a-c]?" }, 4],
    ["* alone", { namePattern: "*" }, 0],
    ["a ] is a wildcard character for the exact-name bonus, as upstream", { namePattern: "web]" }, 4],
    ["a label selector, even empty: +10,000", { namePattern: "*", labelSelectors: {} }, 10_000],
    [
      "+100 per matchLabels entry and per matchExpressions entry",
      { namePattern: "*", labelSelectors: { matchLabels: { a: "1", b: "2" }, matchExpressions: [{ key: "c", operator: "Exists" }] } },
      10_300,
    ],
    ["all together", { namePattern: "web", labelSelectors: { matchLabels: { tier: "critical" } } }, 1_010_103],
  ])("%s", (_name, ref, score) => {
    expect(refSpecificity(ref)).toBe(score);
  });

  const cr = (...refs: string[]) => `
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  applicationRefs:
${refs.map((ref, i) => `    - ${ref}\n      images: [{ alias: web, imageName: org/ref${i} }]`).join("\n")}
`;
  it.each([
    [
      "a label selector beats a longer glob",
      ['namePattern: "web-*"', 'namePattern: "*"\n      labelSelectors: { matchLabels: { tier: critical } }'],
      "org/ref1",
    ],
    [
      "more selector entries beat fewer",
      [
        'namePattern: "*"\n      labelSelectors: { matchLabels: { tier: critical } }',
        'namePattern: "*"\n      labelSelectors: { matchLabels: { tier: critical }, matchExpressions: [{ key: env, operator: Exists }] }',
      ],
      "org/ref1",
    ],
    [
      "an exact name beats a label selector",
      ['namePattern: "*"\n      labelSelectors: { matchLabels: { tier: critical } }', "namePattern: web-prod"],
      "org/ref1",
    ],
    ["a longer glob beats a shorter one", ['namePattern: "w*"', 'namePattern: "web-*"'], "org/ref1"],
    ["a tie keeps the first in list order (upstream's stable sort)", ['namePattern: "web-p*"', 'namePattern: "web-*d"'], "org/ref0"],
    ["a tie keeps the first in list order, reversed", ['namePattern: "web-*d"', 'namePattern: "web-p*"'], "org/ref0"],
  ])("%s", (_name, refs, image) => {
    const result = resolve(`${cr(...refs)}---${apps({ name: "web-prod", labels: { tier: "critical", env: "prod" } })}`);
    expect(result.targets.map((t) => t.image.repository)).toEqual([image]);
  });
});

describe("ImageUpdater namespace", () => {
  it.each([
    ["metadata.namespace", "metadata: { name: u, namespace: team }\nspec:\n  namespace: argocd\n", "team"],
    ["spec.namespace when metadata has none (manifest from git)", "metadata: { name: u }\nspec:\n  namespace: team\n", "team"],
    ["argocd by default", "metadata: { name: u }\nspec:\n", "argocd"],
  ])("%s", (_name, head, namespace) => {
    const cr = `apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\n${head}  applicationRefs:\n    - namePattern: "*"\n      images: [{ alias: x, imageName: org/x }]\n`;
    const result = resolve(`${cr}---${apps({ name: "a", namespace: "team" }, { name: "a", namespace: "argocd" })}`);
    expect(result.targets.map((t) => t.app?.namespace)).toEqual([namespace]);
  });
});

describe("ImageUpdater and annotations on the same Application", () => {
  it("the ImageUpdater wins and the ignored annotations are a warning", () => {
    const cr = `apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata: { name: u, namespace: argocd }\nspec:\n  applicationRefs:\n    - namePattern: a\n      images: [{ alias: x, imageName: org/x }]\n`;
    const result = resolve(`${cr}---${apps({ name: "a", annotations: { "argocd-image-updater.argoproj.io/image-list": "y=org/y" } })}`);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/a/x"]);
    expect(result.problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringContaining("image-list annotations are ignored because ImageUpdater argocd/u selects it"),
      }),
    ]);
  });
});

describe("target ids", () => {
  const annotations = { "argocd-image-updater.argoproj.io/image-list": "x=org/x" };

  it("are <namespace>/<application>/<alias>, whatever else exists", () => {
    const alone = resolve(apps({ name: "a", namespace: "one", annotations }, { name: "b", annotations }));
    const withTwin = resolve(
      apps({ name: "a", namespace: "one", annotations }, { name: "a", namespace: "two", annotations }, { name: "b", annotations }),
    );
    expect(alone.targets.map((t) => t.id)).toEqual(["one/a/x", "argocd/b/x"]);
    expect(withTwin.targets.map((t) => t.id)).toEqual(["one/a/x", "two/a/x", "argocd/b/x"]);
  });

  it("give an Application without a namespace Argo CD's namespace, as Argo CD would place it", () => {
    const manifest = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  annotations: ${JSON.stringify(annotations)}\nspec:\n  source: { repoURL: https://github.com/acme/gitops, path: apps/a, kustomize: {} }\n`;
    const parsed = parseManifests(manifest, "a.yaml");
    expect(targetsFromApplications(parsed).targets.map((t) => [t.id, t.app?.namespace])).toEqual([["argocd/a/x", "argocd"]]);
    expect(targetsFromApplications({ ...parsed, argocdNamespace: "gitops" }).targets.map((t) => [t.id, t.app?.namespace])).toEqual([
      ["gitops/a/x", "gitops"],
    ]);
  });

  it("are the same for an ImageUpdater's targets as for the annotations'", () => {
    const cr = `apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata: { name: u, namespace: one }\nspec:\n  applicationRefs:\n    - namePattern: a\n      images: [{ alias: x, imageName: org/x }]\n`;
    expect(resolve(`${cr}---${apps({ name: "a", namespace: "one" })}`).targets.map((t) => t.id)).toEqual(["one/a/x"]);
  });
});
