import { describe, expect, it } from "vitest";

import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

const LIST = "argocd-image-updater.argoproj.io/image-list";

function run(yaml: string, file = "apps/app.yaml") {
  const parsed = parseManifests(yaml, file);
  const result = targetsFromApplications(parsed);
  return { parsed, result };
}

describe("Application → target: sources and types", () => {
  it("multi-source: the source with a helm block, values from a $ref source", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  annotations:
    ${LIST}: web=ghcr.io/acme/shop:^3
    argocd-image-updater.argoproj.io/write-back-method: git
    argocd-image-updater.argoproj.io/web.helm.image-tag: image.tag
spec:
  sources:
    - repoURL: https://charts.example.com
      chart: shop
      targetRevision: 1.2.3
      helm:
        valueFiles: [$values/envs/prod/shop.yaml]
    - repoURL: https://github.com/acme/gitops.git
      targetRevision: main
      ref: values
status:
  sourceTypes: [Helm, Directory]
  summary:
    images: [ghcr.io/acme/shop:3.1.0]
`);
    expect(result.problems).toEqual([]);
    expect(result.targets[0]).toMatchObject({
      id: "argocd/shop/web",
      app: { name: "shop", namespace: "argocd" },
      git: { repoURL: "https://github.com/acme/gitops.git", repo: { owner: "acme", name: "gitops" }, branch: "main" },
      write: {
        kind: "helm",
        path: "envs/prod/shop.yaml",
        kustomizeImageName: null,
        helm: { imageName: null, imageTag: "image.tag", imageSpec: null },
      },
      liveImages: ["ghcr.io/acme/shop:3.1.0"],
    });
  });

  it("multi-source without helm/kustomize blocks: the source whose status.sourceTypes entry is the app's type (image-updater v1's index alignment)", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: m, namespace: ops, annotations: { ${LIST}: "x=org/x", argocd-image-updater.argoproj.io/write-back-method: git } }
spec:
  sources:
    - { repoURL: "git@github.com:acme/one.git", path: base }
    - { repoURL: "git@github.com:acme/two.git", path: other }
status: { sourceTypes: [Directory, Kustomize] }
`);
    expect(result.targets.map((t) => [t.git.repo?.name, t.write.kind, t.write.path])).toEqual([["two", "kustomize", "other"]]);
  });

  it("status.sourceType Directory edits the manifests in the source path (argocd-image-updater skips it)", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: d, annotations: { ${LIST}: "x=org/x" } }
spec: { source: { repoURL: "https://github.com/acme/g", path: p } }
status: { sourceType: Directory }
`);
    expect(result.skipped).toEqual([]);
    expect(result.targets.map((t) => t.write)).toEqual([
      { kind: "manifest", path: "p", directory: { recurse: false, include: null, exclude: null }, kustomizeImageName: null, helm: null },
    ]);
  });

  it.each([["Plugin", "Plugin application"]])("status.sourceType %s is skipped with a reason", (type, reason) => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: d, annotations: { ${LIST}: "x=org/x" } }
spec: { source: { repoURL: "https://github.com/acme/g", path: p } }
status: { sourceType: ${type} }
`);
    expect(result.targets).toEqual([]);
    expect(result.skipped).toEqual([{ app: "argocd/d", reason: expect.stringContaining(reason) }]);
  });

  it("status.sourceType Helm: values.yaml in the source path when no valueFiles", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: h, annotations: { ${LIST}: "x=org/x", argocd-image-updater.argoproj.io/write-back-method: git } }
spec: { source: { repoURL: "https://github.com/acme/g", path: ./charts/h/ } }
status: { sourceType: Helm }
`);
    expect(result.targets[0]?.write).toEqual({
      kind: "helm",
      path: "charts/h/values.yaml",
      kustomizeImageName: null,
      helm: null,
      argocdSourcePath: "charts/h/.argocd-source-h.yaml",
    });
  });

  it("write-back argocd from a file: the Application manifest in the manifests repo", () => {
    const parsed = parseManifests(
      `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: a, annotations: { ${LIST}: "x=org/x" } }
