/**
 * People in charge, end to end: the state (pins, holds after a rollback, refused tags) on its
 * branch of the fake GitHub, a real registry, and the reconcile pass that reads and writes it.
 * Every step may follow a restart (a fresh port and state store): no outcome changes.
 */
import { describe, expect, it } from "vitest";
import { createStateStore, type StateStore } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import { applyCommand, type Audit, type State } from "../../src/state/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { DEV_FILE, kustomization, startScenario, type Scenario } from "./support-scenario.js";
import { clientFor, useFakeGitHubAndRegistry, writeSequence } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const ID = "argocd/web-dev/web";
const BRANCH = "argocd-image-pr/web-dev";
const STATE_CREATE = ["POST git/create-tree", "POST git/create-commit", "POST git/create-ref"];
const STATE_UPDATE = ["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref"];
const ADOPT = ["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref", "POST pulls/create", "POST issues/add-labels"];

function audit(s: Scenario, why: string): Audit {
  return { by: "alice", at: "2026-12-02T01:00:00.000Z", link: `https://github.com/${s.fullName}/pull/1#issuecomment-1`, why };
}

async function command(store: StateStore, change: (state: State) => State): Promise<void> {
  await store.update((state) => ({ state: change(state), message: "a command", result: null }));
}

async function stateOf(s: Scenario): Promise<State> {
  return (await s.state.read()).state;
}

/** The +/- lines of a branch's diff against main. */
function changed(s: Scenario, branch: string): string[] {
  return s
    .diff(branch)
    .split("\n")
    .filter((line) => /^[+-] /.test(line));
}

/** Update PR #1 (web-dev 1.27.0 → 1.27.3) merged by alice, then her /rollback of it stored as the command handler stores it. */
async function rolledBack(): Promise<Scenario> {
  const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
  await s.pass();
  await s.repo.mergePull(1, { by: "alice" });
  await command(
    s.state,
    (state) =>
      applyCommand(
        state,
        { kind: "rollback" },
        {
          targets: [ID],
          audit: audit(s, "/rollback"),
          holdUntil: "newer",
          place: "pull-request",
          rollback: { pr: 1, to: new Map([[ID, "1.27.3"]]), from: new Map([[ID, "1.27.0"]]) },
        },
      ).state,
  );
  return s;
}

async function quiet(s: Scenario): Promise<void> {
  for (const restart of [false, true]) {
    fake.resetLog();
    const report = await s.pass({ restart });
    expect(report.actions).toEqual([]);
    expect(report.stateWrite).toBeNull();
    expect(fake.writes()).toEqual([]);
  }
}

