import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PR_SETTINGS, desiredPrs, diffPrs } from "../../src/plan/index.js";
import type { DiffContext, PrSettings, TargetOutcome } from "../../src/plan/index.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";
import { kustomization, updateOf } from "../plan/support.js";
import { clientFor, repoWithPort, writeSequence, type PortUnderTest } from "./support.js";
import { createStateStore } from "../../src/github/index.js";
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