spec: { source: { repoURL: "https://github.com/acme/app-source", path: k } }
`,
      "argocd/apps/a.yaml",
    );
    const manifestsRepo = { repoURL: "https://github.com/acme/apps", repo: { owner: "acme", name: "apps" }, branch: null };
    const result = targetsFromApplications({ ...parsed, manifestsRepo });
    expect(result.targets[0]?.git).toEqual(manifestsRepo);
    expect(result.targets[0]?.write).toEqual({
      kind: "application",
      path: "argocd/apps/a.yaml",
      kustomizeImageName: null,
      helm: null,
      applicationType: "kustomize",
    });
  });

  it("a commit SHA as targetRevision is a problem unless git-branch names the branch", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const doc = (extra: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: s, annotations: { ${LIST}: "x=org/x", argocd-image-updater.argoproj.io/write-back-method: git${extra} } }
spec: { source: { repoURL: "https://github.com/acme/g", path: p, targetRevision: "${sha}" } }
`;
    const bare = run(doc("")).result;
    expect(bare.targets).toEqual([]);
    expect(bare.problems[0]?.message).toMatch(
      /targetRevision "0123.*" is a commit, not a branch.*argocd-image-updater\.argoproj\.io\/git-branch/,
    );
    const withBranch = run(doc(", argocd-image-updater.argoproj.io/git-branch: main")).result;
    expect(withBranch.problems).toEqual([]);
    expect(withBranch.targets[0]?.git.branch).toBe("main");
  });

  it("a Helm chart from a chart repository with no values in git is a problem", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: c, annotations: { ${LIST}: "x=org/x", argocd-image-updater.argoproj.io/write-back-method: git } }
spec: { source: { repoURL: "https://charts.example.com", chart: redis, targetRevision: 1.0.0, helm: {} } }
`);
    expect(result.targets).toEqual([]);
    expect(result.problems[0]?.message).toMatch(/Helm chart "redis" from https:\/\/charts\.example\.com, which is not a git repository/);
  });

  it("a $ref to a missing source is a problem", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: r, annotations: { ${LIST}: "x=org/x", argocd-image-updater.argoproj.io/write-back-method: git } }
spec:
  sources:
    - { repoURL: "https://charts.example.com", chart: r, helm: { valueFiles: [$vals/r.yaml] } }
`);
    expect(result.problems[0]?.message).toMatch(/"\$vals\/r\.yaml" refers to a source with ref "vals"/);
  });

  it("an Application whose repo is not on GitHub is a problem naming it; other apps go on", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: gl, annotations: { ${LIST}: "x=org/x" } }
spec: { source: { repoURL: "https://gitlab.com/acme/g.git", path: p } }
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: gh, annotations: { ${LIST}: "x=org/x" } }
spec: { source: { repoURL: "https://github.com/acme/g.git", path: p } }
status: { sourceType: Kustomize }
`);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/gh/x"]);
    expect(result.problems).toEqual([
      {
        app: "argocd/gl",
        image: null,
        file: "apps/app.yaml",
        severity: "error",
        message: expect.stringMatching(
          /^Application argocd\/gl: repository "https:\/\/gitlab\.com\/acme\/g\.git" is not on GitHub.*spec\.source\.repoURL/,
        ),
      },
    ]);
  });
});

describe("parseManifests", () => {
  it("reads several documents and List kinds, ignores other kinds", () => {
    const { parsed } = run(`
apiVersion: v1
kind: ConfigMap
metadata: { name: cm }
---
apiVersion: v1
kind: List
items:
  - apiVersion: argoproj.io/v1alpha1
    kind: Application
    metadata: { name: one }
    spec: { source: { repoURL: "https://github.com/a/b" } }
  - apiVersion: argoproj.io/v1alpha1
    kind: AppProject
    metadata: { name: p }