describe("holds after a rollback", () => {
  it("merge an update, push a revert of it → hold recorded with who/when/why/link, one note on the PR, the reverted tag never again; a newer tag → proposed", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.mergePull(1, { by: "alice" });
    await quiet(s);
    // The fake has no revert button: a person pushes the revert.
    const revert = await s.repo.push(
      "main",
      { [DEV_FILE]: kustomization(s.image, "1.27.0") },
      { author: "alice", message: "Revert web 1.27.3" },
    );

    fake.resetLog();
    const report = await s.pass({ restart: true });
    expect(report.stateEvents).toEqual([
      { kind: "hold", target: ID, above: "1.27.3", current: "1.27.0", pr: 1, url: expect.stringMatching(/\/pull\/1$/) },
    ]);
    expect(report.actions.map((a) => `${a.kind} ${a.branch}`)).toEqual([`comment ${BRANCH}`]);
    expect(writeSequence(fake)).toEqual([...STATE_CREATE, "POST issues/create-comment"]);
    expect(report.outcomes.map((o) => o.kind)).toEqual(["up-to-date"]);
    expect((await stateOf(s)).targets[ID]).toEqual({
      holds: [
        {
          above: "1.27.3",
          until: "newer",
          pr: 1,
          by: fake.botLogin,
          at: expect.any(String),
          link: `https://github.com/${s.fullName}/commit/${revert}`,
          why: `the base branch moved ${ID} back from 1.27.3 (merged in #1) to 1.27.0`,
        },
      ],
      refused: [],
    });
    // The state branch's history is the audit log.
    expect(s.git("log", "-1", "--format=%s", "argocd-image-pr/state").trim()).toBe(
      "argocd-image-pr: 1 change from the repository's history",
    );
    const notes = s.repo.comments(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain(
      `**Held after a rollback.** The base branch moved argocd\\/web\\-dev\\/web back from 1\\.27\\.3, which this pull request brought in, to 1\\.27\\.0 ([the commit](https://github.com/${s.fullName}/commit/${revert})).`,
    );
    expect(notes[0]?.body).toContain(
      "From now on argocd-image-pr proposes only tags newer than 1\\.27\\.3 for it, and never 1\\.27\\.3 again.",
    );
    await quiet(s);
    expect(s.repo.comments(1)).toHaveLength(1);
    // A pass with nothing new costs nothing: the state, the PR history and the note are conditional reads (304).
    fake.resetLog();
    await s.pass();
    expect(fake.requests.map((r) => `${r.operationId} ${r.status}`)).toEqual([
      "repos/get 304",
      "git/get-ref 304",
      "git/list-matching-refs 304",
      "pulls/list 304",
      "pulls/list 304",
      "git/get-ref 304",
      "pulls/list 304",
      "issues/list-comments 304",
    ]);

    await s.push("1.27.4");
    fake.resetLog();
    const newer = await s.pass({ restart: true });
    expect(newer.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(writeSequence(fake)).toEqual(ADOPT);
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.0" # kept current by argocd-image-pr',
      '+    newTag: "1.27.4" # kept current by argocd-image-pr',
    ]);
    await quiet(s);
  }, 60_000);

  it("the state write fails for good → a problem; the pass still holds (no PR re-proposes the tag); the next pass stores it, the note stays one", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.mergePull(1, { by: "alice" });
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.0") }, { author: "alice" });
    fake.failNext({ operationId: "git/create-ref" }, { status: 502, times: 4 });
    const failed = await s.pass();
    expect(failed.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^the state was not stored: /)]);
    expect(failed.failed).toBe(true);
    expect(failed.actions.map((a) => a.kind)).toEqual(["comment"]);
    expect((await s.state.read()).head).toBeNull();
    fake.resetLog();
    const stored = await s.pass({ restart: true });
    expect(stored.stateEvents.map((e) => e.kind)).toEqual(["hold"]);
    expect(stored.actions).toEqual([]);
    expect(writeSequence(fake)).toEqual(STATE_CREATE);
    expect(s.repo.comments(1)).toHaveLength(1);
    await quiet(s);
  }, 60_000);

  it("a dry run prints the state write and the note, and makes neither", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.mergePull(1, { by: "alice" });
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.0") }, { author: "alice" });
    fake.resetLog();
    const report = await s.pass({ dryRun: true });
    expect(fake.writes()).toEqual([]);
    expect(report.stateWrite).toEqual({
      message: `argocd-image-pr: 1 change from the repository's history\n\n- hold ${ID} above 1.27.3: the base branch moved it back to 1.27.0 (#1)\n`,
      commit: null,
      dryRun: true,
    });
    expect(report.results.map((r) => [r.kind, r.writes.map((w) => w.split(" — ")[0])])).toEqual([
      ["comment", [`POST /repos/${s.fullName}/issues/1/comments`]],
    ]);
    expect(Object.keys(await s.repo.branches()).sort()).toEqual([BRANCH, "main"]);
  }, 60_000);

  it("holdUntil: unpin → nothing proposed, not even a newer tag, until the hold is lifted", async () => {
    const s = await startScenario(fake, registry, {
      tags: ["1.27.0", "1.27.3"],
      config: "version: 1\napplications: [apps]\nholdUntil: unpin\n",
    });
    await s.pass();
    await s.repo.mergePull(1, { by: "alice" });
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.0") }, { author: "alice" });
    const held = await s.pass();
    expect(held.stateEvents.map((e) => e.kind)).toEqual(["hold"]);
    expect(s.repo.comments(1)[0]?.body).toContain("proposes no update for it until someone comments `/unpin`");
    await s.push("1.27.4");
    await quiet(s);
    await command(
      s.state,
      (state) =>
        applyCommand(
          state,
          { kind: "unpin", target: null },
          { targets: [ID], audit: audit(s, "/unpin"), holdUntil: "unpin", place: "pull-request" },
        ).state,
    );
    fake.resetLog();
    const lifted = await s.pass({ restart: true });
    expect(lifted.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.0" # kept current by argocd-image-pr',
      '+    newTag: "1.27.4" # kept current by argocd-image-pr',
    ]);
    await quiet(s);
  }, 60_000);
});

