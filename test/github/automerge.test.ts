import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { DEV_FILE, kustomization, startScenario } from "./support-scenario.js";
import { clientFor, writeSequence, useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const RULE = 'version: 1\napplications: [apps]\nmergeMethod: squash\nautomerge:\n  - { paths: "overlays/dev/**" }\n';

describe("auto-merge", () => {
  it("a rule labels the PR; the app merges it itself once its checks passed", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], config: RULE });
    await s.pass();
    const [pull] = s.repo.pulls();
    expect(pull?.labels).toEqual(["argocd-image-pr", "argocd-image-pr:automerge"]);
    const head = s.git("rev-parse", "argocd-image-pr/web-dev").trim();
    s.repo.setCommitStatus(head, "pending", "ci");
    fake.resetLog();
    await s.pass();
    expect(fake.writes()).toEqual([]);
    s.repo.setCommitStatus(head, "success", "ci");
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => a.kind)).toEqual(["automerge"]);
    expect(writeSequence(fake)).toEqual(["PUT pulls/merge"]);
    expect(s.repo.pulls()[0]?.state).toBe("closed");
    expect(await s.repo.readFile("main", DEV_FILE)).toBe(kustomization(s.image, "1.27.3"));
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it("uses GitHub's native auto-merge when the repository allows it", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"], config: RULE });
    s.repo.setMergeOptions({ autoMerge: true });
    await s.pass();
    s.repo.setCommitStatus(s.git("rev-parse", "argocd-image-pr/web-dev").trim(), "pending", "ci");
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual(["POST graphql:enablePullRequestAutoMerge"]);
    await fake.idle();
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual([]);
    // Branch protection and checks decide: once green, GitHub merges it.
    s.repo.setCommitStatus(s.git("rev-parse", "argocd-image-pr/web-dev").trim(), "success", "ci");
    await fake.idle();
    expect(s.repo.pulls()[0]?.state).toBe("closed");
  });

  it("a person's label works the same; changes requested or a major without a rule never merge", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    s.repo.addReview(1, "octocat", "CHANGES_REQUESTED", "not yet");
    // The label as a maintainer would make it (with a description: the fake cannot serve a label without one).
    await clientFor(fake).request("POST /repos/{owner}/{repo}/labels", {
      owner: "acme",
      repo: s.fullName.split("/")[1] ?? "",
      name: "argocd-image-pr:automerge",
      color: "1d76db",
      description: "merge when green",
    });
    s.repo.addLabel(1, "argocd-image-pr:automerge", "octocat");
    fake.resetLog();
    await s.pass();
    expect(fake.writes()).toEqual([]);
    s.repo.addReview(1, "octocat", "APPROVED");
    fake.resetLog();
    await s.pass();
    expect(writeSequence(fake)).toEqual(["PUT pulls/merge"]);
  });
});
