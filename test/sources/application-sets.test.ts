/** ApplicationSets in the repository, rendered into the Applications they generate (issue 8, item 8). */
import { describe, expect, it } from "vitest";

import { renderGoTemplate } from "../../src/sources/go-template.js";
import { parseManifests, renderApplicationSets, targetsFromApplications } from "../../src/sources/index.js";
import { memoryRepo } from "../support/memory-repo.js";

const LIST = "argocd-image-updater.argoproj.io/image-list";
const REPO = "https://github.com/acme/gitops.git";

const FILES = {
  "apps/web/kustomization.yaml": "resources: []\n",
  "apps/api/kustomization.yaml": "resources: []\n",
  "apps/legacy/kustomization.yaml": "resources: []\n",
  "apps/README.md": "# apps\n",
  "clusters/prod/config.json": '{"cluster": {"name": "prod", "env": "production"}, "image": {"constraint": "~1.27"}}',
  "clusters/dev/config.json": '{"cluster": {"name": "dev", "env": "development"}, "image": {"constraint": "~1.28"}}',
  "clusters/dev/notes.txt": "not matched\n",
};

async function render(yaml: string, files: Record<string, string> = FILES) {
  const parsed = parseManifests(yaml, "appsets/web.yaml");
  expect(parsed.problems).toEqual([]);
  return renderApplicationSets(parsed.applicationSets ?? [], memoryRepo(files), { inReader: (url) => url.includes("acme/gitops") });
}

function summary(apps: Awaited<ReturnType<typeof render>>["applications"]) {
  return apps.map((app) => [app.metadata.namespace, app.metadata.name, app.spec.source?.path, app.metadata.annotations?.[LIST]]);
}