describe("closed PRs respected", () => {
  it("closed unmerged by a person → that tag never again, a newer one is; reopened → proposed again", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    s.repo.closePull(1, "alice");
    fake.resetLog();
    const refused = await s.pass({ restart: true });
    expect(refused.stateEvents.map((e) => e.kind)).toEqual(["refused"]);
    expect(refused.actions).toEqual([]);
    expect(writeSequence(fake)).toEqual(STATE_CREATE);
    expect((await stateOf(s)).targets[ID]?.refused).toEqual([
      {
        tag: "1.27.3",
        pr: 1,
        by: "alice",
        at: expect.any(String),
        link: expect.stringMatching(/\/pull\/1$/),
        why: `update PR #1 (${ID} → 1.27.3) was closed without merging`,
      },
    ]);
    await quiet(s);

    // Reopened: the refusal is lifted, and the PR stays as it is (it is what the app wants).
    s.repo.reopenPull(1, "alice");
    fake.resetLog();
    const reopened = await s.pass({ restart: true });
    expect(reopened.stateEvents.map((e) => e.kind)).toEqual(["refusal-lifted"]);
    expect(reopened.actions).toEqual([]);
    expect(writeSequence(fake)).toEqual(STATE_UPDATE);
    expect((await stateOf(s)).targets[ID]?.refused).toEqual([]);
    await quiet(s);

    s.repo.closePull(1, "alice");
    await s.pass();
    await s.push("1.27.4");
    fake.resetLog();
    const newer = await s.pass({ restart: true });
    expect(newer.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(writeSequence(fake)).toEqual(ADOPT);
    expect(s.repo.pulls().map((p) => [p.number, p.state])).toEqual([
      [1, "closed"],
      [2, "open"],
    ]);
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.0" # kept current by argocd-image-pr',
      '+    newTag: "1.27.4" # kept current by argocd-image-pr',
    ]);
    await quiet(s);
  }, 60_000);

  it("closed by the app (moot) refuses nothing, also after a restart", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.3") }, { author: "alice" });
    expect((await s.pass()).actions.map((a) => a.kind)).toEqual(["close"]);
    const after = await s.pass({ restart: true });
    expect(after.stateEvents).toEqual([]);
    expect((await s.state.read()).head).toBeNull();
  }, 60_000);
});

