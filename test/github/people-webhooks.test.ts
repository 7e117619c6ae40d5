/**
 * Issue 10's "Done when", through the app as `run` serves it: people act on the fake GitHub (comment,
 * merge, revert, close, reopen), the webhooks GitHub would send are delivered signed to the Probot
 * app, and the app's commands and passes do the rest — no pass is run by hand after the first.
 * The registry is a real one on 127.0.0.1. Several steps restart the app (a fresh Probot, no
 * caches): nothing it decided may depend on memory.
 */
import { afterEach, describe, expect, it } from "vitest";
import { STATE_BRANCH, STATE_FILE } from "../../src/github/index.js";
import type { State } from "../../src/state/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { startApp, type AppUnderTest } from "./support-app.js";
import { DEV_FILE, kustomization, startScenario, type Scenario } from "./support-scenario.js";
import { useFakeGitHubAndRegistry } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const ID = "argocd/web-dev/web";
const BRANCH = "argocd-image-pr/web-dev";

const running: AppUnderTest[] = [];
afterEach(async () => {
  for (const app of running.splice(0)) {
    await app.idle();
    app.stop();
  }
});

async function start(): Promise<AppUnderTest> {
  const app = await startApp(fake);
  running.push(app);
  return app;
}

/** Stops the app and starts a fresh one: nothing carried over but what is on GitHub. */
async function restart(app: AppUnderTest): Promise<AppUnderTest> {
  await app.idle();
  app.stop();
  running.splice(running.indexOf(app), 1);
  return start();
}

/** Delivers every webhook GitHub sent since the last call (the app's own included), until quiet. */
async function settle(app: AppUnderTest): Promise<void> {
  for (let round = 0; round < 6; round += 1) {
    const events = fake.events();
    fake.resetEvents();
    if (events.length === 0) return;
    for (const event of events) await app.deliver(event);
    await app.idle();
  }
  throw new Error("the app's webhooks did not settle in 6 rounds: a loop of passes");
}

let people = 0;
function person(s: Scenario, permission: "maintain" | "write" | "read"): string {
  people += 1;
  const login = `${permission}-person-${people}`;
  s.repo.setPermission(login, permission);
  return login;
}

async function say(app: AppUnderTest, s: Scenario, issue: number, login: string, body: string): Promise<void> {
  s.repo.addComment(issue, login, body);
  await settle(app);
}

async function stateOf(s: Scenario): Promise<State | null> {
  const text = await s.repo.readFile(STATE_BRANCH, STATE_FILE);
  return text === null ? null : (JSON.parse(text) as State);
}

/** The app's open update PRs: number, title, and the +/- lines a reviewer sees. */
async function openUpdates(s: Scenario): Promise<{ number: number; title: string; diff: string[] }[]> {
  const open = s.repo.pulls().filter((p) => p.state === "open" && p.head.startsWith("argocd-image-pr/"));
  return Promise.all(
    open.map(async (p) => ({
      number: p.number,
      title: p.title,
      diff: (await s.repo.diff("main", p.head)).split("\n").filter((line) => /^[+-] /.test(line)),
    })),
  );
}

const tagLine = (sign: "+" | "-", tag: string): string => `${sign}    newTag: "${tag}" # kept current by argocd-image-pr`;

/** The scenario with PR #1 open (web-dev 1.27.0 → 1.27.3), made by one `reconcile` pass, and the app started. */
async function setup(tags: readonly string[] = ["1.26.0", "1.27.0", "1.27.3"]): Promise<{ s: Scenario; app: AppUnderTest; name: string }> {
  const s = await startScenario(fake, registry, { tags });
  await s.pass();
  fake.resetEvents();
  const app = await start();
  return { s, app, name: s.imageRepo.split("/")[1] ?? "" };
}