const appSet = (spec: string) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web, namespace: argocd }
spec:
${spec}`;

describe("generators", () => {
  it("list, fasttemplate: one Application per element, annotations included", async () => {
    const result = await render(
      appSet(`  generators:
    - list:
        elements:
          - { env: dev, constraint: "~1.28" }
          - { env: prod, constraint: "~1.27" }
  template:
    metadata:
      name: "web-{{env}}"
      annotations:
        ${LIST}: "web=nginx:{{ constraint }}"
    spec:
      project: default
      source: { repoURL: ${REPO}, path: "envs/{{env}}", targetRevision: main }
      destination: { server: https://kubernetes.default.svc, namespace: "web-{{env}}" }
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "web-dev", "envs/dev", "web=nginx:~1.28"],
      ["argocd", "web-prod", "envs/prod", "web=nginx:~1.27"],
    ]);
    expect(result.applications[0]).toMatchObject({ file: "appsets/web.yaml", generatedBy: "ApplicationSet argocd/web" });
  });

  it("git directories, fasttemplate: {{path.basename}} and {{path}}, with an exclude", async () => {
    const result = await render(
      appSet(`  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        directories:
          - path: apps/*
          - path: apps/legacy
            exclude: true
  template:
    metadata:
      name: "{{path.basename}}"
      annotations: { ${LIST}: "app=ghcr.io/acme/{{path.basename}}", argocd-image-updater.argoproj.io/write-back-method: git }
    spec:
      source: { repoURL: ${REPO}, path: "{{path}}" }
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "api", "apps/api", "app=ghcr.io/acme/api"],
      ["argocd", "web", "apps/web", "app=ghcr.io/acme/web"],
    ]);
  });

  it("git files, fasttemplate: the file's keys flattened ({{cluster.name}}), path params of its directory", async () => {
    const result = await render(
      appSet(`  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        files: [{ path: "clusters/**/config.json" }]
  template:
    metadata:
      name: "web-{{cluster.name}}"
      annotations: { ${LIST}: "web=nginx:{{image.constraint}}" }
    spec:
      source: { repoURL: ${REPO}, path: "overlays/{{path.basename}}-{{path[0]}}-{{path.filename}}" }
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "web-dev", "overlays/dev-clusters-config.json", "web=nginx:~1.28"],
      ["argocd", "web-prod", "overlays/prod-clusters-config.json", "web=nginx:~1.27"],
    ]);
  });

  it("goTemplate: field paths, index, pipelines with the functions people use, if/else, templatePatch", async () => {
    const result = await render(
      appSet(`  goTemplate: true
  generators:
    - git:
        repoURL: ${REPO}
        revision: HEAD
        files: [{ path: "clusters/*/config.json" }]
  template:
    metadata:
      name: '{{ .cluster.name | lower }}-{{ index .path.segments 1 | upper | trunc 2 | lower }}'
      annotations: { ${LIST}: 'web=nginx:{{ .image.constraint }}' }
    spec:
      source: { repoURL: ${REPO}, path: '{{ .path.path }}/{{ default "base" .overlay }}' }
  templatePatch: |
    metadata:
      annotations:
        argocd-image-updater.argoproj.io/write-back-method: {{ if eq .cluster.env "production" }}"git:secret:creds"{{ else }}git{{ end }}
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "dev-de", "clusters/dev/base", "web=nginx:~1.28"],
      ["argocd", "prod-pr", "clusters/prod/base", "web=nginx:~1.27"],
    ]);
    expect(result.applications.map((app) => app.metadata.annotations?.["argocd-image-updater.argoproj.io/write-back-method"])).toEqual([
      "git",
      "git:secret:creds",
    ]);
  });

  it("goTemplate with missingkey=error: a missing key fails that ApplicationSet with the key named", async () => {
    const result = await render(
      appSet(`  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators: [{ list: { elements: [{ env: dev }] } }]
  template:
    metadata: { name: "web-{{ .envv }}" }
    spec: { source: { repoURL: ${REPO}, path: "envs/{{ .env }}" } }
`),
    );
    expect(result.applications).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'ApplicationSet argocd/web: map has no entry for key "envv" (.envv); no Application was read from it',
    ]);
  });

  it("matrix of git directories × list, the list using the directory's parameters", async () => {
    const result = await render(
      appSet(`  generators:
    - matrix:
        generators:
          - git: { repoURL: ${REPO}, revision: HEAD, directories: [{ path: "apps/*" }, { path: apps/legacy, exclude: true }] }
          - list: { elements: [{ env: dev, image: "ghcr.io/acme/{{path.basename}}" }, { env: prod, image: "ghcr.io/acme/{{path.basename}}" }] }
  template:
    metadata: { name: "{{path.basename}}-{{env}}", annotations: { ${LIST}: "app={{image}}" } }
    spec: { source: { repoURL: ${REPO}, path: "{{path}}/{{env}}" } }
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "api-dev", "apps/api/dev", "app=ghcr.io/acme/api"],
      ["argocd", "api-prod", "apps/api/prod", "app=ghcr.io/acme/api"],
      ["argocd", "web-dev", "apps/web/dev", "app=ghcr.io/acme/web"],
      ["argocd", "web-prod", "apps/web/prod", "app=ghcr.io/acme/web"],
    ]);
  });

  it("merge: later generators override the parameters of the base where the merge keys match", async () => {
    const result = await render(
      appSet(`  generators:
    - merge:
        mergeKeys: [env]
        generators:
          - list: { elements: [{ env: dev, constraint: "~1" }, { env: prod, constraint: "~1" }] }
          - list: { elements: [{ env: prod, constraint: "~1.27" }] }
  template:
    metadata: { name: "web-{{env}}", annotations: { ${LIST}: "web=nginx:{{constraint}}" } }
    spec: { source: { repoURL: ${REPO}, path: "envs/{{env}}" } }
`),
    );
    expect(result.problems).toEqual([]);
    expect(summary(result.applications)).toEqual([
      ["argocd", "web-dev", "envs/dev", "web=nginx:~1"],
      ["argocd", "web-prod", "envs/prod", "web=nginx:~1.27"],
    ]);
  });
});

