import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PR_SETTINGS, desiredPrs, diffPrs } from "../../src/plan/index.js";
import type { DiffContext, PrSettings, TargetOutcome } from "../../src/plan/index.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";
import { kustomization, updateOf } from "../plan/support.js";
import { clientFor, repoWithPort, writeSequence, type PortUnderTest } from "./support.js";
import { createGitHubRepoPort, createStateStore } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";

const NGINX = "ghcr.io/example/nginx";
const DEV = "apps/dev/kustomization.yaml";
const settings: PrSettings = { ...DEFAULT_PR_SETTINGS, defaultBranch: "main" };
const context: DiffContext = { rebase: "conflicted", failedTargets: new Set(), quietReasons: new Map() };

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  try {
    fake.assertNoViolations();
  } finally {
    fake.resetLog();
  }
});

async function pass(at: PortUnderTest, outcomes: readonly TargetOutcome[], options: { dryRun?: boolean } = {}) {
  const base = await at.port.snapshot(await at.port.defaultBranch());
  const desired = await desiredPrs(outcomes, { reader: base, branch: base.branch, sha: base.sha }, settings);
  const actions = diffPrs(desired.prs, await at.port.listManagedPrs(), context);
  return { actions, results: await at.port.execute(actions, { dryRun: options.dryRun ?? false }) };
}