describe("people in charge, through the app's webhooks", () => {
  it("/pin by a maintainer → the same PR sets that tag; a newer tag and /recheck change nothing; /unpin → the newest", async () => {
    const { s, app, name } = await setup();
    const maria = person(s, "maintain");

    await say(app, s, 1, maria, "1.27.3 breaks the login page.\n/pin 1.26.0");
    expect(await openUpdates(s)).toEqual([
      { number: 1, title: `Pin ${name} to 1.26.0 (web-dev)`, diff: [tagLine("-", "1.27.0"), tagLine("+", "1.26.0")] },
    ]);
    expect((await stateOf(s))?.targets[ID]?.pin).toMatchObject({ tag: "1.26.0", by: maria, why: "/pin 1.26.0" });
    const pinnedHead = (await s.repo.branches())[BRANCH];

    await s.push("1.27.5");
    const fresh = await restart(app);
    await say(fresh, s, 1, maria, "/recheck");
    expect((await s.repo.branches())[BRANCH]).toBe(pinnedHead);
    expect((await openUpdates(s)).map((p) => p.title)).toEqual([`Pin ${name} to 1.26.0 (web-dev)`]);

    await say(fresh, s, 1, maria, "/unpin");
    expect(await openUpdates(s)).toEqual([
      { number: 1, title: `Update ${name} to 1.27.5 (web-dev)`, diff: [tagLine("-", "1.27.0"), tagLine("+", "1.27.5")] },
    ]);
    expect((await stateOf(s))?.targets[ID]?.pin).toBeUndefined();
  }, 120_000);

  it("/pin by a read-only user → refused, nothing changed", async () => {
    const { s, app, name } = await setup();
    const head = (await s.repo.branches())[BRANCH];
    await say(app, s, 1, person(s, "read"), "/pin 1.26.0");
    expect(await stateOf(s)).toBeNull();
    expect((await s.repo.branches())[BRANCH]).toBe(head);
    expect((await openUpdates(s)).map((p) => p.title)).toEqual([`Update ${name} to 1.27.3 (web-dev)`]);
    const replies = s.repo.comments(1).filter((c) => c.user === fake.botLogin);
    expect(replies.map((c) => c.body.split("\n")[0])).toEqual([
      expect.stringMatching(/^Sorry, read\\-person\\-\d+: only people with write/),
    ]);
  }, 60_000);

  it("merge an update, then merge a person's revert PR → a hold, one note, the reverted tag never proposed again; a newer tag → proposed", async () => {
    const { s, app, name } = await setup();
    const alice = person(s, "write");
    await s.repo.mergePull(1, { by: alice });
    await settle(app);
    expect(await openUpdates(s)).toEqual([]);

    // GitHub's "Revert" button: a branch that undoes the merge, a PR from it, merged by a person.
    await s.repo.push("revert-1-web", { [DEV_FILE]: kustomization(s.image, "1.27.0") }, { author: alice, message: 'Revert "web 1.27.3"' });
    const revert = await s.repo.openPull("revert-1-web", "main", { by: alice, title: `Revert "Update ${name} to 1.27.3 (web-dev)"` });
    await s.repo.mergePull(revert, { by: alice });
    let current = await restart(app);
    await settle(current);

    const holds = (await stateOf(s))?.targets[ID]?.holds ?? [];
    expect(holds).toMatchObject([{ above: "1.27.3", until: "newer", pr: 1, by: fake.botLogin }]);
    expect(holds[0]).not.toHaveProperty("lifted");
    const notes = s.repo.comments(1).filter((c) => c.user === fake.botLogin && c.body.includes("Held after a rollback"));
    expect(notes).toHaveLength(1);
    expect(await openUpdates(s)).toEqual([]);

    // Passes asked again, after another restart: the hold holds, the note is not repeated.
    current = await restart(current);
    await say(current, s, 1, alice, "/recheck");
    expect(await openUpdates(s)).toEqual([]);
    expect(s.repo.comments(1).filter((c) => c.body.includes("Held after a rollback"))).toHaveLength(1);

    await s.push("1.27.4");
    await say(current, s, 1, alice, "/recheck");
    expect(await openUpdates(s)).toEqual([
      {
        number: expect.any(Number) as number,
        title: `Update ${name} to 1.27.4 (web-dev)`,
        diff: [tagLine("-", "1.27.0"), tagLine("+", "1.27.4")],
      },
    ]);
  }, 120_000);

  it("/rollback on the merged update PR → a PR that reverts it; merged → held, nothing proposed again", async () => {
    const { s, app, name } = await setup();
    const alice = person(s, "write");
    await s.repo.mergePull(1, { by: alice });
    await settle(app);

    await say(app, s, 1, alice, "/rollback");
    const [rollback] = await openUpdates(s);
    expect(rollback).toEqual({
      number: expect.any(Number) as number,
      title: `Roll back ${name} to 1.27.0 (reverts #1)`,
      diff: [tagLine("-", "1.27.3"), tagLine("+", "1.27.0")],
    });
    await s.repo.mergePull(rollback?.number ?? 0, { by: alice });
    const fresh = await restart(app);
    await settle(fresh);
    await say(fresh, s, 1, alice, "/recheck");

    expect(await s.repo.readFile("main", DEV_FILE)).toBe(kustomization(s.image, "1.27.0"));
    expect(await openUpdates(s)).toEqual([]);
    expect((await stateOf(s))?.targets[ID]?.holds).toMatchObject([{ above: "1.27.3", restore: "1.27.0", pr: 1, by: alice }]);
  }, 120_000);

  it("/rollback on an older merged update the base has moved on from → nothing to revert, nothing held or opened", async () => {
    const { s, app } = await setup();
    const alice = person(s, "write");
    await s.repo.mergePull(1, { by: alice });
    await settle(app);
    await s.push("1.27.4");
    await say(app, s, 1, alice, "/recheck");
    const [newer] = await openUpdates(s);
    await s.repo.mergePull(newer?.number ?? 0, { by: alice });
    await settle(app);

    await say(app, s, 1, alice, "/rollback");
    const reply =
      s.repo
        .comments(1)
        .filter((c) => c.user === fake.botLogin)
        .at(-1)?.body ?? "";
    expect(reply).toMatch(/^Nothing changed: the base branch no longer runs what #1 brought in/);
    expect(reply).toContain("the base branch runs 1\\.27\\.4 now");
    expect((await stateOf(s))?.targets[ID]?.holds ?? []).toEqual([]);
    expect(await openUpdates(s)).toEqual([]);
  }, 120_000);

  it("an update PR closed unmerged → its tag is never proposed again; reopened → proposed again", async () => {
    const { s, app, name } = await setup();
    const alice = person(s, "write");
    s.repo.closePull(1, alice);
    await settle(app);
    expect((await stateOf(s))?.targets[ID]?.refused).toMatchObject([{ tag: "1.27.3", pr: 1, by: alice }]);
    expect(await openUpdates(s)).toEqual([]);

    const fresh = await restart(app);
    await say(fresh, s, 1, alice, "/recheck");
    expect(await openUpdates(s)).toEqual([]);

    s.repo.reopenPull(1, alice);
    await settle(fresh);
    expect((await stateOf(s))?.targets[ID]?.refused).toEqual([]);
    expect(await openUpdates(s)).toEqual([
      { number: 1, title: `Update ${name} to 1.27.3 (web-dev)`, diff: [tagLine("-", "1.27.0"), tagLine("+", "1.27.3")] },
    ]);
  }, 120_000);
});
