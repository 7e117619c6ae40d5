import { describe, expect, it } from "vitest";
import type { ReconcileReport, ReconcileReposResult } from "../pipeline/index.js";
import { formatReconcile, reconcileToJson } from "./index.js";

function result(report: Partial<ReconcileReport>): ReconcileReposResult {
  const full: ReconcileReport = {
    repo: "acme/gitops",
    defaultBranch: "main",
    desired: [],
    actions: [],
    results: [],
    outcomes: [],
    problems: [],
    skipped: [],
    failed: false,
    state: null,
    stateEvents: [],
    stateWrite: null,
    ...report,
  };
  return { passes: [{ repo: "acme/gitops", report: full }], github: { reads: 3, writes: 0, notModified: 1 }, failed: false };
}

describe("formatReconcile: the state write", () => {
  const event = {
    kind: "hold",
    target: "argocd/web/web",
    above: "1.27.3",
    current: "1.27.0",
    pr: 1,
    url: "https://github.com/acme/gitops/pull/1",
  } as const;
  const message =
    "argocd-image-pr: 1 change from the repository's history\n\n- hold argocd/web/web above 1.27.3: the base branch moved it back to 1.27.0 (#1)\n";

  it("a dry run prints the write it would make, each change on its own line", () => {
    const text = formatReconcile(result({ stateEvents: [event], stateWrite: { message, commit: null, dryRun: true } }), { dryRun: true });
    expect(text.split("\n").slice(1, 3)).toEqual([
      "  would write the state  argocd-image-pr: 1 change from the repository's history",
      "    - hold argocd/web/web above 1.27.3: the base branch moved it back to 1.27.0 (#1)",
    ]);
  });

  it("a real pass names the commit; the JSON carries the events and the write", () => {
    const done = result({ stateEvents: [event], stateWrite: { message, commit: "a".repeat(40), dryRun: false } });
    expect(formatReconcile(done, { dryRun: false })).toContain("  wrote the state (aaaaaaaaaaaa)  argocd-image-pr: 1 change");
    expect(reconcileToJson(done)).toMatchObject({
      repositories: [{ state: { events: [event], write: { message, commit: "a".repeat(40), dryRun: false } } }],
    });
  });

  it("no write, no line", () => {
    expect(formatReconcile(result({}), { dryRun: true })).not.toContain("state");
  });
});
