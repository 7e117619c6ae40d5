/**
 * What a target carries for its pull request beyond the update (issue 9): the Application's
 * destination and labels, and argocd-image-updater's `pullRequest.labels`, from annotations,
 * ImageUpdater applicationRefs and ApplicationSet-generated Applications alike.
 */
import { describe, expect, it } from "vitest";

import { parseManifests, renderApplicationSets, targetsFromApplications } from "../../src/sources/index.js";
import { memoryRepo } from "../support/memory-repo.js";

const LIST = "argocd-image-updater.argoproj.io/image-list";

function application(name: string, options: { destination?: string; labels?: string; annotations?: string } = {}): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
${options.labels === undefined ? "" : `  labels: ${options.labels}\n`}  annotations: ${options.annotations ?? `{ ${LIST}: "web=ghcr.io/acme/web:~1.27", argocd-image-updater.argoproj.io/write-back-method: git }`}
spec:
  source: { repoURL: https://github.com/acme/gitops.git, path: apps/${name}, kustomize: {} }
${options.destination === undefined ? "" : `  destination: ${options.destination}\n`}`;
}

function targets(yaml: string) {
  const parsed = parseManifests(yaml, "apps/apps.yaml");
  expect(parsed.problems).toEqual([]);
  return targetsFromApplications(parsed);
}

describe("an Application's destination and labels reach its targets", () => {
  it.each([
    ["a cluster by name", "{ name: in-cluster, namespace: my-app }", "in-cluster / my-app"],
    ["a cluster by server", "{ server: https://kubernetes.default.svc, namespace: my-app }", "https://kubernetes.default.svc / my-app"],
    ["the name when both are given", "{ name: prod, server: https://10.0.0.1:6443, namespace: web }", "prod / web"],
    ["no namespace", "{ server: https://kubernetes.default.svc }", "https://kubernetes.default.svc"],
    ["a namespace only", "{ namespace: web }", "web"],
  ])("%s", (_, destination, expected) => {
    const result = targets(application("web", { destination }));
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.app)).toEqual([{ name: "web", namespace: "argocd", destination: expected }]);
  });

  it("no destination, no labels: neither is set", () => {
    const result = targets(application("web", { labels: "{}" }));
    expect(result.targets.map((t) => t.app)).toEqual([{ name: "web", namespace: "argocd" }]);
  });

  it("metadata.labels, for automerge rules", () => {
    const result = targets(application("web", { labels: "{ env: dev, team: web }", destination: "{ name: in-cluster, namespace: web }" }));
    expect(result.targets.map((t) => t.app)).toEqual([
      { name: "web", namespace: "argocd", destination: "in-cluster / web", labels: { env: "dev", team: "web" } },
    ]);
  });

  it("an ImageUpdater's applicationRef: the selected Application's destination and labels", () => {
    const result =
      targets(`${application("web-dev", { labels: "{ env: dev }", annotations: "{}", destination: "{ name: in-cluster, namespace: web-dev }" })}---
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: web, namespace: argocd }
spec:
  writeBackConfig: { method: git }
  applicationRefs:
    - namePattern: "web-*"
      labelSelectors: { matchLabels: { env: dev } }
      images: [{ alias: web, imageName: "ghcr.io/acme/web:~1.27" }]
`);
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => [t.id, t.app])).toEqual([
      ["argocd/web-dev/web", { name: "web-dev", namespace: "argocd", destination: "in-cluster / web-dev", labels: { env: "dev" } }],
    ]);
  });

  it("an ApplicationSet's template gives them to every Application it generates", async () => {
    const parsed = parseManifests(
      `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: { name: web, namespace: argocd }
spec:
  generators:
    - list: { elements: [{ env: dev }, { env: prod }] }
  template:
    metadata:
      name: "web-{{env}}"
      labels: { env: "{{env}}" }
      annotations: { ${LIST}: "web=ghcr.io/acme/web:~1.27", argocd-image-updater.argoproj.io/write-back-method: git }
    spec:
      source: { repoURL: https://github.com/acme/gitops.git, path: "envs/{{env}}", kustomize: {} }
      destination: { name: in-cluster, namespace: "web-{{env}}" }
`,
      "appsets/web.yaml",
    );
    const rendered = await renderApplicationSets(parsed.applicationSets ?? [], memoryRepo({}), { inReader: () => true });
    expect(rendered.problems).toEqual([]);
    const result = targetsFromApplications({ applications: rendered.applications, imageUpdaters: [] });
    expect(result.targets.map((t) => t.app)).toEqual([
      { name: "web-dev", namespace: "argocd", destination: "in-cluster / web-dev", labels: { env: "dev" } },
      { name: "web-prod", namespace: "argocd", destination: "in-cluster / web-prod", labels: { env: "prod" } },
    ]);
  });
});

const UPDATER = (spec: string, ref: string) => `${application("web", { annotations: "{}" })}---
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: web, namespace: argocd }
spec:
  writeBackConfig:
    method: git
    gitConfig:
${spec}
  applicationRefs:
    - namePattern: web
${ref}      images: [{ alias: web, imageName: "ghcr.io/acme/web:~1.27" }]
`;

describe("argocd-image-updater's writeBackConfig.gitConfig.pullRequest.labels", () => {
  it("the spec's labels, trimmed, without empty names or duplicates (as image-updater's sanitizePRLabels)", () => {
    const result = targets(
      UPDATER(
        `      branch: main\n      pullRequest:\n        github: {}\n        labels: [image-update, " automated ", "", image-update]\n`,
        "",
      ),
    );
    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.pullRequestLabels)).toEqual([["image-update", "automated"]]);
  });

  it("an applicationRef's pullRequest replaces the spec's whole (image-updater merges it as one block)", () => {
    const ref = `      writeBackConfig:\n        gitConfig:\n          pullRequest: { github: {}, labels: [web-team] }\n`;
    const result = targets(UPDATER(`      pullRequest: { github: {}, labels: [image-update] }\n`, ref));
    expect(result.targets.map((t) => t.pullRequestLabels)).toEqual([["web-team"]]);
    const none = targets(
      UPDATER(`      pullRequest: { github: {}, labels: [image-update] }\n`, ref.replace("labels: [web-team]", "labels: []")),
    );
    expect(none.targets.map((t) => t.pullRequestLabels)).toEqual([undefined]);
  });

  it("no pullRequest block: no labels", () => {
    const result = targets(UPDATER(`      branch: main\n`, ""));
    expect(result.targets.map((t) => t.pullRequestLabels)).toEqual([undefined]);
  });

  it("a label GitHub cannot hold (over 50 characters) is left off with a warning that names it and the limit", () => {
    const long = "x".repeat(51);
    const result = targets(UPDATER(`      pullRequest: { github: {}, labels: [ok, ${long}] }\n`, ""));
    expect(result.targets.map((t) => t.pullRequestLabels)).toEqual([["ok"]]);
    expect(result.problems).toEqual([
      {
        app: "argocd/web",
        image: null,
        file: "apps/apps.yaml",
        message: `ImageUpdater argocd/web: writeBackConfig.gitConfig.pullRequest.labels: "${long}" is longer than the 50 characters a GitHub label may have; it is not added to the pull request. Shorten it`,
        severity: "warning",
      },
    ]);
  });
});
