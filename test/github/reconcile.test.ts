import { describe, expect, it } from "vitest";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { DEV_FILE, kustomization, PROD_FILE, revisionOf, startScenario } from "./support-scenario.js";
import { writeSequence, useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const CREATE = [
  "POST git/create-tree",
  "POST git/create-commit",
  "POST git/create-ref",
  "POST issues/create-label",
  "POST pulls/create",
  "POST issues/add-labels",
];
const DEV_BRANCH = "argocd-image-pr/web-dev";

describe("reconcile against the fake GitHub and a real registry", () => {
  it("new tag → one PR per Application with the editors' minimal diff; a second pass writes nothing", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3", "1.28.0"], prod: true });
    fake.resetLog();
    const report = await s.pass();
    expect(report.problems).toEqual([]);
    expect(report.failed).toBe(false);
    expect(report.actions.map((a) => `${a.kind} ${a.branch}`)).toEqual([
      "create argocd-image-pr/web-dev",
      "create argocd-image-pr/web-prod",
    ]);
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
    expect(
      s
        .diff("argocd-image-pr/web-prod")
        .split("\n")
        .filter((line) => /^[+-] /.test(line)),
    ).toEqual(['-    newTag: "1.27.0" # kept current by argocd-image-pr', '+    newTag: "1.27.3" # kept current by argocd-image-pr']);
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
  });

  it("newer tag → the same PR gets a fresh commit on the base, its title and body rewritten", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.push("1.27.4");
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => (a.kind === "update" ? `update ${a.commit} retitle=${a.retitle}` : a.kind))).toEqual([
      "update update retitle=true",
    ]);
    expect(writeSequence(fake)).toEqual(["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref", "PATCH pulls/update"]);
    expect(s.repo.pulls().map((p) => [p.number, p.state, p.title])).toEqual([
      [1, "open", `Update ${s.imageRepo.split("/")[1]} to 1.27.4 (web-dev)`],
    ]);
    expect(await s.repo.readFile(DEV_BRANCH, DEV_FILE)).toBe(kustomization(s.image, "1.27.4"));
    // One commit on top of main, never a stack.
    expect(s.git("rev-list", "--count", `main..${DEV_BRANCH}`).trim()).toBe("1");
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it("base moved and changed the PR's line → rebased onto the new base, still one commit", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    // A person rewrites the comment on the PR's line and adds a resource: the PR conflicts.
    const extra = "  - extra.yaml\n";
    await s.repo.push(
      "main",
      {
        [DEV_FILE]: kustomization(s.image, "1.27.0", extra).replace("# kept current by argocd-image-pr", "# reviewed by ops"),
        "overlays/dev/extra.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
      },
      { author: "octocat", message: "by hand" },
    );
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => (a.kind === "update" ? `update ${a.commit}` : a.kind))).toEqual(["update rebase-conflicted"]);
    // Same update, same title and body: only the commit moves.
    expect(writeSequence(fake)).toEqual(["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref"]);
    expect(await s.repo.readFile(DEV_BRANCH, DEV_FILE)).toBe(
      kustomization(s.image, "1.27.3", extra).replace("# kept current by argocd-image-pr", "# reviewed by ops"),
    );
    expect(s.git("rev-parse", `${DEV_BRANCH}^`).trim()).toBe(s.git("rev-parse", "main").trim());
    expect(s.git("rev-list", "--count", `main..${DEV_BRANCH}`).trim()).toBe("1");
  });

  it("base moved elsewhere → nothing by default; rebase: behind → a fresh commit on the new base", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.push("main", { "README.md": "# moved\n" }, { author: "octocat" });
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    await s.repo.push(
      "main",
      { ".github/argocd-image-pr.yml": "version: 1\napplications: [apps]\nrebase: behind\n" },
      { author: "octocat" },
    );
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => (a.kind === "update" ? `update ${a.commit}` : a.kind))).toEqual(["update rebase-behind"]);
    expect(writeSequence(fake)).toEqual(["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref"]);
    expect(s.git("rev-parse", `${DEV_BRANCH}^`).trim()).toBe(s.git("rev-parse", "main").trim());
  });

  it("merged → the next pass writes nothing", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.mergePull(1, { by: "octocat" });
    expect(await s.repo.readFile("main", DEV_FILE)).toBe(kustomization(s.image, "1.27.3"));
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
    expect(report.outcomes.map((o) => o.kind)).toEqual(["up-to-date"]);
  });

  it("tag moot (the base got it by hand) → the PR is closed with a comment saying why, and its branch deleted", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.3") }, { author: "octocat" });
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => a.kind)).toEqual(["close"]);
    expect(writeSequence(fake)).toEqual(["POST issues/create-comment", "PATCH pulls/update", "DELETE git/delete-ref"]);
    expect(s.repo.pulls()[0]?.state).toBe("closed");
    expect(s.repo.comments(1).map((c) => c.body.split("\n\n")[0])).toEqual([
      "This update is no longer needed, so argocd-image-pr closes it and deletes its branch:",
    ]);
    expect(s.repo.comments(1)[0]?.body).toContain("argocd\\/web\\-dev\\/web: ");
    expect(Object.keys(await s.repo.branches())).toEqual(["main"]);
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it("a foreign commit on the branch → hands off, said once; newer tags then leave the PR alone", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.push(DEV_BRANCH, { "notes.md": "mine\n" }, { author: "octocat", message: "add notes" });
    fake.resetLog();
    const report = await s.pass();
    expect(report.actions.map((a) => a.kind)).toEqual(["hands-off"]);
    expect(writeSequence(fake)).toEqual(["POST issues/create-comment", "PATCH pulls/update"]);
    expect(s.repo.comments(1)).toHaveLength(1);
    await s.push("1.27.4");
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
    expect((await s.pass({ restart: true })).actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
    expect(await s.repo.readFile(DEV_BRANCH, "notes.md")).toBe("mine\n");
  });

  it("dry-run makes every read and no write, and lists the writes it would make", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    fake.resetLog();
    const report = await s.pass({ dryRun: true });
    expect(fake.writes()).toEqual([]);
    expect(report.results.flatMap((r) => r.writes.map((w) => w.split(" — ")[0]?.replace(/\/repos\/[^/]+\/[^/]+/, "")))).toEqual([
      "POST /git/trees",
      "POST /git/commits",
      "POST /git/refs",
      "POST /labels",
      "POST /pulls",
      "POST /issues/0/labels",
    ]);
    expect(s.repo.pulls()).toEqual([]);
  });
});

