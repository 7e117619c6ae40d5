/**
 * Commands in comments, end to end: the Probot app receives signed `issue_comment` webhooks from
 * the fake GitHub (comments made there by people and bots), checks permission with GitHub, changes
 * the state file on `argocd-image-pr/state` with compare-and-swap, reacts, replies and asks for a
 * pass; the registry is a real one on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from "vitest";
import { replyMarker, type CommentOutcome } from "../../src/app/index.js";
import { STATE_BRANCH, STATE_FILE } from "../../src/github/index.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../../src/plan/index.js";
import type { State } from "../../src/state/index.js";
import type { FakeEvent, FakeGitHub, Permission } from "../support/fake-github/index.js";
import type { TestRegistry } from "../support/registry.js";
import { startApp, type AppUnderTest } from "./support-app.js";
import { startScenario, type Scenario } from "./support-scenario.js";
import { clientFor, useFakeGitHubAndRegistry, writeSequence } from "./support.js";

let fake: FakeGitHub;
let registry: TestRegistry;
useFakeGitHubAndRegistry((started) => ({ fake, registry } = started));

const DEV = "argocd/web-dev/web";
const PROD = "argocd/web-prod/web";
const apps: AppUnderTest[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.idle();
    app.stop();
  }
});

let people = 0;
/** A new person with `permission` on the scenario's repository. */
function person(s: Scenario, permission: Permission): string {
  people += 1;
  const login = `person-${people}`;
  s.repo.setPermission(login, permission);
  return login;
}

/** The scenario with its update PR (#1: web-dev 1.27.0 → 1.27.3) open, and the app running. */
async function setup(options: { prod?: boolean } = {}): Promise<{ s: Scenario; app: AppUnderTest }> {
  const s = await startScenario(fake, registry, { tags: ["1.26.0", "1.27.0", "1.27.3"], ...options });
  await s.pass();
  const app = await startApp(fake);
  apps.push(app);
  fake.resetEvents();
  fake.resetLog();
  return { s, app };
}

/** `login` comments `body` on `issue`; the webhook GitHub sends for it (not delivered yet). */
function say(s: Scenario, issue: number, login: string, body: string): FakeEvent {
  fake.resetEvents();
  s.repo.addComment(issue, login, body);
  const event = fake.events().find((e) => e.name === "issue_comment");
  fake.resetEvents();
  if (event === undefined) throw new Error("the fake sent no issue_comment");
  return event;
}

async function deliver(app: AppUnderTest, event: FakeEvent, passes?: number): Promise<void> {
  await app.deliver(event);
  await app.idle(passes);
}

async function stateOf(s: Scenario): Promise<State | null> {
  const text = await s.repo.readFile(STATE_BRANCH, STATE_FILE);
  return text === null ? null : (JSON.parse(text) as State);
}

function stateCommits(s: Scenario): number {
  return Number(s.git("rev-list", "--count", `refs/heads/${STATE_BRANCH}`).trim());
}

/** The writes since the last reset, the app's access tokens left out (when Probot asks for one is its own business). */
function writes(): string[] {
  return writeSequence(fake).filter((w) => w !== "POST apps/create-installation-access-token");
}

/** The app's replies on `issue`, marker line cut off. */
/** The app's replies to commands (its other comments, such as a pass closing a moot PR, are not replies). */
function replies(s: Scenario, issue: number): string[] {
  return s.repo
    .comments(issue)
    .filter((c) => c.user === fake.botLogin && /<!-- argocd-image-pr:reply comment=\d+ -->$/.test(c.body))
    .map((c) => c.body.replace(/\n\n<!-- argocd-image-pr:reply comment=\d+ -->$/, ""));
}

function commentOf(event: FakeEvent): { id: number; html_url: string; created_at: string } {
  return event.payload["comment"] as { id: number; html_url: string; created_at: string };
}

function reactionsOn(s: Scenario, issue: number, commentId: number): { user: string; content: string }[] {
  return [...(s.repo.comments(issue).find((c) => c.id === commentId)?.reactions ?? [])];
}

