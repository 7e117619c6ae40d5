import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateError } from "../errors/index.js";
import {
  applyCommand,
  constraintsFromState,
  deriveState,
  emptyState,
  parseState,
  serializeState,
  type BaseTag,
  type DeriveInput,
  type State,
  type UpdatePr,
} from "./index.js";

const NOW = "2026-12-01T12:00:00.000Z";
const ID = "argocd/web/nginx";
const COMMIT = "https://github.com/acme/gitops/commit/abc1234";

function pr(number: number, state: UpdatePr["state"], from: string | null, to: string, extra: Partial<UpdatePr> = {}): UpdatePr {
  return {
    number,
    url: `https://github.com/acme/gitops/pull/${number}`,
    state,
    mergedAt: state === "merged" ? `2026-11-0${number}T10:00:00Z` : null,
    mergeCommit: state === "merged" ? `m${number}` : null,
    closedAt: state === "open" ? null : `2026-11-0${number}T10:00:00Z`,
    closedBy: state === "closed" ? "alice" : null,
    closedByApp: false,
    targets: [{ id: ID, from, to }],
    ...extra,
  };
}

function input(
  state: State,
  tag: string | null,
  prs: readonly UpdatePr[],
  extra: Partial<DeriveInput> = {},
  strategy: BaseTag["strategy"] = "semver",
): DeriveInput {
  return {
    state,
    base: new Map([[ID, { tag, strategy, link: COMMIT }]]),
    prs,
    holdUntil: "newer",
    now: NOW,
    appLogin: "argocd-image-pr[bot]",
    ...extra,
  };
}

function derive(
  state: State,
  tag: string | null,
  prs: readonly UpdatePr[],
  extra: Partial<DeriveInput> = {},
  strategy: BaseTag["strategy"] = "semver",
) {
  return deriveState(input(state, tag, prs, extra, strategy));
}

describe("deriveState: holds after a rollback", () => {
  it.each<[string, string | null, readonly UpdatePr[], BaseTag["strategy"], readonly string[], Record<string, unknown> | undefined]>([
    ["merged and still there: nothing", "1.1.0", [pr(1, "merged", "1.0.0", "1.1.0")], "semver", [], undefined],
    ["a revert back to 1.0.0: hold above 1.1.0", "1.0.0", [pr(1, "merged", "1.0.0", "1.1.0")], "semver", ["hold"], { above: "1.1.0" }],
    ["any older tag counts", "0.9.0", [pr(1, "merged", "1.0.0", "1.1.0")], "semver", ["hold"], { above: "1.1.0" }],
    ["a manual bump past it: nothing", "1.2.0", [pr(1, "merged", "1.0.0", "1.1.0")], "semver", [], undefined],
    [
      "the last merged PR counts",
      "1.1.0",
      [pr(1, "merged", "1.0.0", "1.1.0"), pr(2, "merged", "1.1.0", "1.2.0")],
      "semver",
      ["hold"],
      { above: "1.2.0" },
    ],
    ["no app PR merged: nothing", "1.0.0", [pr(1, "open", "1.0.0", "1.1.0")], "semver", [], undefined],
    [
      "newest-build: back to the tag it replaced",
      "abc1234",
      [pr(1, "merged", "abc1234", "def5678")],
      "newest-build",
      ["hold"],
      { above: "def5678" },
    ],
    ["newest-build: an unknown tag is not a rollback", "fff0000", [pr(1, "merged", "abc1234", "def5678")], "newest-build", [], undefined],
    ["no tag on the base: nothing", null, [pr(1, "merged", "1.0.0", "1.1.0")], "semver", [], undefined],
  ])("%s", (_name, tag, prs, strategy, events, constraints) => {
    const result = derive(emptyState(), tag, prs, {}, strategy);
    expect(result.events.map((e) => e.kind)).toEqual(events);
    expect(constraintsFromState(result.state).get(ID)).toEqual(constraints);
  });

  it("records who, when, where and why", () => {
    const { state, events } = derive(emptyState(), "1.0.0", [pr(3, "merged", "1.0.0", "1.1.0")]);
    expect(state.targets[ID]?.holds).toEqual([
      {
        above: "1.1.0",
        until: "newer",
        pr: 3,
        by: "argocd-image-pr[bot]",
        at: NOW,
        link: COMMIT,
        why: `the base branch moved ${ID} back from 1.1.0 (merged in #3) to 1.0.0`,
      },
    ]);
    expect(events).toEqual([
      { kind: "hold", target: ID, above: "1.1.0", current: "1.0.0", pr: 3, url: "https://github.com/acme/gitops/pull/3" },
    ]);
  });

  it("is recorded once; a newer tag on the base lifts an until-newer hold", () => {
    const prs = [pr(1, "merged", "1.0.0", "1.1.0")];
    const first = derive(emptyState(), "1.0.0", prs);
    const again = derive(first.state, "1.0.0", prs);
    expect(again.events).toEqual([]);
    expect(again.state).toBe(first.state);
    const newer = derive(first.state, "1.2.0", [...prs, pr(2, "merged", "1.0.0", "1.2.0")]);
    expect(newer.events.map((e) => e.kind)).toEqual(["hold-lifted"]);
    expect(constraintsFromState(newer.state).get(ID)).toBeUndefined();
  });

  it("until /unpin: nothing is proposed, a newer tag does not lift it, /unpin does and it is not re-recorded", () => {
    const prs = [pr(1, "merged", "1.0.0", "1.1.0")];
    const held = derive(emptyState(), "1.0.0", prs, { holdUntil: "unpin" });
    expect(constraintsFromState(held.state).get(ID)).toEqual({ frozen: { reason: "rolled back from 1.1.0, held until /unpin" } });
    expect(derive(held.state, "1.0.5", prs, { holdUntil: "unpin" }).events).toEqual([]);
    const audit = { by: "alice", at: NOW, link: "https://github.com/acme/gitops/issues/9#issuecomment-1", why: "/unpin" };
    const unpinned = applyCommand(
      held.state,
      { kind: "unpin", target: null },
      { targets: [ID], audit, holdUntil: "unpin", place: "pull-request" },
    );
    expect(unpinned).toMatchObject({
      changed: true,
      reply: "Lifted argocd\\/web\\/nginx (hold above 1\\.1\\.0). Normal updates resume on the next pass.",
    });
    expect(constraintsFromState(unpinned.state).get(ID)).toBeUndefined();
    expect(derive(unpinned.state, "1.0.0", prs, { holdUntil: "unpin" }).events).toEqual([]);
  });
});