describe("failures at each write step", () => {
  const steps = ["git/create-tree", "git/create-commit", "git/create-ref", "issues/create-label", "pulls/create", "issues/add-labels"];

  it.each(
    steps.flatMap(
      (step) =>
        [
          [step, "a 502"],
          [step, "a secondary rate limit"],
        ] as const,
    ),
  )("%s answering %s → retried, nothing duplicated", async (step, kind) => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    fake.failNext({ operationId: step }, kind === "a 502" ? { status: 502 } : { status: 403, secondaryRateLimit: true, retryAfter: 1 });
    fake.resetLog();
    const report = await s.pass();
    expect(report.results.map((r) => r.ok)).toEqual([true]);
    const sequence = writeSequence(fake);
    const failed = sequence.findIndex((w) => w.includes("→"));
    expect(sequence[failed]).toMatch(new RegExp(`${step} → (502|403)$`));
    expect([...sequence.slice(0, failed), ...sequence.slice(failed + 1)]).toEqual(CREATE);
    expect(s.repo.pulls().map((p) => [p.number, p.labels])).toEqual([[1, ["argocd-image-pr"]]]);
    fake.resetLog();
    expect((await s.pass()).actions).toEqual([]);
  });

  it.each(steps.slice(0, -1).map((step, i) => [step, steps[i + 1] ?? ""]))(
    "a restart after %s (before %s) converges to the same single PR",
    async (_done, next) => {
      const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
      // The next write fails for good (every retry too): the pass ends there, as a crash would.
      fake.failNext({ operationId: next }, { status: 502, times: 4 });
      const first = await s.pass();
      expect(first.results.map((r) => [r.ok, r.error?.replace(/:.*/s, "")])).toEqual([[false, expect.any(String)]]);
      expect(first.failed).toBe(true);
      const second = await s.pass({ restart: true });
      expect(second.results.map((r) => [r.kind, r.ok, r.error])).toEqual([
        [expect.stringMatching(/^(create|adopt|update)$/), true, undefined],
      ]);
      expect(s.repo.pulls().map((p) => [p.number, p.state, p.head, p.labels])).toEqual([[1, "open", DEV_BRANCH, ["argocd-image-pr"]]]);
      expect(await s.repo.readFile(DEV_BRANCH, DEV_FILE)).toBe(kustomization(s.image, "1.27.3"));
      fake.resetLog();
      expect((await s.pass({ restart: true })).actions).toEqual([]);
      expect(fake.writes()).toEqual([]);
    },
  );
});
