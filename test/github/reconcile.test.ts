import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";
import { DEV_FILE, kustomization, PROD_FILE, revisionOf, startScenario } from "./support-scenario.js";
import { writeSequence } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
beforeAll(async () => {
  [fake, registry] = await Promise.all([startFakeGitHub(), startRegistry()]);
});
afterAll(async () => {
  await Promise.all([fake.close(), registry.stop()]);
});
afterEach(() => {
  try {
    fake.assertNoViolations();
  } finally {
    fake.resetLog();
  }
});

const CREATE = ["POST git/create-tree", "POST git/create-commit", "POST git/create-ref", "POST issues/create-label", "POST pulls/create", "POST issues/add-labels"];
const DEV_BRANCH = "argocd-image-pr/web-dev";

describe("reconcile against the fake GitHub and a real registry", () => {
  it("new tag → one PR per Application with the editors' minimal diff; a second pass writes nothing", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3", "1.28.0"], prod: true });
    fake.resetLog();
    const report = await s.pass();
    expect(report.failed).toBe(false);
    expect(report.actions.map((a) => `${a.kind} ${a.branch}`)).toEqual(["create argocd-image-pr/web-dev", "create argocd-image-pr/web-prod"]);
    // Labels are created once per repository.
    expect(writeSequence(fake)).toEqual([...CREATE, ...CREATE.filter((w) => w !== "POST issues/create-label")]);
    expect(s.diff(DEV_BRANCH).replace(/^index [0-9a-f]+\.\.[0-9a-f]+ 100644$/m, "index …")).toBe(
      [
        `diff --git a/${DEV_FILE} b/${DEV_FILE}`,
        "index …",
        `--- a/${DEV_FILE}`,
        `+++ b/${DEV_FILE}`,
        "@@ -4,4 +4,4 @@ resources:",
        "   - ../../base",
        " images:",
        `   - name: ${s.image}`,
        '-    newTag: "1.27.0" # kept current by argocd-image-pr',
        '+    newTag: "1.27.3" # kept current by argocd-image-pr',
        "",
      ].join("\n"),
    );
    expect(s.diff("argocd-image-pr/web-prod").split("\n").filter((line) => /^[+-] /.test(line))).toEqual(['-    newTag: "1.27.0" # kept current by argocd-image-pr', '+    newTag: "1.27.3" # kept current by argocd-image-pr']);
    const pulls = s.repo.pulls();
    expect(pulls.map((p) => [p.number, p.title, p.head, p.base, p.labels])).toEqual([
      [1, "Update " + s.imageRepo.split("/")[1] + " to 1.27.3 (web-dev)", DEV_BRANCH, "main", ["argocd-image-pr"]],
      [2, "Update " + s.imageRepo.split("/")[1] + " to 1.27.3 (web-prod)", "argocd-image-pr/web-prod", "main", ["argocd-image-pr"]],
    ]);
    expect(pulls[0]?.body).toContain(`https://github.com/acme/web/compare/${revisionOf("1.27.0")}...${revisionOf("1.27.3")}`);

    fake.resetLog();
    const second = await s.pass();
    expect(second.actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
    void PROD_FILE;
    void kustomization;
  });
});