---
`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.applications.map((a) => a.metadata.name)).toEqual(["one"]);
  });

  it.each([
    ["no source", "spec: {}\n", /spec: spec.source or spec.sources is required/],
    ["annotation not a string", "spec: { source: { repoURL: x } }\n  # bad\n", null],
    ["metadata without name", "", /metadata\.name/],
  ])("malformed Application (%s) is a problem naming it", (_name, spec, message) => {
    const doc =
      _name === "metadata without name"
        ? `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { namespace: ns }\nspec: { source: { repoURL: x } }\n`
        : `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: bad, annotations: { a: ${_name === "annotation not a string" ? "1" : '"1"'} } }\n${spec}`;
    const { parsed } = run(
      `${doc}---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: good }\nspec: { source: { repoURL: x } }\n`,
    );
    expect(parsed.applications.map((a) => a.metadata.name)).toEqual(["good"]);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]?.message).toMatch(/^Application .* is malformed and was skipped/);
    if (message !== null) expect(parsed.problems[0]?.message).toMatch(message);
  });

  const appSet = (annotations: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: envs, namespace: argocd }
spec:
  generators: [{ list: { elements: [{ env: dev }] } }]
  template:
    metadata:
      name: "web-{{env}}"
      annotations: ${annotations}
    spec: { source: { repoURL: "https://github.com/acme/gitops", path: "apps/{{env}}" } }
`;

  it.each<[string, string, { message: string; severity?: "warning" } | null]>([
    // ApplicationSets are collected and rendered from the repository (application-sets.test.ts).
    ["an ApplicationSet with image-updater annotations", appSet('{ argocd-image-updater.argoproj.io/image-list: "web=org/web" }'), null],
    ["an ApplicationSet without them", appSet("{ team: core }"), null],
    [
      "a miscased kind: application",
      "apiVersion: argoproj.io/v1alpha1\nkind: application\nmetadata: { name: web }\nspec: { source: { repoURL: x } }\n",
      { message: "application argocd/web: kind must be Application (kinds are case-sensitive); it was skipped" },
    ],
    [
      "a miscased kind: imageupdater",
      "apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: imageUpdater\nmetadata: { name: u }\nspec: {}\n",
      { message: "imageUpdater argocd/u: kind must be ImageUpdater (kinds are case-sensitive); it was skipped" },
    ],
    ["application of another group", "apiVersion: example.com/v1\nkind: application\nmetadata: { name: web }\n", null],
  ])("%s", (_name, yaml, problem) => {
    const { parsed } = run(yaml);
    expect(parsed.applications).toEqual([]);
    expect(parsed.problems).toEqual(problem === null ? [] : [expect.objectContaining({ file: "apps/app.yaml", ...problem })]);
  });

  it("invalid YAML in one document is a problem; the others are read", () => {
    const ok = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: ok }\nspec: { source: { repoURL: x } }\n";
    const { parsed } = run(`# apps\n---\n${ok}---\nkind: Application\nmetadata: [\n---\n${ok.replace("ok", "ok2")}`);
    expect(parsed.applications.map((a) => a.metadata.name)).toEqual(["ok", "ok2"]);
    expect(parsed.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^apps\/app\.yaml: document 2 is not valid YAML/)]);
  });

  it.each([
    ["quoted", `"kind": "Application"`],
    ["single-quoted", `'kind': 'Application'`],
    ["JSON", `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"ok"},"spec":{"source":{"repoURL":"x"}}}`],
    ["kind on the next line", "kind:\n  Application"],
    ["CRLF and a marker with a comment", "kind: Application"],
  ])("a document whose kind is written %s is still read", (name, kind) => {
    const body = kind.startsWith("{")
      ? kind
      : `apiVersion: argoproj.io/v1alpha1\n${kind}\nmetadata: { name: ok }\nspec: { source: { repoURL: x } }\n`;
    const text = name.startsWith("CRLF") ? `a: 1\r\n--- # next\r\n${body.replace(/\n/g, "\r\n")}` : `a: 1\n---\n${body}`;
    const { parsed } = run(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.applications.map((a) => a.metadata.name)).toEqual(["ok"]);
  });

  const helm =
    "apps/templates/apps.yaml looks like an unrendered Helm template ({{ … }}); pass the output of helm template to --apps, or leave templates/ out";
  it.each([
    [
      "a templated value (malformed)",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: web }\nspec:\n  source:\n    repoURL: {{ .Values.repoURL }}\n",
    ],
    [
      "a range block (invalid YAML), once per file",
      "{{- range .Values.apps }}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {{ .name }}\nspec:\n  source:\n    repoURL: {{ $.Values.repoURL }}\n{{- end }}\n---\nkind: Application\n{{- if .Values.x }}\n  - [\n{{- end }}\n",
    ],
  ])("an unrendered Helm template with %s is one error naming the file", (_name, yaml) => {
    const { parsed } = run(
      `${yaml}---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: plain }\nspec: { source: { repoURL: x } }\n`,
      "apps/templates/apps.yaml",
    );
    expect(parsed.applications.map((a) => a.metadata.name)).toEqual(["plain"]);
    expect(parsed.problems).toEqual([{ app: null, image: null, file: "apps/templates/apps.yaml", message: helm }]);
  });

  it("a valid Application whose values contain {{ is read as it is", () => {
    const { parsed } = run(
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: web, annotations: { note: "{{ kept }}" } }\nspec: { source: { repoURL: x } }\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.applications).toHaveLength(1);
  });

  it("a document that cannot be ours is not parsed, so its errors are not reported", () => {
    const { parsed } = run(
      `image: { tag: 1 }\nimage: { tag: 2 }\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: ok }\nspec: { source: { repoURL: x } }\n`,
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.applications).toHaveLength(1);
  });
});

