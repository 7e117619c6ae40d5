/**
 * The comment handler's decisions over an in-memory GitHub and state store: the cases the end-to-end
 * tests cannot stage (a claim whose handler died, a payload that says a PR where GitHub says an
 * issue, a fork's branch, a registry down between the claim and the reply).
 */
import { describe, expect, it } from "vitest";
import { handleCommentCommand, parseCommentEvent, replyMarker, type CommentCommandDeps, type CommentEvent } from "../../src/app/index.js";
import { RegistryError } from "../../src/errors/index.js";
import type { CommentIssue, CommentPort, CommentPull, StateChange, StateStore } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import type { Target } from "../../src/model/index.js";
import { DASHBOARD_LABEL, renderPrMetadata } from "../../src/plan/index.js";
import { emptyState, type State } from "../../src/state/index.js";
import { targetOf } from "../plan/support.js";

const APP = "argocd-image-pr[bot]";
const ID = "argocd/web-dev/web";
const NOW = Date.parse("2026-12-02T10:00:00Z");
const LINK = "https://github.com/acme/gitops/pull/1#issuecomment-500";

function target(id: string): Target {
  return { ...targetOf({ app: null, image: "ghcr.io/acme/web", file: "overlays/dev" }), id, forceUpdate: true };
}

const PR_BODY = `Update web\n\n${renderPrMetadata({
  version: 1,
  key: "web-dev",
  base: "main",
  targets: [{ id: ID, image: "ghcr.io/acme/web", from: "1.27.0", to: "1.27.3", digest: null, file: "overlays/dev/kustomization.yaml" }],
})}`;

function event(body: string, extra: { issue?: number; pull?: boolean; action?: string } = {}): CommentEvent {
  const parsed = parseCommentEvent({
    action: extra.action ?? "created",
    installation: { id: 7 },
    repository: { name: "gitops", owner: { login: "acme" } },
    issue: { number: extra.issue ?? 1, ...(extra.pull === false ? {} : { pull_request: { url: "x" } }) },
    comment: { id: 500, body, user: { login: "maria", type: "User" }, created_at: "2026-12-02T09:00:00Z", html_url: LINK },
  });
  if (parsed === null) throw new Error("the test's payload does not parse");
  return parsed;
}

interface World {
  pulls: Map<number, CommentPull>;
  issues: Map<number, CommentIssue>;
  replies: { issue: number; body: string }[];
  reactions: { comment: number; at: string }[];
  state: State;
  writes: number;
  passes: number;
  tags: () => Promise<readonly string[]>;
  /** What each target runs on the base now. */
  current: Map<string, string | null>;
}

function world(): World {
  return {
    pulls: new Map([[1, { number: 1, headRef: "argocd-image-pr/web-dev", sameRepository: true, merged: false, body: PR_BODY }]]),
    issues: new Map(),
    replies: [],
    reactions: [],
    state: emptyState(),
    writes: 0,
    passes: 0,
    tags: () => Promise.resolve(["1.27.0", "1.27.3"]),
    current: new Map([[ID, "1.27.3"]]),
  };
}

function depsOf(w: World, appLogin: string | null = APP): CommentCommandDeps {
  const port: CommentPort = {
    pull: (n) => Promise.resolve(w.pulls.get(n) ?? null),
    issue: (n) => Promise.resolve(w.issues.get(n) ?? null),
    hasReply: (n, marker) => Promise.resolve(w.replies.some((r) => r.issue === n && r.body.includes(marker))),
    react(comment) {
      const kept = w.reactions.find((r) => r.comment === comment);
      if (kept !== undefined) return Promise.resolve({ created: false, at: kept.at });
      w.reactions.push({ comment, at: new Date(NOW).toISOString() });
      return Promise.resolve({ created: true, at: new Date(NOW).toISOString() });
    },
    reply(issue, body) {
      w.replies.push({ issue, body });
      return Promise.resolve(w.replies.length);
    },
    permission: (login) => Promise.resolve(login === "maria" ? "maintain" : "read"),
  };
  const state: StateStore = {
    read: () => Promise.resolve({ state: w.state, head: null }),
    update<T>(change: StateChange<T>) {
      const next = change(w.state);
      if (next.state === null) return Promise.resolve({ state: w.state, result: next.result, commit: null, attempts: 1 });
      w.state = next.state;
      w.writes += 1;
      return Promise.resolve({ state: next.state, result: next.result, commit: "c", attempts: 1 });
    },
  };
  return {
    port,
    state,
    targets: {
      gather: () => Promise.resolve({ targets: [target(ID)], problems: [], skipped: [], defaultBranch: "main", config: null }),
      tags: () => w.tags(),
      current: () => Promise.resolve(w.current),
    },
    appLogin,
    requestPass: () => {
      w.passes += 1;
    },
    now: () => NOW,
    log: silentLogger,
  };
}

