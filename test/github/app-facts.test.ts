/**
 * What an update PR takes from its Application and its ImageUpdater (issue 9): the destination in
 * the body, automerge rules on Application labels, and image-updater's `pullRequest.labels`.
 */
import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { application, DEV_FILE, kustomization, revisionOf, startScenario } from "./support-scenario.js";
import { useFakeGitHubAndRegistry, writeSequence } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const BRANCH = "argocd-image-pr/web-dev";

/** The scenario's Application with `metadata.labels` added. */
function labelled(yaml: string, labels: string): string {
  return yaml.replace("  namespace: argocd\n", `  namespace: argocd\n  labels: ${labels}\n`);
}

describe("the Application's labels and destination", () => {
  it("an automerge rule on labels {env: dev}: the PR gets the automerge label and is merged once its checks pass", async () => {
    const config = "version: 1\napplications: [apps]\nautomerge:\n  - labels: { env: dev }\n";
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], config, prod: true });
    await s.repo.push("main", {
      "apps/web-dev.yaml": labelled(application("web-dev", s.fullName, "overlays/dev", s.image, "~1.27"), "{ env: dev }"),
      "apps/web-prod.yaml": labelled(application("web-prod", s.fullName, "overlays/prod", s.image, "~1.27"), "{ env: prod }"),
    });
    const report = await s.pass();
    expect(report.problems).toEqual([]);
    expect(s.repo.pulls().map((p) => [p.head, p.labels])).toEqual([
      [BRANCH, ["argocd-image-pr", "argocd-image-pr:automerge"]],
      ["argocd-image-pr/web-prod", ["argocd-image-pr"]],
    ]);
    s.repo.setCommitStatus(s.git("rev-parse", BRANCH).trim(), "success", "ci");
    s.repo.setCommitStatus(s.git("rev-parse", "argocd-image-pr/web-prod").trim(), "success", "ci");
    fake.resetLog();
    const merging = await s.pass();
    expect(merging.actions.map((a) => `${a.kind} ${a.branch}`)).toEqual([`automerge ${BRANCH}`]);
    expect(writeSequence(fake)).toEqual(["PUT pulls/merge"]);
    expect(s.repo.pulls().map((p) => [p.head, p.state, p.merged])).toEqual([
      [BRANCH, "closed", true],
      ["argocd-image-pr/web-prod", "open", false],
    ]);
    expect(await s.repo.readFile("main", DEV_FILE)).toBe(kustomization(s.image, "1.27.3"));
  });

  it("the body: every row a reviewer wants, the destination (cluster / namespace) escaped", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.repo.push("main", {
      "apps/web-dev.yaml": application("web-dev", s.fullName, "overlays/dev", s.image, "~1.27").replace(
        "    server: https://kubernetes.default.svc\n    namespace: web\n",
        "    name: in-cluster\n    namespace: web_<b>dev</b>\n",
      ),
    });
    await s.pass();
    const body = s.repo.pulls()[0]?.body ?? "";
    // Every row a reviewer wants (issue 9), in order; the compare link because the image's source label is on GitHub.
    expect(body.split("\n").flatMap((line) => /^\| ([A-Z][^|]*?) \|/.exec(line)?.[1] ?? [])).toEqual([
      "Application",
      "Destination",
      "File",
      "Image",
      "Change",
      "Strategy",
      "Why this tag",
      "Digest",
      "Built",
      "Source",
    ]);
    expect(body).toContain(
      `(https://github.com/acme/web/compare/${revisionOf("1.27.0")}...${revisionOf("1.27.3")}) (what is in this deploy)`,
    );
    expect(body).toContain("### Rolling back\n\nRevert this pull request after it is merged");
    expect(body.split("\n").filter((line) => line.startsWith("| Destination"))).toEqual([
      "| Destination | in\\-cluster \\/ web\\_&lt;b&gt;dev&lt;\\/b&gt; |",
    ]);
  });
});

describe("argocd-image-updater's pullRequest.labels", () => {
  it("an ImageUpdater's labels are added to the PR, each created when the repository lacks it", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.repo.push("main", {
      "apps/web-dev.yaml": application("web-dev", s.fullName, "overlays/dev", s.image, "~1.27").replace(
        / {2}annotations:\n( {4}.*\n)+/,
        "",
      ),
      "apps/updater.yaml": `apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: { name: web, namespace: argocd }
spec:
  writeBackConfig:
    method: git
    gitConfig:
      pullRequest:
        github: {}
        labels: [image-update, automated]
  applicationRefs:
    - namePattern: web-dev
      images: [{ alias: web, imageName: "${s.image}:~1.27" }]
`,
    });
    fake.resetLog();
    const report = await s.pass();
    expect(report.problems).toEqual([]);
    expect(report.actions.map((a) => `${a.kind} ${a.branch}`)).toEqual([`create ${BRANCH}`]);
    expect(writeSequence(fake)).toEqual([
      "POST git/create-tree",
      "POST git/create-commit",
      "POST git/create-ref",
      "POST issues/create-label",
      "POST issues/create-label",
      "POST issues/create-label",
      "POST pulls/create",
      "POST issues/add-labels",
    ]);
    expect(s.repo.pulls().map((p) => p.labels)).toEqual([["argocd-image-pr", "image-update", "automated"]]);
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });
});