describe("null fields are absent, as the API server stores them", () => {
  const head = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  namespace: argocd\n  annotations: { ${LIST}: web=ghcr.io/acme/web, argocd-image-updater.argoproj.io/write-back-method: git }\n`;
  it.each([
    [
      "kustomize:",
      `spec:\n  source:\n    repoURL: https://github.com/acme/gitops\n    path: env/prod\n    kustomize:\n`,
      { kind: "kustomize", path: "env/prod" },
    ],
    [
      "helm:",
      `spec:\n  source:\n    repoURL: https://github.com/acme/gitops\n    path: env/prod\n    helm:\n`,
      { kind: "kustomize", path: "env/prod" },
    ],
    [
      "helm.valueFiles:",
      `spec:\n  source:\n    repoURL: https://github.com/acme/gitops\n    path: charts/web\n    helm:\n      valueFiles:\n`,
      { kind: "helm", path: "charts/web/values.yaml" },
    ],
    [
      "targetRevision: ~ and status:",
      `spec:\n  source: { repoURL: https://github.com/acme/gitops, path: env/prod, targetRevision: ~ }\nstatus:\n`,
      { kind: "kustomize", path: "env/prod" },
    ],
    [
      "labels: and sources:",
      `  labels:\nspec:\n  sources:\n  source: { repoURL: https://github.com/acme/gitops, path: env/prod }\n`,
      { kind: "kustomize", path: "env/prod" },
    ],
  ])("an empty %s does not reject the Application", (_name, rest, write) => {
    const { parsed, result } = run(`${head}${rest}`);
    expect(parsed.problems).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.write)).toEqual([expect.objectContaining(write)]);
  });

  it.each([
    ["labelSelectors:", `labelSelectors:`],
    ["commonUpdateSettings:", `commonUpdateSettings:`],
    ["writeBackConfig: { gitConfig: }", `writeBackConfig: { gitConfig: }`],
    ["commonUpdateSettings: { platforms: }", `commonUpdateSettings: { platforms: }`],
  ])("an empty %s (and manifestTargets.helm:) does not reject the ImageUpdater", (_name, field) => {
    const { parsed, result } = run(`${head}spec: { source: { repoURL: https://github.com/acme/gitops, path: env/prod } }
---
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: u, namespace: argocd }
spec:
  writeBackConfig:
  applicationRefs:
    - namePattern: web
      ${field}
      images: [{ alias: web, imageName: ghcr.io/acme/web, manifestTargets: { helm: , kustomize: { name: web } } }]
`);
    expect(parsed.problems).toEqual([]);
    expect(result.targets.map((t) => t.id)).toEqual(["argocd/web/web"]);
  });
});