describe("pins and /rollback", () => {
  it("a state pin → the open PR becomes one setting the pinned tag, said in its title; nothing else while pinned", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.1", "1.27.3"] });
    await s.pass();
    const pinAudit = audit(s, "/pin 1.27.1");
    await command(
      s.state,
      (state) =>
        applyCommand(
          state,
          { kind: "pin", target: null, tag: "1.27.1" },
          { targets: [ID], audit: pinAudit, holdUntil: "newer", place: "pull-request" },
        ).state,
    );
    fake.resetLog();
    const pinned = await s.pass({ restart: true });
    expect(pinned.actions.map((a) => (a.kind === "update" ? `update ${a.commit} retitle=${a.retitle}` : a.kind))).toEqual([
      "update update retitle=true",
    ]);
    expect(writeSequence(fake)).toEqual(["POST git/create-tree", "POST git/create-commit", "PATCH git/update-ref", "PATCH pulls/update"]);
    const [pull] = s.repo.pulls();
    expect(pull?.title).toBe(`Pin ${s.imageRepo.split("/")[1]} to 1.27.1 (web-dev)`);
    expect(pull?.body).toContain(
      `| Decided by | pinned: \\/pin by alice ([where](${pinAudit.link})); no other update is proposed until \`/unpin\` |`,
    );
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.0" # kept current by argocd-image-pr',
      '+    newTag: "1.27.1" # kept current by argocd-image-pr',
    ]);
    await s.push("1.27.4");
    await quiet(s);
  }, 60_000);

  it("another replica's pin between the pass's read and its write is kept: the hold re-derives on it", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.1", "1.27.3"] });
    await s.pass();
    await s.repo.mergePull(1, { by: "alice" });
    await s.repo.push("main", { [DEV_FILE]: kustomization(s.image, "1.27.0") }, { author: "alice" });
    const other = createStateStore({ client: clientFor(fake), owner: "acme", repo: s.fullName.split("/")[1] ?? "", log: silentLogger });
    const racing: StateStore = {
      async read() {
        const read = await s.state.read();
        await command(
          other,
          (state) =>
            applyCommand(
              state,
              { kind: "pin", target: null, tag: "1.27.1" },
              { targets: [ID], audit: audit(s, "/pin 1.27.1"), holdUntil: "newer", place: "dashboard" },
            ).state,
        );
        return read;
      },
      update: (change) => s.state.update(change),
    };
    const report = await s.pass({ state: racing });
    expect(report.stateEvents.map((e) => e.kind)).toEqual(["hold"]);
    const target = (await stateOf(s)).targets[ID];
    expect(target?.pin?.tag).toBe("1.27.1");
    expect(target?.holds.map((h) => h.above)).toEqual(["1.27.3"]);
    // The pin is applied in the same pass: the re-evaluated target sets 1.27.1.
    expect(report.actions.map((a) => a.kind).sort()).toEqual(["adopt", "comment"]);
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.0" # kept current by argocd-image-pr',
      '+    newTag: "1.27.1" # kept current by argocd-image-pr',
    ]);
  }, 60_000);

  it("/rollback's hold with restore → a revert PR (reverts #1); merge it → nothing more", async () => {
    const s = await rolledBack();
    fake.resetLog();
    const revert = await s.pass({ restart: true });
    expect(revert.actions.map((a) => a.kind)).toEqual(["adopt"]);
    expect(writeSequence(fake)).toEqual(ADOPT);
    const pull = s.repo.pulls().find((p) => p.number === 2);
    expect(pull?.title).toBe(`Roll back ${s.imageRepo.split("/")[1]} to 1.27.0 (reverts #1)`);
    expect(pull?.body).toContain("| Decided by | rolled back, reverting #1: \\/rollback by alice");
    expect(changed(s, BRANCH)).toEqual([
      '-    newTag: "1.27.3" # kept current by argocd-image-pr',
      '+    newTag: "1.27.0" # kept current by argocd-image-pr',
    ]);
    // No note: the /rollback's reply already said it; the pass tells only the holds it derived.
    expect(s.repo.comments(1)).toEqual([]);
    await quiet(s);

    await s.repo.mergePull(2, { by: "alice" });
    expect(await s.repo.readFile("main", DEV_FILE)).toBe(kustomization(s.image, "1.27.0"));
    await quiet(s);
  }, 60_000);

  it("a revert PR closed unmerged is not proposed again; the hold stays", async () => {
    const s = await rolledBack();
    await s.pass();
    s.repo.closePull(2, "alice");
    const closed = await s.pass({ restart: true });
    expect(closed.stateEvents.map((e) => e.kind)).toEqual(["refused"]);
    expect(closed.actions).toEqual([]);
    await quiet(s);
  }, 60_000);
});

describe("an unreadable state", () => {
  it("→ a problem naming the file and the fix; no PR is opened, changed or closed", async () => {
    const s = await startScenario(fake, registry, { tags: ["1.27.0", "1.27.3"] });
    await s.pass();
    await s.push("1.27.4");
    await s.repo.push("argocd-image-pr/state", { "state.json": "{ not json" }, { author: "alice" });
    fake.resetLog();
    const report = await s.pass({ restart: true });
    expect(report.actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
    expect(report.failed).toBe(true);
    expect(report.state).toBeNull();
    expect(report.problems.map((p) => p.message)).toEqual([
      `acme/${s.fullName.split("/")[1]}@argocd-image-pr/state:state.json is not JSON (restore it from the branch's history (git log on the state branch) or delete the branch to start over)`,
    ]);
    expect(s.repo.pulls().map((p) => [p.number, p.state, p.title.endsWith("1.27.3 (web-dev)")])).toEqual([[1, "open", true]]);
  }, 60_000);
});