describe("GitHubRepoPort against the fake GitHub", () => {
  it("reads the base through one tree read, opens the PR in the documented order, and a second pass writes nothing", async () => {
    const at = await repoWithPort(fake, { [DEV]: kustomization({ [NGINX]: "1.27.0" }), "README.md": "# gitops\n" });
    fake.resetLog();
    const first = await pass(at, [updateOf({ file: DEV, to: "1.27.4" })]);
    expect(first.results).toMatchObject([{ kind: "create", ok: true, number: 1 }]);
    expect(writeSequence(fake)).toEqual([
      "POST git/create-tree",
      "POST git/create-commit",
      "POST git/create-ref",
      "POST issues/create-label",
      "POST pulls/create",
      "POST issues/add-labels",
    ]);
    expect(await at.repo.readFile("argocd-image-pr/my-app-dev", DEV)).toBe(kustomization({ [NGINX]: "1.27.4" }));
    const [pull] = at.repo.pulls();
    expect(pull?.title).toBe("Update nginx to 1.27.4 (my-app-dev)");

    fake.resetLog();
    const second = await pass(at, [updateOf({ file: DEV, to: "1.27.4" })]);
    expect(second.actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
    // What the first pass changed is read again: the repository, its branches, its PRs, the new head.
    expect(fake.requests.filter((r) => r.status !== 304).map((r) => r.operationId)).toEqual([
      "repos/get",
      "git/list-matching-refs",
      "pulls/list",
      "repos/get-commit",
    ]);

    fake.resetLog();
    expect((await pass(at, [updateOf({ file: DEV, to: "1.27.4" })])).actions).toEqual([]);
    // Nothing moved: every read is a 304 (free of rate limit) or not made at all (commits and trees are kept).
    expect(fake.requests.map((r) => `${r.operationId} ${r.status}`)).toEqual(
      ["repos/get 304", "git/ref 304", "git/list-matching-refs 304", "pulls/list 304"].map((s) => s.replace("git/ref", "git/get-ref")),
    );
  });

  it("the state branch is no PR branch: a stored state never shows among the managed PRs", async () => {
    const at = await repoWithPort(fake, { [DEV]: kustomization({ [NGINX]: "1.27.0" }) });
    const store = createStateStore({ client: clientFor(fake), owner: "acme", repo: at.name, log: silentLogger });
    await store.update(() => ({ state: { version: 1, targets: {} }, message: "start", result: null }));
    expect(Object.keys(await at.repo.branches()).sort()).toEqual(["argocd-image-pr/state", "main"]);
    expect(await at.port.listManagedPrs()).toEqual([]);
    // And nothing the pass does ever touches it.
    fake.resetLog();
    const { actions } = await pass(at, []);
    expect(actions).toEqual([]);
    expect(fake.writes()).toEqual([]);
  });

  it("the app's PR history: open, closed by a person (who, read once), reopened, closed by the app (marked), merged; not the app's when tampered", async () => {
    const at = await repoWithPort(fake, { [DEV]: kustomization({ [NGINX]: "1.27.0" }) });
    await pass(at, [updateOf({ file: DEV, to: "1.27.4" })]);
    const [opened] = await at.port.listUpdatePrs();
    const id = opened?.targets[0]?.id ?? "";
    expect(opened).toEqual({
      number: 1,
      branch: "argocd-image-pr/my-app-dev",
      url: expect.stringMatching(new RegExp(`/acme/${at.name}/pull/1$`)),
      state: "open",
      mergedAt: null,
      mergeCommit: null,
      closedAt: null,
      closedBy: null,
      closedByApp: false,
      targets: [{ id, from: "1.27.0", to: "1.27.4" }],
    });

    at.repo.closePull(1, "alice");
    fake.resetLog();
    expect(await at.port.listUpdatePrs()).toMatchObject([{ number: 1, state: "closed", closedBy: "alice", closedByApp: false }]);
    expect(fake.requests.map((r) => r.operationId)).toEqual(["pulls/list", "issues/get"]);
    // Who closed it is read once; what the caller already recorded is not read at all.
    fake.resetLog();
    await at.port.listUpdatePrs();
    expect(fake.requests.map((r) => `${r.operationId} ${r.status}`)).toEqual(["pulls/list 304"]);
    const fresh = createGitHubRepoPort({ client: clientFor(fake), owner: "acme", repo: at.name, log: silentLogger });
    fake.resetLog();
    expect(await fresh.listUpdatePrs({ known: new Set([1]) })).toMatchObject([{ number: 1, state: "closed", closedBy: null }]);
    expect(fake.requests.map((r) => r.operationId)).toEqual(["pulls/list"]);

    at.repo.reopenPull(1, "alice");
    expect(await at.port.listUpdatePrs()).toMatchObject([{ number: 1, state: "open", closedAt: null }]);

    // Moot: the app closes it, and says so in the metadata of the same PATCH.
    const actions = diffPrs([], await at.port.listManagedPrs(), { ...context, quietReasons: new Map([[id, "up to date"]]) });
    expect(actions.map((a) => a.kind)).toEqual(["close"]);
    await at.port.execute(actions, { dryRun: false });
    expect(await fresh.listUpdatePrs()).toMatchObject([{ number: 1, state: "closed", closedByApp: true, closedBy: null }]);

    // Merged; and a PR whose metadata block was edited is not the app's.
    await pass(at, [updateOf({ file: DEV, to: "1.27.5" })]);
    const merge = await at.repo.mergePull(2, { by: "alice" });
    expect(await fresh.listUpdatePrs()).toMatchObject([
      { number: 1 },
      { number: 2, state: "merged", mergedAt: expect.any(String), mergeCommit: merge, targets: [{ id, from: "1.27.0", to: "1.27.5" }] },
    ]);
    await pass(at, [updateOf({ file: DEV, to: "1.27.6", from: "1.27.5" })]);
    const pull = at.repo.pulls().find((p) => p.number === 3);
    await clientFor(fake).request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: "acme",
      repo: at.name,
      pull_number: 3,
      body: (pull?.body ?? "").replace(/metadata v1 [A-Za-z0-9_-]+/, "metadata v1 e30"),
    });
    expect((await fresh.listUpdatePrs()).map((p) => p.number)).toEqual([1, 2]);
  });

  it("dry-run lists every write and makes none", async () => {
    const at = await repoWithPort(fake, { [DEV]: kustomization({ [NGINX]: "1.27.0" }) });
    fake.resetLog();
    const { results } = await pass(at, [updateOf({ file: DEV, to: "1.27.4" })], { dryRun: true });
    expect(fake.writes()).toEqual([]);
    expect(results[0]?.writes.map((w) => w.split(" — ")[0])).toEqual([
      `POST /repos/acme/${at.name}/git/trees`,
      `POST /repos/acme/${at.name}/git/commits`,
      `POST /repos/acme/${at.name}/git/refs`,
      `POST /repos/acme/${at.name}/labels`,
      `POST /repos/acme/${at.name}/pulls`,
      `POST /repos/acme/${at.name}/issues/0/labels`,
    ]);
  });
});
