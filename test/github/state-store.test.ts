/**
 * The state store against the fake GitHub: the state file on its own branch, each change a commit
 * (the audit log), compare-and-swap on the ref — two concurrent writers from two clients both land.
 */
import { execFileSync } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { StateError } from "../../src/errors/index.js";
import {
  createGitHubClient,
  createStateStore,
  STATE_BRANCH,
  type GitHubClient,
  type StateChange,
  type StateStore,
} from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import { applyCommand, serializeState, type State } from "../../src/state/index.js";
import { startFakeGitHub, type FakeGitHub, type FakeRepo } from "../support/fake-github/index.js";
import { FAST, INSTALLATION, writeSequence } from "./support.js";

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

let count = 0;
async function freshRepo(): Promise<{ repo: FakeRepo; name: string }> {
  count += 1;
  const name = `state-${process.pid}-${count}`;
  const repo = await fake.createRepo(`acme/${name}`, { files: { "README.md": "# gitops\n" }, installationId: INSTALLATION });
  return { repo, name };
}

function storeWithClient(name: string, throttleId: string): [StateStore, GitHubClient] {
  const client = createGitHubClient({
    baseUrl: fake.url,
    token: fake.installationToken(INSTALLATION),
    log: silentLogger,
    throttleId: `state-${throttleId}`,
    tuning: FAST,
  });
  return [createStateStore({ client, owner: "acme", repo: name, log: silentLogger }), client];
}

function storeFor(name: string, throttleId: string): StateStore {
  return storeWithClient(name, throttleId)[0];
}

const AT = "2026-12-01T12:00:00.000Z";

/** /pin `tag` on target `id` by `by`, as a state change. */
function pin(id: string, tag: string, by: string): StateChange<string> {
  return (state: State) => {
    const result = applyCommand(
      state,
      { kind: "pin", target: null, tag },
      {
        targets: [id],
        audit: { by, at: AT, link: `https://github.com/acme/x/issues/1#issuecomment-${by.length}`, why: `/pin ${tag}` },
        holdUntil: "newer",
        place: "dashboard",
      },
    );
    return result.changed
      ? { state: result.state, message: `pin ${id} at ${tag}\n\nby ${by}: /pin ${tag}`, result: result.reply }
      : { state: null, result: result.reply };
  };
}

function history(repo: FakeRepo): string[] {
  return execFileSync("git", ["--git-dir", repo.gitDir, "log", "--format=%s", STATE_BRANCH], { encoding: "utf8" }).trim().split("\n");
}

describe("state store", () => {
  it("starts empty without a branch, creates it on the first change, and each change is one commit on it", async () => {
    const { repo, name } = await freshRepo();
    const store = storeFor(name, "a");
    expect(await store.read()).toEqual({ state: { version: 1, targets: {} }, head: null });
    fake.resetLog();

    const first = await store.update(pin("argocd/web/nginx", "1.0.0", "alice"));
    expect(first).toMatchObject({ attempts: 1, commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(writeSequence(fake)).toEqual(["POST git/create-tree", "POST git/create-commit", "POST git/create-ref"]);
    const second = await store.update(pin("argocd/api/app", "2.0.0", "bob"));
    expect(second.attempts).toBe(1);

    const read = await store.read();
    expect(read.head).toBe(second.commit);
    expect(Object.keys(read.state.targets)).toEqual(["argocd/api/app", "argocd/web/nginx"]);
    await expect(repo.readFile(STATE_BRANCH, "state.json")).resolves.toBe(serializeState(read.state));
    expect(history(repo)).toEqual(["pin argocd/api/app at 2.0.0", "pin argocd/web/nginx at 1.0.0"]);
    // The base branch is untouched: the state lives only on its own branch.
    expect(Object.keys(await repo.branches()).sort()).toEqual([STATE_BRANCH, "main"].sort());
    await expect(repo.readFile("main", "state.json")).resolves.toBeNull();
  });

  it("a change that changes nothing writes nothing", async () => {
    const { name } = await freshRepo();
    const store = storeFor(name, "a");
    await store.update(pin("argocd/web/nginx", "1.0.0", "alice"));
    fake.resetLog();
    const again = await store.update(pin("argocd/web/nginx", "1.0.0", "alice"));
    expect(again).toMatchObject({ commit: null, attempts: 1 });
    expect(fake.writes()).toEqual([]);
  });

  it.each([
    ["on an existing branch", true],
    ["creating the branch", false],
  ])("two concurrent /pin from two clients both land (%s)", async (_name, existing) => {
    const { repo, name } = await freshRepo();
    const [one, clientOne] = storeWithClient(name, "one");
    const [two, clientTwo] = storeWithClient(name, "two");
    if (existing) await one.update(pin("argocd/seed/x", "0.1.0", "seed"));
    // Neither writes before both have read the same head: one of the two swaps must be refused.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    for (const client of [clientOne, clientTwo]) {
      let first = true;
      client.hook.before("request", async (options) => {
        if (!first || options.method !== "POST" || !String(options.url).includes("/git/trees")) return;
        first = false;
        arrived += 1;
        if (arrived === 2) release();
        await bothRead;
      });
    }
    fake.resetLog();
    const [a, b] = await Promise.all([
      one.update(pin("argocd/web/nginx", "1.0.0", "alice")),
      two.update(pin("argocd/api/app", "2.0.0", "bob")),
    ]);

    const final = await one.read();
    expect(Object.keys(final.state.targets)).toEqual([...(existing ? ["argocd/seed/x"] : []), "argocd/api/app", "argocd/web/nginx"].sort());
    expect(final.state.targets["argocd/web/nginx"]?.pin?.by).toBe("alice");
    expect(final.state.targets["argocd/api/app"]?.pin?.by).toBe("bob");
    expect([a.attempts, b.attempts].sort()).toEqual([1, 2]);
    expect(writeSequence(fake).filter((w) => w.endsWith("→ 422"))).toEqual([
      existing ? "PATCH git/update-ref → 422" : "POST git/create-ref → 422",
    ]);
    expect(history(repo).slice(0, 2).sort()).toEqual(["pin argocd/api/app at 2.0.0", "pin argocd/web/nginx at 1.0.0"]);
  });

  it("a timeout after the ref moved: the retry re-reads, finds the change stored, and writes nothing more", async () => {
    const { repo, name } = await freshRepo();
    const store = storeFor(name, "a");
    await store.update(pin("argocd/seed/x", "0.1.0", "seed"));
    fake.failNext({ method: "PATCH", operationId: "git/update-ref" }, { status: 502, applied: true });
    const result = await store.update(pin("argocd/web/nginx", "1.0.0", "alice"));
    expect(result.state.targets["argocd/web/nginx"]?.pin?.tag).toBe("1.0.0");
    expect(history(repo)).toEqual(["pin argocd/web/nginx at 1.0.0", "pin argocd/seed/x at 0.1.0"]);
  });

  it("a state file that is not valid is a StateError naming it and the fix; nothing is written", async () => {
    const { repo, name } = await freshRepo();
    await repo.push(STATE_BRANCH, { "state.json": '{"version":1,"targets":{"a/b":{"holds":[],"refused":[],"pin":{"tag":"-bad"}}}}' });
    const store = storeFor(name, "a");
    fake.resetLog();
    await expect(store.update(pin("argocd/web/nginx", "1.0.0", "alice"))).rejects.toThrow(StateError);
    await expect(store.read()).rejects.toThrow(
      `acme/${name}@argocd-image-pr/state:state.json is not a valid state file at targets.a/b.pin.tag`,
    );
    expect(fake.writes()).toEqual([]);
  });
});