describe("handleCommentCommand", () => {
  it("/rollback on a merged PR whose tag the base no longer runs → nothing to revert, what to do instead; nothing stored", async () => {
    const w = world();
    w.pulls.set(1, { ...(w.pulls.get(1) as CommentPull), merged: true });
    w.current = new Map([[ID, "1.27.5"]]);
    const outcome = await handleCommentCommand(event("/rollback"), depsOf(w));
    expect(outcome).toMatchObject({ kind: "answered", command: "rollback", changed: false });
    expect(w.replies[0]?.body.split("\n\n").slice(0, 3)).toEqual([
      "Nothing changed: the base branch no longer runs what #1 brought in, so there is nothing of it to revert.",
      "- argocd\\/web\\-dev\\/web: #1 brought in 1\\.27\\.3; the base branch runs 1\\.27\\.5 now",
      "Comment `/rollback` on the update that is deployed now, or `/pin <tag>` here to go back to any tag through review.",
    ]);
    expect([w.writes, w.passes]).toEqual([0, 0]);

    w.current = new Map([[ID, "1.27.3"]]);
    w.replies.length = 0;
    const again = await handleCommentCommand({ ...event("/rollback"), comment: { ...event("/rollback").comment, id: 501 } }, depsOf(w));
    expect(again).toMatchObject({ kind: "answered", command: "rollback", changed: true });
    expect(w.state.targets[ID]?.holds).toMatchObject([{ above: "1.27.3", restore: "1.27.0", pr: 1 }]);
  });

  it("a claim older than the lease with no reply is taken over; a record carrying the comment's link is not written again, the pass asked for", async () => {
    const w = world();
    w.reactions.push({ comment: 500, at: new Date(NOW - 6 * 60_000).toISOString() });
    w.state = {
      version: 1,
      targets: {
        [ID]: { pin: { tag: "1.27.0", by: "maria", at: "2026-12-02T09:00:00Z", link: LINK, why: "/pin 1.27.0" }, holds: [], refused: [] },
      },
    };
    const outcome = await handleCommentCommand(event("/pin 1.27.0"), depsOf(w));
    expect(outcome).toMatchObject({ kind: "answered", command: "pin", changed: false });
    expect(w.replies.map((r) => r.body)).toEqual([`This command was carried out already; nothing more changed.\n\n${replyMarker(500)}`]);
    expect([w.writes, w.passes]).toEqual([0, 1]);
  });

  it("a fresh claim of another delivery → it stands back; a reply with the marker → it does not even react", async () => {
    const w = world();
    w.reactions.push({ comment: 500, at: new Date(NOW - 60_000).toISOString() });
    expect(await handleCommentCommand(event("/pin 1.27.0"), depsOf(w))).toEqual({
      kind: "ignored",
      reason: "another delivery is answering it",
    });
    const answered = world();
    answered.replies.push({ issue: 1, body: `Pinned.\n\n${replyMarker(500)}` });
    expect(await handleCommentCommand(event("/pin 1.27.0"), depsOf(answered))).toEqual({ kind: "ignored", reason: "answered already" });
    expect(answered.reactions).toEqual([]);
    expect([w.replies.length, w.writes, answered.writes]).toEqual([0, 0, 0]);
  });

  it.each<[string, (w: World) => void, Partial<{ issue: number; pull: boolean }>]>([
    ["a fork's branch", (w) => w.pulls.set(1, { ...w.pulls.get(1)!, sameRepository: false }), {}],
    ["another branch", (w) => w.pulls.set(1, { ...w.pulls.get(1)!, headRef: "feature/x" }), {}],
    ["no metadata block", (w) => w.pulls.set(1, { ...w.pulls.get(1)!, body: "Update web" }), {}],
    ["the payload says a PR, GitHub has none", (w) => w.pulls.clear(), {}],
    [
      "the payload says an issue, GitHub says a PR",
      (w) => w.issues.set(1, { number: 1, author: APP, authorType: "Bot", labels: [DASHBOARD_LABEL], isPull: true }),
      { pull: false },
    ],
    [
      "the dashboard label on a person's issue",
      (w) => w.issues.set(2, { number: 2, author: "mallory", authorType: "User", labels: [DASHBOARD_LABEL], isPull: false }),
      { issue: 2, pull: false },
    ],
    [
      "the app's issue without the label",
      (w) => w.issues.set(2, { number: 2, author: APP, authorType: "Bot", labels: ["bug"], isPull: false }),
      { issue: 2, pull: false },
    ],
  ])("%s → ignored, nothing written", async (_name, arrange, where) => {
    const w = world();
    arrange(w);
    const outcome = await handleCommentCommand(event("/pin web-dev/web 1.27.0", where), depsOf(w));
    expect(outcome).toEqual({ kind: "ignored", reason: "not an update pull request of the app, nor its dashboard" });
    expect([w.reactions.length, w.replies.length, w.writes]).toEqual([0, 0, 0]);
  });

  it("without the app's login, the dashboard is a bot's labelled issue", async () => {
    const w = world();
    w.issues.set(2, { number: 2, author: "someone[bot]", authorType: "Bot", labels: [DASHBOARD_LABEL.toUpperCase()], isPull: false });
    const outcome = await handleCommentCommand(event("/pin web-dev/web 1.27.3", { issue: 2, pull: false }), depsOf(w, null));
    expect(outcome).toMatchObject({ kind: "answered", command: "pin", changed: true });
    expect(w.state.targets[ID]?.pin?.tag).toBe("1.27.3");
    expect(w.passes).toBe(1);
  });

  it("the registry failing after the claim → a reply that says so, the state untouched, no pass", async () => {
    const w = world();
    w.tags = () =>
      Promise.reject(new RegistryError("ghcr.io/acme/web: listing tags failed (HTTP 503)", { kind: "server", hint: "try again" }));
    const outcome = await handleCommentCommand(event("/pin 1.27.0"), depsOf(w));
    expect(outcome).toMatchObject({ kind: "answered", command: null, changed: false });
    expect(w.replies[0]?.body).toMatch(
      /^Nothing changed: the command could not be carried out — ghcr\\\.io\\\/acme\\\/web\\: listing tags failed/,
    );
    expect([w.writes, w.passes]).toEqual([0, 0]);
  });

  it("the audit's why is the command line alone, its control and layout characters made spaces", async () => {
    const w = world();
    await handleCommentCommand(event("hello\r\n  /pin\u000b1.27.0\u2028\r\nbye"), depsOf(w));
    expect(w.state.targets[ID]?.pin).toEqual({ tag: "1.27.0", by: "maria", at: "2026-12-02T09:00:00Z", link: LINK, why: "/pin 1.27.0" });
  });
});