describe("deriveState: closed PRs respected", () => {
  it("closed unmerged by a person refuses its tag; reopened lifts it; closed by the app refuses nothing", () => {
    const closed = derive(emptyState(), "1.0.0", [pr(4, "closed", "1.0.0", "1.1.0")]);
    expect(closed.events.map((e) => e.kind)).toEqual(["refused"]);
    expect(closed.state.targets[ID]?.refused).toEqual([
      {
        tag: "1.1.0",
        pr: 4,
        by: "alice",
        at: "2026-11-04T10:00:00Z",
        link: "https://github.com/acme/gitops/pull/4",
        why: `update PR #4 (${ID} → 1.1.0) was closed without merging`,
      },
    ]);
    expect(constraintsFromState(closed.state).get(ID)).toEqual({ refused: ["1.1.0"] });
    expect(derive(closed.state, "1.0.0", [pr(4, "closed", "1.0.0", "1.1.0")]).events).toEqual([]);
    const reopened = derive(closed.state, "1.0.0", [pr(4, "open", "1.0.0", "1.1.0")]);
    expect(reopened.events.map((e) => e.kind)).toEqual(["refusal-lifted"]);
    expect(constraintsFromState(reopened.state).get(ID)).toBeUndefined();
    expect(derive(emptyState(), "1.0.0", [pr(5, "closed", "1.0.0", "1.1.0", { closedByApp: true })])).toEqual({
      state: emptyState(),
      events: [],
    });
  });

  it("property: deriving twice from the same input changes nothing the second time", () => {
    const tag = fc.constantFrom("1.0.0", "1.1.0", "1.2.0", "2.0.0");
    const anyPr = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.constantFrom("open", "closed", "merged"), tag, tag, fc.boolean());
    fc.assert(
      fc.property(
        fc.uniqueArray(anyPr, { selector: (p) => p[0], maxLength: 6 }),
        fc.option(tag, { nil: null }),
        fc.constantFrom("newer", "unpin"),
        (raw, base, holdUntil) => {
          const prs = raw.map(([n, s, from, to, byApp]) => pr(n, s as UpdatePr["state"], from, to, { closedByApp: byApp }));
          const once = derive(emptyState(), base, prs, { holdUntil: holdUntil as "newer" | "unpin" });
          const twice = derive(once.state, base, prs, { holdUntil: holdUntil as "newer" | "unpin" });
          expect(twice.events).toEqual([]);
          expect(parseState(serializeState(once.state), "state.json")).toEqual(once.state);
        },
      ),
    );
  });
});