describe("application type first (write-back target, then status, then blocks), then the first source of that type", () => {
  const A = "argocd-image-updater.argoproj.io/";
  const helmSource =
    "{ repoURL: https://github.com/acme/charts, path: charts/web, targetRevision: main, helm: { valueFiles: [values.yaml] } }";
  const kustomizeSource = "{ repoURL: https://github.com/acme/gitops, path: overlays/prod, targetRevision: main, kustomize: {} }";
  const doc = (annotations: Record<string, string>, spec: string, status = "") => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations: ${JSON.stringify({ [`${A}image-list`]: "web=ghcr.io/acme/web", ...Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${A}${k}`, v])) })}
spec:
${spec}
${status}`;
  it.each<[string, string, Record<string, unknown> | null]>([
    [
      "git + kustomization target picks the kustomize source, though a helm source comes first",
      doc({ "write-back-method": "git", "write-back-target": "kustomization" }, `  sources: [${helmSource}, ${kustomizeSource}]`),
      { repo: "gitops", kind: "kustomize", path: "overlays/prod" },
    ],
    [
      "git + helmvalues target picks the helm source, though status lists Kustomize first",
      doc(
        { "write-back-method": "git", "write-back-target": "helmvalues:values-prod.yaml" },
        `  sources: [${kustomizeSource}, ${helmSource}]`,
        "status: { sourceTypes: [Kustomize, Helm] }",
      ),
      { repo: "charts", kind: "helm", path: "charts/web/values-prod.yaml" },
    ],
    [
      "git + helmvalues target wins over status.sourceType Directory",
      doc(
        { "write-back-method": "git", "write-back-target": "helmvalues:/env/prod/values.yaml" },
        "  source: { repoURL: https://github.com/acme/gitops, path: env/prod }",
        "status: { sourceType: Directory }",
      ),
      { repo: "gitops", kind: "helm", path: "env/prod/values.yaml" },
    ],
    [
      "no target: status.sourceTypes Kustomize picks the kustomize source, not the first block",
      doc({ "write-back-method": "git" }, `  sources: [${helmSource}, ${kustomizeSource}]`, "status: { sourceTypes: [Kustomize, Helm] }"),
      { repo: "gitops", kind: "kustomize", path: "overlays/prod" },
    ],
    [
      "no status: the first source with a block decides (v0.x fallback)",
      doc(
        { "write-back-method": "git" },
        `  sources: [{ repoURL: https://github.com/acme/other, path: x }, ${helmSource}, ${kustomizeSource}]`,
      ),
      { repo: "charts", kind: "helm", path: "charts/web/values.yaml" },
    ],
    [
      "write-back-method argocd: a kustomization target does not decide, status Directory edits the manifests in the path",
      doc(
        { "write-back-target": "kustomization" },
        "  source: { repoURL: https://github.com/acme/gitops, path: env/prod }",
        "status: { sourceType: Directory }",
      ),
      { repo: "gitops", kind: "manifest", path: "env/prod" },
    ],
  ])("%s", (_name, yaml, expected) => {
    const { result } = run(yaml);
    expect(result.problems).toEqual([]);
    if (expected === null) {
      expect(result.targets).toEqual([]);
      expect(result.skipped).toEqual([{ app: "argocd/web", reason: expect.stringContaining("Directory application") }]);
      return;
    }
    expect(result.targets.map((t) => ({ repo: t.git.repo?.name, kind: t.write.kind, path: t.write.path }))).toEqual([expected]);
  });
});

describe(".argocd-source file name: <ns>_<app> outside Argo CD's namespace, as image-updater's parseDefaultTarget", () => {
  const app = (namespace: string | null, annotations = "") => `
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
${namespace === null ? "" : `  namespace: ${namespace}\n`}  annotations: { ${LIST}: web=ghcr.io/acme/web, argocd-image-updater.argoproj.io/write-back-method: git${annotations} }
spec: { source: { repoURL: https://github.com/acme/gitops, path: apps/web, kustomize: {} } }
`;
  it.each<[string, string | null, string | undefined, string]>([
    ["in argocd, default control plane", "argocd", undefined, ".argocd-source-web.yaml"],
    ["in team-a, default control plane", "team-a", undefined, ".argocd-source-team-a_web.yaml"],
    ["in team-a, control plane team-a", "team-a", "team-a", ".argocd-source-web.yaml"],
    ["in argocd, control plane gitops", "argocd", "gitops", ".argocd-source-argocd_web.yaml"],
    ["no namespace in the manifest", null, "gitops", ".argocd-source-web.yaml"],
    ["control plane default (image-updater's unset namespace)", "team-a", "default", ".argocd-source-web.yaml"],
  ])("%s → %s", (_name, namespace, argocdNamespace, file) => {
    const parsed = parseManifests(app(namespace), "apps/web.yaml");
    const result = targetsFromApplications({ ...parsed, ...(argocdNamespace === undefined ? {} : { argocdNamespace }) });
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.write.argocdSourcePath)).toEqual([`apps/web/${file}`]);
  });

  it("a write-back target naming a directory carries the same name for the pipeline", () => {
    const parsed = parseManifests(app("team-a", ", argocd-image-updater.argoproj.io/write-back-target: overrides/web"), "apps/web.yaml");
    const result = targetsFromApplications(parsed);
    expect(result.targets.map((t) => t.write)).toEqual([
      {
        kind: "argocd-source",
        path: "overrides/web",
        kustomizeImageName: null,
        helm: null,
        argocdSourceFileName: ".argocd-source-team-a_web.yaml",
      },
    ]);
  });
});

describe("Application → target: what it deploys from", () => {
  it("every source in the written repository, ref sources' valueFiles resolved, other repositories and charts left out", () => {
    const { result } = run(`
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: team
  annotations:
    ${LIST}: web=ghcr.io/acme/shop:^3
    argocd-image-updater.argoproj.io/write-back-method: git
spec:
  sources:
    - repoURL: https://charts.example.com
      chart: shop
      targetRevision: 1.2.3
      helm:
        valueFiles: [$values/envs/prod/shop.yaml, https://example.com/v.yaml, $other/x.yaml]
    - { repoURL: https://github.com/acme/gitops.git, targetRevision: main, ref: values }
    - { repoURL: https://github.com/acme/elsewhere.git, ref: other, path: sub }
    - { repoURL: "git@github.com:acme/gitops.git", path: extra/, helm: { valueFiles: [../shared/values.yaml, /root.yaml] } }
status:
  sourceTypes: [Helm, Directory, Directory, Helm]
`);
    expect(result.problems).toEqual([]);
    expect(result.targets[0]?.deploysFrom).toEqual({
      paths: ["extra"],
      valueFiles: ["envs/prod/shop.yaml", "shared/values.yaml", "root.yaml"],
      overrideFiles: ["extra/.argocd-source-team_shop.yaml"],
      manifest: null,
    });
  });
});