describe("what cannot be rendered from the repository says what to do", () => {
  it.each([
    [
      "clusters: {}",
      /spec\.generators\[0\] is a clusters generator, which reads what only Argo CD knows .* plan against the cluster \(--kubeconfig\).*or declare the targets in \.github\/argocd-image-pr\.yml/,
    ],
    ["pullRequest: { github: { owner: acme, repo: web } }", /is a pullRequest generator/],
    [
      `git: { repoURL: "https://github.com/acme/other", revision: HEAD, directories: [{ path: "*" }] }`,
      /reads https:\/\/github\.com\/acme\/other, not this checkout; run argocd-image-pr on that repository's checkout/,
    ],
    ["list: { elementsYaml: '[]' }", /elementsYaml is not rendered/],
  ])("%s", async (generator, message) => {
    const result = await render(
      `${appSet(`  generators: [{ ${generator} }]
  template:
    metadata: { name: web, annotations: { ${LIST}: web=nginx } }
    spec: { source: { repoURL: ${REPO}, path: web } }
`)}---
${appSet(`  generators: [{ list: { elements: [{ env: dev }] } }]
  template:
    metadata: { name: "ok-{{env}}", annotations: { ${LIST}: web=nginx } }
    spec: { source: { repoURL: ${REPO}, path: web } }
`).replace("name: web, namespace", "name: other, namespace")}`,
    );
    expect(result.problems.map((p) => [p.file, p.message])).toEqual([["appsets/web.yaml", expect.stringMatching(message)]]);
    // The pass goes on for the other ApplicationSet.
    expect(result.applications.map((app) => app.metadata.name)).toEqual(["ok-dev"]);
  });

  it("an unsupported Go template construct is named, not guessed", async () => {
    const result = await render(
      appSet(`  goTemplate: true
  generators: [{ list: { elements: [{ env: dev }] } }]
  template:
    metadata: { name: '{{ range .x }}{{ end }}' }
    spec: { source: { repoURL: ${REPO}, path: web } }
`),
    );
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringContaining("{{range}} is not supported")]);
  });

  it("is bounded: more than 1000 Applications from one ApplicationSet is an error", async () => {
    const elements = Array.from({ length: 1001 }, (_, i) => `{ n: "${i}" }`).join(", ");
    const result = await render(
      appSet(`  generators: [{ list: { elements: [${elements}] } }]
  template:
    metadata: { name: "web-{{n}}" }
    spec: { source: { repoURL: ${REPO}, path: web } }
`),
    );
    expect(result.applications).toEqual([]);
    expect(result.problems.map((p) => p.message)).toEqual([expect.stringContaining("generates more than 1000 Applications")]);
  });
});

describe("the Applications become targets like any other", () => {
  it("annotations from the template, kustomize type from the directory", async () => {
    const result = await render(
      appSet(`  generators: [{ git: { repoURL: ${REPO}, revision: HEAD, directories: [{ path: "apps/web" }] } }]
  template:
    metadata:
      name: "{{path.basename}}"
      annotations: { ${LIST}: "app=ghcr.io/acme/{{path.basename}}:~1.2", argocd-image-updater.argoproj.io/write-back-method: git }
    spec: { source: { repoURL: ${REPO}, path: "{{path}}", targetRevision: main } }
`),
    );
    const targets = targetsFromApplications({ applications: result.applications, imageUpdaters: [] });
    expect(targets.problems).toEqual([]);
    expect(
      targets.targets.map((t) => [
        t.alias,
        `${t.image.registry}/${t.image.repository}`,
        t.policy.constraint,
        t.write.kind,
        t.write.path,
        t.git.branch,
      ]),
    ).toEqual([["app", "ghcr.io/acme/web", "~1.2", "kustomize", "apps/web", "main"]]);
    expect(targets.targets[0]?.declaredIn).toBe("Application argocd/web (generated by ApplicationSet argocd/web in appsets/web.yaml)");
  });
});

describe("Go templates", () => {
  const data = { name: "Web-API", path: { basename: "web", segments: ["apps", "web"] }, env: "prod", n: 3, list: ["a", "b"] };
  it.each([
    ["{{ .name }}", "Web-API"],
    ["{{ .name | lower }}", "web-api"],
    ["{{ lower .name }}", "web-api"],
    ['{{ .name | replace "-" "_" | upper }}', "WEB_API"],
    ["{{ index .path.segments 0 }}/{{ .path.basename }}", "apps/web"],
    ["{{ .missing }}", "<no value>"],
    ['{{ default "x" .missing }}', "x"],
    ['{{ printf "%s-%d" .env .n }}', "prod-3"],
    ['{{ if eq .env "prod" }}p{{ else if eq .env "dev" }}d{{ else }}o{{ end }}', "p"],
    ['{{ if eq .env "dev" }}d{{ else if eq .env "prod" -}}   p  {{- else }}o{{ end }}', "p"],
    ["{{ if and .env (not .missing) }}yes{{ end }}", "yes"],
    ['{{ .name | trunc 3 }}{{ trimPrefix "Web" .name }}', "Web-API"],
    ['{{ join "," .list }}', "a,b"],
    ["{{ normalize .name }}", "web-api"],
    ["{{/* a comment */}}x", "x"],
  ])("%s → %s", (template, expected) => {
    expect(renderGoTemplate(template, data)).toBe(expected);
  });

  it.each([
    ["{{ .missing.deeper }}", /missing/],
    ["{{ $x := 1 }}", /variables/],
    ['{{ env "HOME" }}', /function "env" is not supported/],
    ["{{ if .env }}", /without \{\{end\}\}/],
    ["{{ .name ", /unclosed/],
  ])("%s fails with a reason", (template, reason) => {
    expect(() => renderGoTemplate(template, data)).toThrow(reason);
  });
});