describe("applyCommand", () => {
  const audit = { by: "alice", at: NOW, link: "https://github.com/acme/gitops/pull/7#issuecomment-42", why: "/pin 1.0.0" };
  const context = { targets: [ID], audit, holdUntil: "newer", place: "pull-request" } as const;

  it("/pin records the pin with its audit and says what happens next", () => {
    const result = applyCommand(emptyState(), { kind: "pin", target: null, tag: "1.0.0" }, context);
    expect(result.changed).toBe(true);
    expect(result.state.targets[ID]?.pin).toEqual({ tag: "1.0.0", ...audit });
    expect(result.reply).toBe(
      "Pinned argocd\\/web\\/nginx at 1\\.0\\.0. The next pass sets that tag where the base branch holds another, and proposes no other update until `/unpin`.",
    );
    expect(constraintsFromState(result.state).get(ID)).toEqual({ pin: { tag: "1.0.0", source: "/pin by alice", link: audit.link } });
    const again = applyCommand(result.state, { kind: "pin", target: null, tag: "1.0.0" }, context);
    expect(again).toMatchObject({ changed: false, state: result.state });
  });

  it("/pin on a PR of several images changes nothing and says how", () => {
    const result = applyCommand(
      emptyState(),
      { kind: "pin", target: null, tag: "1.0.0" },
      { ...context, targets: [ID, "argocd/web/other"] },
    );
    expect(result).toMatchObject({ changed: false, state: emptyState() });
    expect(result.reply).toContain("pin one from the dashboard");
  });

  it("/unpin lifts the pin; with nothing to lift changes nothing", () => {
    const pinned = applyCommand(emptyState(), { kind: "pin", target: null, tag: "1.0.0" }, context).state;
    const lifted = applyCommand(pinned, { kind: "unpin", target: null }, context);
    expect(lifted.changed).toBe(true);
    expect(lifted.state.targets[ID]?.pin).toBeUndefined();
    expect(applyCommand(lifted.state, { kind: "unpin", target: null }, context)).toMatchObject({
      changed: false,
      reply: "Nothing changed: no pin or hold to lift here.",
    });
  });

  it("/rollback holds every target of the merged PR above its tag, once", () => {
    const result = applyCommand(emptyState(), { kind: "rollback" }, { ...context, rollback: { pr: 7, to: new Map([[ID, "1.1.0"]]) } });
    expect(result.changed).toBe(true);
    expect(constraintsFromState(result.state).get(ID)).toEqual({ above: "1.1.0" });
    expect(
      applyCommand(result.state, { kind: "rollback" }, { ...context, rollback: { pr: 7, to: new Map([[ID, "1.1.0"]]) } }).changed,
    ).toBe(false);
    expect(applyCommand(emptyState(), { kind: "rollback" }, context).changed).toBe(false);
  });

  it("/rollback records the tag to restore (what the PR replaced), and the record survives a round trip", () => {
    const rollback = { pr: 7, to: new Map([[ID, "1.1.0"]]), from: new Map<string, string | null>([[ID, "1.0.0"]]) };
    const result = applyCommand(emptyState(), { kind: "rollback" }, { ...context, rollback });
    expect(result.state.targets[ID]?.holds).toMatchObject([{ above: "1.1.0", restore: "1.0.0", pr: 7 }]);
    // The pass proposes the restore while the base holds 1.1.0, and holds above 1.1.0 after.
    expect(constraintsFromState(result.state).get(ID)).toEqual({
      above: "1.1.0",
      restore: { tag: "1.0.0", above: "1.1.0", pr: 7, source: "/rollback by alice", link: audit.link },
    });
    expect(parseState(serializeState(result.state), "state.json")).toEqual(result.state);
    const first = applyCommand(emptyState(), { kind: "rollback" }, { ...context, rollback: { ...rollback, from: new Map([[ID, null]]) } });
    expect(first.state.targets[ID]?.holds[0]).not.toHaveProperty("restore");
  });

  it("/help and /recheck change nothing", () => {
    expect(applyCommand(emptyState(), { kind: "help" }, context)).toMatchObject({ changed: false });
    expect(applyCommand(emptyState(), { kind: "help" }, context).reply).toContain("/pin <tag>");
    expect(applyCommand(emptyState(), { kind: "recheck", target: null }, context).changed).toBe(false);
  });
});

describe("parseState", () => {
  it("round-trips through the stored form, keys in a stable order", () => {
    const state = applyCommand(
      emptyState(),
      { kind: "pin", target: null, tag: "1.0.0" },
      { targets: ["z/a", "a/b"].slice(0, 1), audit: { by: "a", at: NOW, link: COMMIT, why: "x" }, holdUntil: "newer", place: "dashboard" },
    ).state;
    const text = serializeState(state);
    expect(text.endsWith("}\n")).toBe(true);
    expect(parseState(text, "state.json")).toEqual(state);
  });

  it.each([
    ["not json", "state.json is not JSON"],
    [
      '{"version":2,"targets":{}}',
      "state.json has state version 2, this app reads version 1 (run the app version that wrote it, or a newer one)",
    ],
    [
      '{"version":1,"targets":{"a/b":{"holds":[],"refused":[{"tag":"-x","pr":1,"by":"a","at":"2026-01-01T00:00:00Z","link":"https://x","why":""}]}}}',
      "state.json is not a valid state file at targets.a/b.refused.0.tag: not a valid tag",
    ],
    ['{"version":1,"targets":{},"extra":1}', "state.json is not a valid state file at (top)"],
  ])("%s → a StateError naming the file and the fix", (text, message) => {
    expect(() => parseState(text, "state.json")).toThrow(StateError);
    expect(() => parseState(text, "state.json")).toThrow(message);
  });
});
