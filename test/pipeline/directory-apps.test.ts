/**
 * Directory-type (plain-manifest) Applications through the whole pass, against a real registry:
 * the manifests Argo CD renders from the source path are edited, honouring directory.recurse,
 * include and exclude; several files of one target are written together or not at all.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPlan } from "../../src/pipeline/index.js";
import type { RunPlanOptions } from "../../src/pipeline/index.js";
import { parseRegistriesConfig } from "../../src/registry/index.js";
import { pushImage, startRegistry } from "../support/registry.js";
import type { TestRegistry } from "../support/registry.js";

let registry: TestRegistry;
let repo: string;

beforeAll(async () => {
  registry = await startRegistry();
  for (const tag of ["1.27.3", "1.27.4", "1.28.0"])
    await pushImage(registry.host, "web/nginx", tag, { created: "2026-10-01T00:00:00Z", format: "oci" });
});

afterAll(async () => {
  await registry.stop();
});

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "argocd-image-pr-directory-"));
  execFileSync("git", ["init", "-q", repo]);
  execFileSync("git", ["-C", repo, "remote", "add", "origin", "https://github.com/acme/gitops.git"]);
  return () => rmSync(repo, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  mkdirSync(dirname(join(repo, file)), { recursive: true });
  writeFileSync(join(repo, file), text);
}

function read(file: string): string {
  return readFileSync(join(repo, file), "utf8");
}

function options(): RunPlanOptions {
  const conf = `registries:\n  - name: local\n    prefix: registry.example\n    api_url: http://${registry.host}\n`;
  return {
    repoDir: repo,
    appPaths: [join(repo, "apps")],
    configFile: null,
    cluster: null,
    registry: { config: parseRegistriesConfig(conf, "registries.conf") },
    concurrency: 2,
    write: true,
  };
}

function application(annotations: Record<string, string>, source: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations:
${Object.entries({ "argocd-image-updater.argoproj.io/image-list": "nginx=registry.example/web/nginx:~1.27", ...annotations })
  .map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`)
  .join("\n")}
spec:
  project: default
  destination: { server: https://kubernetes.default.svc, namespace: web }
  source: ${source}
`;
}

function deployment(name: string, tag: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example/web/nginx:${tag} # pinned by review
`;
}

function cronJob(tag: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata: { name: warm }
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - { name: warm, image: "registry.example/web/nginx:${tag}" }
`;
}

function seed(): void {
  write("manifests/web/deploy.yaml", deployment("web", "1.27.3"));
  write("manifests/web/service.yaml", "apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ port: 80 }] }\n");
  write("manifests/web/README.md", "image: registry.example/web/nginx:1.27.3\n");
  write("manifests/web/jobs/warm.yaml", cronJob("1.27.3"));
  write("manifests/web/test/smoke.yaml", deployment("smoke", "1.27.3"));
}

const SOURCE = (directory: string) =>
  `{ repoURL: https://github.com/acme/gitops.git, path: manifests/web, targetRevision: main${directory} }`;

describe("directory-type Applications", () => {
  it.each([
    [
      "write-back-method git, no directory block (neither a kustomization nor a Chart.yaml)",
      { "argocd-image-updater.argoproj.io/write-back-method": "git" },
      "",
    ],
    ["write-back-method argocd (the default), no directory block", {}, ""],
    ["an explicit directory block", { "argocd-image-updater.argoproj.io/write-back-method": "git" }, ", directory: {}"],
  ])("%s: the manifests directly in the path are edited", async (_, annotations, directory) => {
    seed();
    write("apps/web.yaml", application(annotations, SOURCE(directory)));
    const before = read("apps/web.yaml");

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.skipped).toEqual([]);
    expect(result.updates.map((u) => [u.targetId, u.kind, u.files, u.from, u.to])).toEqual([
      ["argocd/web/nginx", "manifest", ["manifests/web/deploy.yaml"], "1.27.3", "1.27.4"],
    ]);
    expect(read("manifests/web/deploy.yaml")).toBe(deployment("web", "1.27.4"));
    // Not recursing: the subdirectories are not what Argo CD renders.
    expect(read("manifests/web/jobs/warm.yaml")).toBe(cronJob("1.27.3"));
    expect(read("manifests/web/README.md")).toBe("image: registry.example/web/nginx:1.27.3\n");
    expect(read("apps/web.yaml")).toBe(before);
  });

  it("with recurse and exclude, edits every rendered manifest that runs the image, together", async () => {
    seed();
    write("apps/web.yaml", application({}, SOURCE(", directory: { recurse: true, exclude: '{test/*,*.md}' }")));

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => [u.targetId, u.files])).toEqual([
      ["argocd/web/nginx", ["manifests/web/deploy.yaml", "manifests/web/jobs/warm.yaml"]],
    ]);
    expect(result.changes.map((c) => c.file)).toEqual(["manifests/web/deploy.yaml", "manifests/web/jobs/warm.yaml"]);
    expect(read("manifests/web/deploy.yaml")).toBe(deployment("web", "1.27.4"));
    expect(read("manifests/web/jobs/warm.yaml")).toBe(cronJob("1.27.4"));
    expect(read("manifests/web/test/smoke.yaml")).toBe(deployment("smoke", "1.27.3"));

    const again = await runPlan(options());
    expect(again.updates).toEqual([]);
    expect(again.upToDate.map((q) => q.targetId)).toEqual(["argocd/web/nginx"]);
  });

  it("with include, edits only the files it names", async () => {
    seed();
    write("apps/web.yaml", application({}, SOURCE(", directory: { recurse: true, include: 'test/*' }")));

    const result = await runPlan(options());

    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => u.files)).toEqual([["manifests/web/test/smoke.yaml"]]);
    expect(read("manifests/web/deploy.yaml")).toBe(deployment("web", "1.27.3"));
  });

  it("says clearly when nothing under the path runs the image, without suggesting a kustomization", async () => {
    seed();
    write("apps/web.yaml", application({ "argocd-image-updater.argoproj.io/image-list": "nginx=registry.example/web/other" }, SOURCE("")));

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => [e.target, e.file, e.message])).toEqual([
      [
        "argocd/web/nginx",
        "manifests/web",
        'no manifest under "manifests/web" runs registry.example/web/other (a directory-type Application: Argo CD renders 2 files from there: manifests/web/deploy.yaml, manifests/web/service.yaml) (check the image name in the image list; set spec.source.directory.recurse: true if the manifest is in a subdirectory)',
      ],
    ]);
    expect(result.errors[0]?.message).not.toMatch(/kustomization/);
  });

  it("refuses files that run the image at different versions, and writes none of them", async () => {
    seed();
    write("manifests/web/jobs/warm.yaml", cronJob("1.27.2"));
    write("apps/web.yaml", application({}, SOURCE(", directory: { recurse: true }")));

    const result = await runPlan(options());

    expect(result.updates).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        '"manifests/web" runs registry.example/web/nginx at different versions (manifests/web/deploy.yaml: 1.27.3, manifests/web/jobs/warm.yaml: 1.27.2)',
      ),
    ]);
    expect(read("manifests/web/deploy.yaml")).toBe(deployment("web", "1.27.3"));
  });

  it("writes none of a target's files when one of them cannot be composed", async () => {
    seed();
    write("apps/web.yaml", application({}, SOURCE(", directory: { recurse: true, exclude: 'test/*' }")));
    // A second target, unconstrained, sets the same image in the CronJob's file to another version.
    write(
      ".github/argocd-image-pr.yml",
      "version: 1\ntargets:\n  - name: warm\n    file: manifests/web/jobs/warm.yaml\n    image: registry.example/web/nginx\n",
    );
    const result = await runPlan({ ...options(), configFile: null });

    expect(result.updates).toEqual([]);
    expect(read("manifests/web/deploy.yaml")).toBe(deployment("web", "1.27.3"));
    expect(result.errors.map((e) => [e.target, e.file, e.message])).toEqual([
      [
        "warm/nginx",
        "manifests/web/jobs/warm.yaml",
        expect.stringContaining(
          "several targets set registry.example/web/nginx to different versions (warm/nginx wants 1.28.0; argocd/web/nginx wants 1.27.4)",
        ),
      ],
      [
        "argocd/web/nginx",
        "manifests/web/jobs/warm.yaml",
        "registry.example/web/nginx was not updated: manifests/web/jobs/warm.yaml could not be edited (see the error for that file), and the update changes its files together, so manifests/web/deploy.yaml was left as it was",
      ],
    ]);
  });
});