/** The dashboard issue, opened by the app as the dashboard does. */
async function openDashboard(s: Scenario): Promise<number> {
  const [owner = "", repo = ""] = s.fullName.split("/");
  const { data } = await clientFor(fake).request("POST /repos/{owner}/{repo}/issues", {
    owner,
    repo,
    title: "argocd-image-pr dashboard",
    body: `${DASHBOARD_MARKER}\n`,
    labels: [DASHBOARD_LABEL],
  });
  fake.resetEvents();
  fake.resetLog();
  return data.number;
}

const ANSWER_WRITES = ["POST reactions/create-for-issue-comment", "POST issues/create-comment"];
const STATE_WRITES = ["POST git/create-tree", "POST git/create-commit"];

describe("commands in comments", () => {
  it("/pin by a maintainer on the update PR → pinned with the audit, 👀, a reply saying so, a pass", async () => {
    const { s, app } = await setup();
    const maria = person(s, "maintain");
    const event = say(s, 1, maria, "Rolling back for now.\n/pin 1.27.0");
    await deliver(app, event, 1);

    const comment = commentOf(event);
    expect((await stateOf(s))?.targets).toEqual({
      [DEV]: {
        pin: { tag: "1.27.0", by: maria, at: comment.created_at, link: comment.html_url, why: "/pin 1.27.0" },
        holds: [],
        refused: [],
      },
    });
    expect(reactionsOn(s, 1, comment.id)).toEqual([{ user: fake.botLogin, content: "eyes" }]);
    expect(replies(s, 1)).toEqual([
      "Pinned argocd\\/web\\-dev\\/web at 1\\.27\\.0. The next pass sets that tag where the base branch holds another, and proposes no other update until `/unpin`.",
    ]);
    expect(s.repo.comments(1).filter((c) => c.body.endsWith(replyMarker(comment.id)))).toHaveLength(1);
    // Claim, then the state in one compare-and-swap (the branch is new), then the reply; the pass follows.
    expect(writes().slice(0, 5)).toEqual([ANSWER_WRITES[0], ...STATE_WRITES, "POST git/create-ref", ANSWER_WRITES[1]]);
    expect(app.passes).toHaveLength(1);
    expect(app.comments).toEqual([{ kind: "answered", command: "pin", changed: true, replyId: expect.any(Number) as number }]);
    // The pass applies the pin: the base already holds 1.27.0, so the PR to 1.27.3 is moot and closed.
    expect(s.repo.pulls().map((p) => [p.number, p.state])).toEqual([[1, "closed"]]);
  }, 60_000);

  it("/pin by a read-only user → a polite refusal, nothing changed, no pass", async () => {
    const { s, app } = await setup();
    const rita = person(s, "read");
    const event = say(s, 1, rita, "/pin 1.27.0");
    await deliver(app, event);

    expect(await stateOf(s)).toBeNull();
    expect(reactionsOn(s, 1, commentOf(event).id)).toEqual([{ user: fake.botLogin, content: "eyes" }]);
    expect(replies(s, 1)).toEqual([
      `Sorry, ${rita.replace("-", "\\-")}: only people with write, maintain or admin permission on this repository can command the app. Nothing changed.`,
    ]);
    expect(writes()).toEqual(ANSWER_WRITES);
    expect(fake.requests.map((r) => r.operationId)).toContain("repos/get-collaborator-permission-level");
    expect(app.passes).toEqual([]);
  }, 60_000);

  it("a bot's /pin, an edited comment, a comment without a command, a 70 KB comment, a comment on another issue → nothing at all", async () => {
    const { s, app } = await setup();
    const maria = person(s, "maintain");
    fake.addUser(`ci-${people}[bot]`, { type: "Bot" });
    const bot = say(s, 1, `ci-${people}[bot]`, "/pin 1.27.0");
    const created = say(s, 1, maria, "/pin 1.27.0");
    const edited = { ...created, action: "edited", payload: { ...created.payload, action: "edited", changes: { body: { from: "lgtm" } } } };
    const chatter = say(s, 1, maria, "LGTM, but /pin would be nice later.\n> /pin 1.27.0\n```\n/pin 1.27.0\n```");
    const huge = say(s, 1, maria, `/pin 1.27.0\n${"x".repeat(70_000)}`);
    const [owner = "", repo = ""] = s.fullName.split("/");
    const other = (await clientFor(fake).request("POST /repos/{owner}/{repo}/issues", { owner, repo, title: "not the dashboard" })).data
      .number;
    const elsewhere = say(s, other, maria, "/pin web-dev/web 1.27.0");
    fake.resetLog();

    for (const event of [bot, edited, chatter, huge, elsewhere]) await deliver(app, event);

    expect(app.comments.map((c) => (c instanceof Error ? c.message : c.kind === "ignored" ? c.reason : c.kind))).toEqual([
      "not a person's comment",
      "a comment edited, not created: commands run once, when written",
      "no command",
      "no command",
      "not an update pull request of the app, nor its dashboard",
    ]);
    expect(writes()).toEqual([]);
    expect(s.repo.comments(1).flatMap((c) => c.reactions)).toEqual([]);
    expect(await stateOf(s)).toBeNull();
    expect(app.passes).toEqual([]);
  }, 60_000);

  it("malformed, an unknown target, a tag the registry does not have → the usage in the reply, nothing changed", async () => {
    const { s, app } = await setup();
    const dashboard = await openDashboard(s);
    const maria = person(s, "write");
    await deliver(app, say(s, 1, maria, "/pin"));
    await deliver(app, say(s, 1, maria, "/pin 1.26.9"));
    await deliver(app, say(s, dashboard, maria, "/pin nope/web 1.27.0"));
    await deliver(app, say(s, dashboard, maria, "/pin 1.27.0"));
    await deliver(app, say(s, dashboard, maria, "/rollback"));

    expect(replies(s, 1)).toEqual([
      "Nothing changed: /pin needs a tag.\n\nUsage: `/pin <tag>`\n\nComment `/help` for every command.",
      `Nothing changed: the registry has no tag 1\\.26\\.9 for ${s.image.replace(/[.\-:/]/g, (c) => `\\${c}`)}.`,
    ]);
    expect(replies(s, dashboard)).toEqual([
      "Nothing changed: there is no target nope\\/web in this repository. Name it as `<application>/<alias>` or `<namespace>/<application>/<alias>`, as the dashboard lists them.",
      "Nothing changed: /pin on the dashboard needs the target and a tag.\n\nUsage: `/pin <application>/<alias> <tag>`\n\nComment `/help` for every command.",
      "Nothing changed: /rollback works on a merged update pull request; comment it there.\n\nUsage: `/rollback`\n\nComment `/help` for every command.",
    ]);
    expect(await stateOf(s)).toBeNull();
    expect(app.passes).toEqual([]);
  }, 60_000);

  it("on the dashboard: /pin <application>/<alias> and /pin <namespace>/<application>/<alias> → both pinned; /unpin lifts one", async () => {
    const { s, app } = await setup({ prod: true });
    const dashboard = await openDashboard(s);
    const maria = person(s, "admin");
    await deliver(app, say(s, dashboard, maria, "/pin web-dev/web 1.27.0"), 1);
    await deliver(app, say(s, dashboard, maria, `/pin ${PROD} 1.26.0`), 2);
    expect(Object.fromEntries(Object.entries((await stateOf(s))?.targets ?? {}).map(([id, t]) => [id, t.pin?.tag]))).toEqual({
      [DEV]: "1.27.0",
      [PROD]: "1.26.0",
    });

    await deliver(app, say(s, dashboard, maria, "/unpin web-dev/web"), 3);
    const after = await stateOf(s);
    expect(after?.targets[DEV]).toEqual({ holds: [], refused: [] });
    expect(after?.targets[PROD]?.pin?.tag).toBe("1.26.0");
    expect(replies(s, dashboard).at(-1)).toBe("Lifted argocd\\/web\\-dev\\/web (pin 1\\.27\\.0). Normal updates resume on the next pass.");
    expect(stateCommits(s)).toBe(3);
    expect(s.git("log", "-1", "--format=%s", `refs/heads/${STATE_BRANCH}`).trim()).toBe(`unpin: ${DEV}`);
  }, 90_000);

  it("/unpin on the update PR lifts its pin; a second /unpin changes nothing", async () => {
    const { s, app } = await setup();
    const maria = person(s, "maintain");
    await deliver(app, say(s, 1, maria, "/pin 1.27.0"), 1);
    await deliver(app, say(s, 1, maria, "/unpin"), 2);
    await deliver(app, say(s, 1, maria, "/unpin"));
    expect((await stateOf(s))?.targets[DEV]).toEqual({ holds: [], refused: [] });
    expect(replies(s, 1).slice(1)).toEqual([
      "Lifted argocd\\/web\\-dev\\/web (pin 1\\.27\\.0). Normal updates resume on the next pass.",
      "Nothing changed: no pin or hold to lift here.",
    ]);
    expect(stateCommits(s)).toBe(2);
    expect(app.passes).toHaveLength(2);
  }, 60_000);

  it("/rollback on an open update PR → the usage; on the merged one → a hold that restores the tag it replaced, and a pass", async () => {
    const { s, app } = await setup();
    const maria = person(s, "maintain");
    await deliver(app, say(s, 1, maria, "/rollback"));
    expect(replies(s, 1)).toEqual(["Nothing changed: `/rollback` works on a merged update pull request of the app."]);
    expect(await stateOf(s)).toBeNull();
    expect(app.passes).toEqual([]);

    await s.repo.mergePull(1, { by: "octocat" });
    fake.resetEvents();
    const event = say(s, 1, maria, "/rollback");
    await deliver(app, event, 1);
    const comment = commentOf(event);
    expect((await stateOf(s))?.targets[DEV]).toEqual({
      holds: [
        {
          above: "1.27.3",
          until: "newer",
          pr: 1,
          restore: "1.27.0",
          by: maria,
          at: comment.created_at,
          link: comment.html_url,
          why: "/rollback",
        },
      ],
      refused: [],
    });
    expect(replies(s, 1).at(-1)).toBe(
      "Holding argocd\\/web\\-dev\\/web above 1\\.27\\.3: only newer tags are proposed. A pull request reverting #1 follows.",
    );
    expect(app.passes).toHaveLength(1);
  }, 60_000);

  it("/recheck → a pass and a reply; /help → every command, no pass", async () => {
    const { s, app } = await setup();
    const maria = person(s, "write");
    await deliver(app, say(s, 1, maria, "/recheck"), 1);
    expect(app.passes).toEqual([`${s.fullName} nothing`]);
    await deliver(app, say(s, 1, maria, "/help"));
    expect(app.passes).toHaveLength(1);
    const [recheck, help] = replies(s, 1);
    expect(recheck).toBe("Rechecking: the repository's pass runs now.");
    for (const command of ["`/pin <tag>`", "`/unpin`", "`/rollback`", "`/recheck`", "`/help`"]) expect(help).toContain(command);
    expect(await stateOf(s)).toBeNull();
  }, 60_000);

  it("the same webhook delivered twice at once, to one process and to another, and again later → acted on once", async () => {
    const { s, app } = await setup();
    const other = await startApp(fake);
    apps.push(other);
    const maria = person(s, "maintain");
    const event = say(s, 1, maria, "/pin 1.27.0");
    await Promise.all([app.deliver(event), app.deliver(event), other.deliver(event)]);
    await Promise.all([app.idle(), other.idle()]);
    await deliver(app, event);
    await deliver(other, event);

    expect(replies(s, 1)).toHaveLength(1);
    expect(reactionsOn(s, 1, commentOf(event).id)).toEqual([{ user: fake.botLogin, content: "eyes" }]);
    expect(stateCommits(s)).toBe(1);
    expect((await stateOf(s))?.targets[DEV]?.pin?.tag).toBe("1.27.0");
    const outcomes = [...app.comments, ...other.comments].map((c: CommentOutcome | Error) =>
      c instanceof Error ? c.message : c.kind === "answered" ? "answered" : c.reason,
    );
    expect(outcomes.filter((o) => o === "answered")).toHaveLength(1);
    expect(outcomes.filter((o) => o !== "answered").sort()).toEqual(
      ["answered already", "answered already", "another delivery is answering it", "another delivery is answering it"].sort(),
    );
  }, 60_000);

  it("two different /pin commands at the same moment to two app processes → both recorded", async () => {
    const { s, app } = await setup({ prod: true });
    const other = await startApp(fake);
    apps.push(other);
    const dashboard = await openDashboard(s);
    const maria = person(s, "maintain");
    const paul = person(s, "write");
    const first = say(s, dashboard, maria, "/pin web-dev/web 1.27.0");
    const second = say(s, dashboard, paul, "/pin web-prod/web 1.26.0");
    await Promise.all([app.deliver(first), other.deliver(second)]);
    await Promise.all([app.idle(), other.idle()]);

    const state = await stateOf(s);
    expect(state?.targets[DEV]?.pin).toMatchObject({ tag: "1.27.0", by: maria });
    expect(state?.targets[PROD]?.pin).toMatchObject({ tag: "1.26.0", by: paul });
    expect(stateCommits(s)).toBe(2);
    expect(replies(s, dashboard)).toHaveLength(2);
  }, 90_000);

  it("hostile comments (markdown, HTML, mentions, control characters, 64 KB) → no crash, nothing echoed unescaped", async () => {
    const { s, app } = await setup();
    const dashboard = await openDashboard(s);
    const maria = person(s, "maintain");
    const noise = "@octocat <img src=x onerror=alert(1)> **bold** [x](https://evil.example) #1 \u0007\u001b[2J\u202e";
    const bodies: [number, string][] = [
      [1, `${noise}\n/pin <img src=x onerror=alert(1)>`],
      [1, `/pin @octocat`],
      [1, `/pin 9.9.9 ${noise}`],
      [1, `/pin 9.9.9\n${noise}\n${"x".repeat(64_000)}`],
      [dashboard, `/pin @octocat/web 1.27.0`],
      [dashboard, `/pin [x](https://evil.example)/web 1.27.0`],
      [dashboard, `/unpin <b>x</b>/y`],
      [dashboard, `/recheck ${"a".repeat(200)}/web`],
      [dashboard, `/help ${noise}`],
    ];
    for (const [issue, body] of bodies) await deliver(app, say(s, issue, maria, body));

    const all = [...replies(s, 1), ...replies(s, dashboard)];
    expect(all).toHaveLength(bodies.length);
    expect(app.comments.every((c) => !(c instanceof Error) && c.kind === "answered")).toBe(true);
    for (const reply of all) {
      expect(reply).not.toMatch(/@[A-Za-z0-9]/);
      expect(reply).not.toMatch(/<(img|b)\b/);
      expect(reply).not.toMatch(/\]\(/);
      expect(reply).not.toMatch(/(^|[^\\])#1/);
      expect(reply).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(reply.length).toBeLessThan(3_000);
    }
    expect(await stateOf(s)).toBeNull();
  }, 90_000);

  it("GitHub failing, or a state file that does not parse → a reply that says so and what to do; nothing changed", async () => {
    const { s, app } = await setup();
    const maria = person(s, "maintain");
    fake.failNext({ operationId: "repos/get-collaborator-permission-level" }, { status: 502, times: 4 });
    await deliver(app, say(s, 1, maria, "/pin 1.27.0"));
    expect(replies(s, 1).at(-1)).toMatch(
      /^Nothing changed: the command could not be carried out — .*permission.*\nComment it again in a few minutes/s,
    );
    expect(await stateOf(s)).toBeNull();

    await s.repo.push(STATE_BRANCH, { [STATE_FILE]: "{ not json" });
    await deliver(app, say(s, 1, maria, "/pin 1.27.0"));
    const reply = replies(s, 1).at(-1) ?? "";
    expect(reply).toMatch(/^Nothing changed: the command could not be carried out — .*state\\\.json.* is not JSON/);
    expect(reply).toContain("restore it from the branch");
    expect(await s.repo.readFile(STATE_BRANCH, STATE_FILE)).toBe("{ not json");
    expect(app.passes).toEqual([]);
  }, 60_000);
});
