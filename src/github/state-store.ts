/**
 * The app's state (state/) kept in the repository itself: one JSON file on a dedicated branch,
 * `argocd-image-pr/state`, whose history is the audit log (one commit per change, saying why).
 * No database, and correct with several replicas: an update is a new commit whose parent is the
 * head it read, moved onto the branch with `PATCH git/refs` *without* force — GitHub refuses a
 * non-fast-forward (422), so a concurrent writer's change is never lost: re-read, re-apply the pure
 * change to what is there now, retry (bounded).
 */
import { StateError } from "../errors/index.js";
import type { Logger } from "../log/index.js";
import { STATE_BRANCH } from "../plan/index.js";
import { emptyState, parseState, serializeState, type State } from "../state/index.js";
import type { GitHubClient } from "./client.js";
import { ConditionalCache } from "./conditional.js";
import { gitHubError, isStatus } from "./errors.js";

export { STATE_BRANCH };
export const STATE_FILE = "state.json";

export interface StateStoreOptions {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly log: Logger;
  /** Default `argocd-image-pr/state`. */
  readonly branch?: string;
  /** Path of the state file on the branch. Default `state.json`. */
  readonly file?: string;
  /** Attempts of one update before giving up (each after a refused non-fast-forward). Default 8. */
  readonly maxAttempts?: number;
}

/** The state as read, and the commit it was read at (null: the branch does not exist yet). */
export interface StoredState {
  readonly state: State;
  readonly head: string | null;
}

/** What a change makes of the state it is given: a new state and the audit commit's message, or no change. */
export type StateChange<T> = (
  state: State,
) => { readonly state: State; readonly message: string; readonly result: T } | { readonly state: null; readonly result: T };

export interface StateUpdateResult<T> {
  readonly state: State;
  readonly result: T;
  /** The commit written, or null when the change changed nothing (no write at all). */
  readonly commit: string | null;
  readonly attempts: number;
}

export interface StateStore {
  read(): Promise<StoredState>;
  /**
   * Apply `change` to the current state and store it with compare-and-swap. `change` must be pure:
   * it is called again on the newer state after a concurrent write.
   */
  update<T>(change: StateChange<T>): Promise<StateUpdateResult<T>>;
}

interface Head {
  readonly commit: string;
  readonly tree: string;
}

export function createStateStore(options: StateStoreOptions): StateStore {
  const { client, owner, repo, log } = options;
  const branch = options.branch ?? STATE_BRANCH;
  const file = options.file ?? STATE_FILE;
  const maxAttempts = options.maxAttempts ?? 8;
  const fullName = `${owner}/${repo}`;
  const where = `${fullName}@${branch}:${file}`;
  // The ref is read conditionally (a 304 is free and still says "unchanged"), and what a commit holds
  // is immutable: a store kept across passes reads an unchanged state with one request.
  const cache = new ConditionalCache(8);
  let last: { readonly head: Head; readonly state: State; readonly text: string } | null = null;

  async function headOf(): Promise<Head | null> {
    let commit: string;
    try {
      commit = (
        await cache.get<{ object: { sha: string } }>(client, "GET /repos/{owner}/{repo}/git/ref/{ref}", {
          owner,
          repo,
          ref: `heads/${branch}`,
        })
      ).object.sha;
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw gitHubError(fullName, `reading the state branch ${branch}`, error);
    }
    if (last?.head.commit === commit) return last.head;
    try {
      const tree = (await client.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner, repo, commit_sha: commit })).data
        .tree.sha;
      return { commit, tree };
    } catch (error) {
      throw gitHubError(fullName, `reading the state commit ${commit}`, error);
    }
  }

  async function readAt(head: Head): Promise<{ state: State; text: string }> {
    if (last?.head.commit === head.commit) return last;
    let text: string;
    try {
      const tree = (await client.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: head.tree })).data.tree;
      const entry = tree.find((e) => e.path === file && e.type === "blob");
      if (entry?.sha === undefined) {
        throw new StateError(`${where} is missing: the branch exists without its state file`, {
          context: { repo: fullName, file },
          hint: `restore the file from the branch's history, or delete the branch ${branch} to start with no pins, holds or refusals`,
        });
      }
      const blob = (await client.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner, repo, file_sha: entry.sha })).data;
      text = Buffer.from(blob.content, blob.encoding === "base64" ? "base64" : "utf8").toString("utf8");
    } catch (error) {
      if (error instanceof StateError) throw error;
      throw gitHubError(fullName, `reading ${file} on ${branch}`, error);
    }
    const state = parseState(text, where);
    last = { head, state, text };
    return { state, text };
  }

  async function read(): Promise<StoredState & { text: string | null; tree: string | null }> {
    const head = await headOf();
    if (head === null) return { state: emptyState(), head: null, text: null, tree: null };
    const { state, text } = await readAt(head);
    return { state, head: head.commit, text, tree: head.tree };
  }

  /** Commit `text` on top of `parent` and move the branch there; false when another writer moved it first. */
  async function swap(parent: { head: string | null; tree: string | null }, text: string, message: string): Promise<string | null> {
    const tree = (
      await client.request("POST /repos/{owner}/{repo}/git/trees", {
        owner,
        repo,
        ...(parent.tree === null ? {} : { base_tree: parent.tree }),
        tree: [{ path: file, mode: "100644", type: "blob", content: text }],
      })
    ).data.sha;
    const commit = (
      await client.request("POST /repos/{owner}/{repo}/git/commits", {
        owner,
        repo,
        message,
        tree,
        parents: parent.head === null ? [] : [parent.head],
      })
    ).data.sha;
    try {
      if (parent.head === null)
        await client.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref: `refs/heads/${branch}`, sha: commit });
      else
        await client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commit,
          force: false,
        });
    } catch (error) {
      // "Reference already exists" / "Update is not a fast forward": someone else wrote first.
      if (isStatus(error, 422)) return null;
      throw error;
    }
    return commit;
  }

  return {
    async read() {
      const { state, head } = await read();
      return { state, head };
    },
    async update<T>(change: StateChange<T>): Promise<StateUpdateResult<T>> {
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const current = await read();
        const next = change(current.state);
        if (next.state === null) return { state: current.state, result: next.result, commit: null, attempts: attempt };
        const text = serializeState(next.state);
        if (text === current.text) return { state: current.state, result: next.result, commit: null, attempts: attempt };
        let commit: string | null;
        try {
          commit = await swap(current, text, next.message);
        } catch (error) {
          throw gitHubError(fullName, `writing ${file} on ${branch}`, error);
        }
        if (commit !== null) return { state: next.state, result: next.result, commit, attempts: attempt };
        log.debug({ repo: fullName, branch, attempt }, "state branch moved under us; re-reading");
      }
      throw new StateError(`${where}: ${maxAttempts} attempts to update the state each met a newer write`, {
        context: { repo: fullName, file },
        hint: "too many replicas are writing at once; the change was not stored — run the command again",
      });
    },
  };
}
