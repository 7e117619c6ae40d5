/**
 * GitHubRepoPort: everything the app does to one repository. Reads are conditional where GitHub
 * supports it and immutable objects (commits, trees, blobs) are read once; every write is keyed by
 * the branch and idempotent, in an order where a failure at any step leaves something the next
 * pass adopts (a commit without a ref is garbage; a branch without a PR is adopted; a PR without
 * labels gets them), never a duplicate.
 */
import type { Logger } from "../log/index.js";
import { AUTOMERGE_LABEL, BRANCH_PREFIX, ownCommitKey, parsePrMetadata, PR_LABEL, STATE_BRANCH } from "../plan/index.js";
import type { BranchCommit, DesiredPr, ManagedPr, PrAction, PrActionKind, PrOnGitHub, RepoReader } from "../plan/index.js";
import type { UpdatePr } from "../state/index.js";
import { requestStats, type GitHubClient, type RequestStats } from "./client.js";
import { ConditionalCache } from "./conditional.js";
import { gitHubError, isStatus } from "./errors.js";
import { readCommitTree, treeReader, type CommitTree, type RepoCoordinates } from "./tree-reader.js";

/** A base branch at one commit: read through the Git Data API. */
export type Snapshot = RepoReader & { readonly sha: string; readonly branch: string; readonly tree: CommitTree };

export interface ActionResult {
  readonly kind: PrActionKind;
  readonly branch: string;
  readonly ok: boolean;
  /** The PR the action made or changed, when there is one. */
  readonly number: number | null;
  /** Every write made (or, in a dry run, that would be made), as `METHOD /path — what`. */
  readonly writes: readonly string[];
  readonly error?: string;
}

/** One of the app's update PRs (state/'s view) and its branch. */
export type AppPr = UpdatePr & { readonly branch: string };

export interface ExecuteOptions {
  readonly dryRun: boolean;
}

export interface GitHubRepoPort {
  readonly owner: string;
  readonly repo: string;
  readonly stats: RequestStats;
  defaultBranch(): Promise<string>;
  snapshot(branch: string): Promise<Snapshot>;
  listManagedPrs(): Promise<ManagedPr[]>;
  /**
   * The app's update PRs — open, merged and closed — as state/ derives from them: the most recently
   * updated ones (a few pages, conditional requests). A PR whose metadata block is missing or
   * tampered with is not the app's. `known`: PRs whose closer the caller already recorded — their
   * issue is not read again (for the others, once per process and close).
   */
  listUpdatePrs(options?: { readonly known?: ReadonlySet<number> }): Promise<AppPr[]>;
  /** Whether the app already left the comment `key` (its marker) on issue or PR `number` (a conditional read). */
  hasComment(number: number, key: string): Promise<boolean>;
  execute(actions: readonly PrAction[], options: ExecuteOptions): Promise<ActionResult[]>;
}

interface RawPull {
  readonly number: number;
  readonly state: string;
  readonly title: string;
  readonly body: string | null;
  readonly merged_at: string | null;
  readonly merge_commit_sha?: string | null;
  readonly closed_at?: string | null;
  readonly html_url?: string;
  readonly labels: readonly { name?: string }[];
  readonly head: { ref: string; sha: string; repo: { full_name: string } | null };
  readonly base: { ref: string };
  readonly auto_merge: unknown;
  readonly node_id: string;
}

interface RawCommit {
  readonly sha: string;
  readonly commit: { message: string; tree: { sha: string } };
  readonly parents: readonly { sha: string }[];
  readonly files?: readonly { filename: string; sha: string | null; status: string }[];
}

interface RawRef {
  readonly ref: string;
  readonly object: { sha: string };
}

const LABEL_COLORS: Readonly<Record<string, string>> = { [PR_LABEL]: "0e8a16", [AUTOMERGE_LABEL]: "1d76db" };
const LABEL_DESCRIPTIONS: Readonly<Record<string, string>> = {
  [PR_LABEL]: "An image update proposed by argocd-image-pr",
  [AUTOMERGE_LABEL]: "argocd-image-pr merges this update once its checks pass",
};
/** Marks the app's comments, so a retried or repeated step never comments twice. */
const COMMENT_MARKER = (kind: string, key: string): string => `<!-- argocd-image-pr:comment ${kind} ${encodeURIComponent(key)} -->`;
/** Pages of the most recently updated PRs read for the app's history (100 a page). */
const HISTORY_PAGES = 3;

export interface RepoPortOptions {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly log: Logger;
}

export function createGitHubRepoPort(options: RepoPortOptions): GitHubRepoPort {
  const { client, owner, repo, log } = options;
  const full = `${owner}/${repo}`;
  const cache = new ConditionalCache();
  const at: RepoCoordinates = { client, owner, repo, cache, blobs: new Map() };
  const commits = new Map<string, Promise<RawCommit>>();
  const trees = new Map<string, Promise<CommitTree>>();
  const snapshots = new Map<string, Snapshot>();

  function remember<K, V>(map: Map<K, V>, key: K, value: V, limit = 500): V {
    map.set(key, value);
    while (map.size > limit) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
    return value;
  }

  /** A commit by sha (with its files): immutable, read once. */
  function commitOf(sha: string): Promise<RawCommit> {
    const kept = commits.get(sha);
    if (kept !== undefined) return kept;
    const pending = client
      .request("GET /repos/{owner}/{repo}/commits/{ref}", { owner, repo, ref: sha })
      .then((response) => response.data as unknown as RawCommit)
      .catch((error: unknown) => {
        commits.delete(sha);
        throw gitHubError(full, `reading commit ${sha.slice(0, 12)}`, error);
      });
    return remember(commits, sha, pending);
  }

  function treeOf(commitSha: string): Promise<CommitTree> {
    const kept = trees.get(commitSha);
    if (kept !== undefined) return kept;
    const pending = commitOf(commitSha)
      .then((commit) => readCommitTree(at, commitSha, commit.commit.tree.sha))
      .catch((error: unknown) => {
        trees.delete(commitSha);
        throw error;
      });
    return remember(trees, commitSha, pending, 16);
  }

  async function refSha(branch: string, fresh: boolean): Promise<string | null> {
    const params = { owner, repo, ref: `heads/${branch}` };
    try {
      const data = fresh
        ? ((await client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", params)).data as RawRef)
        : await cache.get<RawRef>(client, "GET /repos/{owner}/{repo}/git/ref/{ref}", params);
      return data.object.sha;
    } catch (error) {
      if (isStatus(error, 404)) return null;
      throw gitHubError(full, `reading branch ${branch}`, error);
    }
  }

  function branchCommit(raw: RawCommit): BranchCommit {
    return {
      sha: raw.sha,
      parents: raw.parents.map((parent) => parent.sha),
      message: raw.commit.message,
      files: new Map((raw.files ?? []).map((file) => [file.filename, file.status === "removed" ? null : file.sha])),
    };
  }

  function prOf(raw: RawPull): PrOnGitHub {
    return {
      number: raw.number,
      state: raw.state === "closed" ? "closed" : "open",
      merged: raw.merged_at !== null,
      title: raw.title,
      body: raw.body ?? "",
      labels: raw.labels.map((label) => label.name ?? "").filter((name) => name !== ""),
      base: raw.base.ref,
      autoMerge: raw.auto_merge !== null && raw.auto_merge !== undefined,
      metadata: parsePrMetadata(raw.body),
    };
  }

  async function listPulls(query: Record<string, string | number>, pages = 50): Promise<RawPull[]> {
    const out: RawPull[] = [];
    for (let page = 1; page <= pages; page += 1) {
      const data = await cache.get<RawPull[]>(client, "GET /repos/{owner}/{repo}/pulls", { owner, repo, per_page: 100, page, ...query });
      out.push(...data);
      if (data.length < 100) break;
    }
    return out;
  }

  /** Who closed an issue or PR, by number and close time: read once (a reopen and close again is a new close). */
  const closers = new Map<string, string | null>();
  async function closerOf(number: number, closedAt: string): Promise<string | null> {
    const key = `${number} ${closedAt}`;
    if (closers.has(key)) return closers.get(key) ?? null;
    const issue = (await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: number })).data;
    return remember(closers, key, issue.closed_by?.login ?? null, 2000);
  }

  function isAppBranch(pull: RawPull): boolean {
    return (
      pull.head.ref.startsWith(BRANCH_PREFIX) &&
      pull.head.ref !== STATE_BRANCH &&
      pull.head.repo?.full_name.toLowerCase() === full.toLowerCase()
    );
  }

  const port: GitHubRepoPort = {
    owner,
    repo,
    stats: requestStats(client),

    async defaultBranch() {
      try {
        const data = await cache.get<{ default_branch: string }>(client, "GET /repos/{owner}/{repo}", { owner, repo });
        return data.default_branch;
      } catch (error) {
        throw gitHubError(full, "reading the repository", error);
      }
    },

    async snapshot(branch) {
      const sha = await refSha(branch, false);
      if (sha === null) throw gitHubError(full, `reading branch ${branch}`, new Error(`there is no branch "${branch}"`));
      const kept = snapshots.get(branch);
      if (kept !== undefined && kept.sha === sha) return kept;
      const tree = await treeOf(sha);
      return remember(snapshots, branch, { ...treeReader(at, tree), branch }, 16);
    },

    async listManagedPrs() {
      let refs: RawRef[];
      let open: RawPull[];
      try {
        refs = await cache.get<RawRef[]>(client, "GET /repos/{owner}/{repo}/git/matching-refs/{ref}", {
          owner,
          repo,
          ref: `heads/${BRANCH_PREFIX}`,
        });
        open = (await listPulls({ state: "open" })).filter(
          (pull) => pull.head.ref.startsWith(BRANCH_PREFIX) && pull.head.repo?.full_name.toLowerCase() === full.toLowerCase(),
        );
      } catch (error) {
        throw gitHubError(full, "listing the app's branches and pull requests", error);
      }
      // The state branch shares the prefix (so its pushes set off no pass) but is never a PR branch.
      const heads = new Map(
        refs.map((ref) => [ref.ref.replace(/^refs\/heads\//, ""), ref.object.sha] as const).filter(([branch]) => branch !== STATE_BRANCH),
      );
      const branches = [...new Set([...heads.keys(), ...open.map((pull) => pull.head.ref)])].filter((b) => b !== STATE_BRANCH).sort();
      const managed: ManagedPr[] = [];
      for (const branch of branches) {
        const headSha = heads.get(branch) ?? null;
        const head = headSha === null ? null : branchCommit(await commitOf(headSha));
        const pull = open.find((each) => each.head.ref === branch);
        if (pull !== undefined) {
          managed.push({ branch, head, pr: prOf(pull) });
          continue;
        }
        // No open PR: the last closed one still pointing at this head (merged and the branch kept,
        // or closed by a person), else none — a branch left by a crash.
        let closed: RawPull | undefined;
        try {
          [closed] = await listPulls({ state: "closed", head: `${owner}:${branch}`, sort: "created", direction: "desc" });
        } catch (error) {
          throw gitHubError(full, `listing the pull requests of ${branch}`, error);
        }
        managed.push({ branch, head, pr: closed !== undefined && closed.head.sha === headSha ? prOf(closed) : null });
      }
      return managed;
    },

    async listUpdatePrs(listOptions = {}) {
      let pulls: RawPull[];
      try {
        pulls = await listPulls({ state: "all", sort: "updated", direction: "desc" }, HISTORY_PAGES);
      } catch (error) {
        throw gitHubError(full, "listing the app's pull requests", error);
      }
      const out: AppPr[] = [];
      for (const pull of pulls) {
        if (!isAppBranch(pull)) continue;
        const metadata = parsePrMetadata(pull.body);
        if (metadata === null) continue;
        const merged = pull.merged_at !== null;
        const state = merged ? "merged" : pull.state === "closed" ? "closed" : "open";
        const closedAt = pull.closed_at ?? null;
        // The app's own closes (moot) mark the metadata in the same request; a PR someone else took
        // over (hands-off) and then closed says nothing about its tag.
        const closedByApp = state === "closed" && (metadata.closedByApp === true || metadata.handsOff === true);
        let closedBy: string | null = null;
        if (state === "closed" && !closedByApp && closedAt !== null && listOptions.known?.has(pull.number) !== true) {
          try {
            closedBy = await closerOf(pull.number, closedAt);
          } catch (error) {
            throw gitHubError(full, `reading who closed #${pull.number}`, error);
          }
        }
        out.push({
          number: pull.number,
          branch: pull.head.ref,
          url: pull.html_url ?? `https://github.com/${full}/pull/${pull.number}`,
          state,
          mergedAt: pull.merged_at,
          mergeCommit: merged ? (pull.merge_commit_sha ?? null) : null,
          closedAt,
          closedBy,
          closedByApp,
          targets: metadata.targets.map((t) => ({ id: t.id, from: t.from, to: t.to })),
        });
      }
      return out.sort((a, b) => a.number - b.number);
    },

    async hasComment(number, key) {
      return (await findComment(number, COMMENT_MARKER("note", key))) !== null;
    },

    async execute(actions, executeOptions) {
      const results: ActionResult[] = [];
      let labels: Set<string> | null = null;
      for (const action of actions) {
        const writes: string[] = [];
        const write = async <T>(description: string, call: () => Promise<T>, placeholder: T): Promise<T> => {
          writes.push(description);
          if (executeOptions.dryRun) return placeholder;
          return call();
        };
        const context = { write, writes, labels: async (): Promise<Set<string>> => (labels ??= await repoLabels()) };
        try {
          const number = await run(action, context);
          results.push({ kind: action.kind, branch: action.branch, ok: true, number, writes });
          log.info(
            { repo: full, action: action.kind, branch: action.branch, number, writes: writes.length, dryRun: executeOptions.dryRun },
            "pull request action done",
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          results.push({
            kind: action.kind,
            branch: action.branch,
            ok: false,
            number: "number" in action ? action.number : null,
            writes,
            error: message,
          });
          log.error(
            { repo: full, action: action.kind, branch: action.branch, error: message },
            "pull request action failed; the next pass picks it up",
          );
        }
      }
      return results;
    },
  };

  type Write = <T>(description: string, call: () => Promise<T>, placeholder: T) => Promise<T>;
  interface RunContext {
    readonly write: Write;
    readonly writes: string[];
    labels(): Promise<Set<string>>;
  }

  async function repoLabels(): Promise<Set<string>> {
    const names = new Set<string>();
    for (let page = 1; page <= 20; page += 1) {
      const data = await cache.get<{ name: string }[]>(client, "GET /repos/{owner}/{repo}/labels", { owner, repo, per_page: 100, page });
      for (const label of data) names.add(label.name);
      if (data.length < 100) break;
    }
    return names;
  }

  async function ensureLabels(names: readonly string[], ctx: RunContext): Promise<void> {
    const existing = await ctx.labels();
    for (const name of names) {
      if (existing.has(name)) continue;
      await ctx.write(
        `POST /repos/${full}/labels — create label ${JSON.stringify(name)}`,
        async () => {
          try {
            await client.request("POST /repos/{owner}/{repo}/labels", {
              owner,
              repo,
              name,
              color: LABEL_COLORS[name] ?? "ededed",
              description: LABEL_DESCRIPTIONS[name] ?? "Used by argocd-image-pr",
            });
          } catch (error) {
            // Made by someone else meanwhile (or by a retried request that had succeeded).
            if (!isStatus(error, 422)) throw error;
          }
        },
        undefined,
      );
      existing.add(name);
    }
  }

  /** The PR's commit: its files as a tree on the base's tree, one commit on the base head. */
  async function makeCommit(desired: DesiredPr, ctx: RunContext): Promise<string> {
    const base = await treeOf(desired.baseSha);
    const entries = desired.files.map((change) => ({
      path: change.file,
      mode: (base.entries.get(change.file)?.mode ?? "100644") as "100644" | "100755",
      type: "blob" as const,
      content: change.after,
    }));
    const tree = await ctx.write(
      `POST /repos/${full}/git/trees — ${entries.length} file${entries.length === 1 ? "" : "s"} on ${desired.base}@${desired.baseSha.slice(0, 12)}: ${entries.map((e) => e.path).join(", ")}`,
      async () =>
        (await client.request("POST /repos/{owner}/{repo}/git/trees", { owner, repo, base_tree: base.treeSha, tree: entries })).data.sha,
      "(new tree)",
    );
    return ctx.write(
      `POST /repos/${full}/git/commits — ${JSON.stringify(desired.commitMessage.split("\n")[0] ?? "")}`,
      async () =>
        (
          await client.request("POST /repos/{owner}/{repo}/git/commits", {
            owner,
            repo,
            message: desired.commitMessage,
            tree,
            parents: [desired.baseSha],
          })
        ).data.sha,
      "(new commit)",
    );
  }

  /** Point `branch` at `sha`: created, or moved when it is still at `expected` (the head we listed). */
  async function setBranch(branch: string, sha: string, expected: string | null, ctx: RunContext): Promise<void> {
    if (expected === null) {
      const created = await ctx.write(
        `POST /repos/${full}/git/refs — create ${branch}`,
        async () => {
          try {
            await client.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref: `refs/heads/${branch}`, sha });
            return true;
          } catch (error) {
            if (!isStatus(error, 422)) throw error;
            return false;
          }
        },
        true,
      );
      if (created) return;
      // It exists after all (made by a request that was retried, or a pass that crashed): move it only if it is ours.
      const current = await refSha(branch, true);
      if (current === sha) return;
      if (current === null || ownCommitKey(branchCommit(await commitOf(current))) === null) {
        throw gitHubError(full, `creating ${branch}`, new Error("the branch exists and holds someone else's commit; it is left alone"));
      }
      expected = current;
    } else {
      const current = await refSha(branch, true);
      if (current === sha) return;
      if (current !== expected)
        throw gitHubError(full, `updating ${branch}`, new Error("the branch moved since this pass read it; the next pass decides again"));
    }
    await ctx.write(
      `PATCH /repos/${full}/git/refs/heads/${branch} — force to the new commit`,
      async () => {
        await client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: `heads/${branch}`, sha, force: true });
      },
      undefined,
    );
  }

  async function findOpenPr(branch: string): Promise<RawPull | undefined> {
    const data = (
      await client.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, state: "open", head: `${owner}:${branch}`, per_page: 10 })
    ).data as unknown as RawPull[];
    return data[0];
  }

  async function openPr(desired: DesiredPr, ctx: RunContext): Promise<number> {
    return ctx.write(
      `POST /repos/${full}/pulls — ${JSON.stringify(desired.title)} from ${desired.branch} into ${desired.base}`,
      async () => {
        try {
          const response = await client.request("POST /repos/{owner}/{repo}/pulls", {
            owner,
            repo,
            title: desired.title,
            body: desired.body,
            head: desired.branch,
            base: desired.base,
            maintainer_can_modify: false,
          });
          return response.data.number;
        } catch (error) {
          if (!isStatus(error, 422)) throw error;
          // Opened by a request that was retried after GitHub had made it: use that one.
          const existing = await findOpenPr(desired.branch);
          if (existing === undefined) throw error;
          if (existing.title !== desired.title || (existing.body ?? "") !== desired.body) {
            await client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
              owner,
              repo,
              pull_number: existing.number,
              title: desired.title,
              body: desired.body,
            });
          }
          return existing.number;
        }
      },
      0,
    );
  }

  async function addLabels(number: number, names: readonly string[], ctx: RunContext): Promise<void> {
    if (names.length === 0) return;
    await ensureLabels(names, ctx);
    await ctx.write(
      `POST /repos/${full}/issues/${number}/labels — ${names.join(", ")}`,
      async () => {
        await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
          owner,
          repo,
          issue_number: number,
          labels: [...names],
        });
      },
      undefined,
    );
  }

  /** The app's comment holding `marker` on issue or PR `number`, if any (conditional reads: a 304 costs no rate limit). */
  async function findComment(number: number, marker: string): Promise<{ id: number } | null> {
    for (let page = 1; page <= 30; page += 1) {
      const data = await cache.get<{ id: number; body?: string }[]>(client, "GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: number,
        per_page: 100,
        page,
      });
      const found = data.find((comment) => (comment.body ?? "").includes(marker));
      if (found !== undefined) return { id: found.id };
      if (data.length < 100) break;
    }
    return null;
  }

  async function ensureComment(number: number, marker: string, body: string, ctx: RunContext): Promise<void> {
    if ((await findComment(number, marker)) !== null) return;
    await ctx.write(
      `POST /repos/${full}/issues/${number}/comments — ${JSON.stringify(body.split("\n")[0]?.slice(0, 80) ?? "")}`,
      async () => {
        await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: number,
          body: `${body}\n\n${marker}`,
        });
      },
      undefined,
    );
  }

  async function deleteBranch(branch: string, headSha: string | null, ctx: RunContext): Promise<void> {
    const current = await refSha(branch, true);
    if (current === null) return;
    if (headSha !== null && current !== headSha)
      throw gitHubError(full, `deleting ${branch}`, new Error("the branch moved since this pass read it; it is left alone"));
    await ctx.write(
      `DELETE /repos/${full}/git/refs/heads/${branch}`,
      async () => {
        try {
          await client.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: `heads/${branch}` });
        } catch (error) {
          if (!isStatus(error, 422, 404)) throw error;
        }
      },
      undefined,
    );
  }

  async function run(action: PrAction, ctx: RunContext): Promise<number | null> {
    switch (action.kind) {
      case "create": {
        const sha = await makeCommit(action.desired, ctx);
        await setBranch(action.branch, sha, null, ctx);
        await ensureLabels(action.desired.labels, ctx);
        const number = await openPr(action.desired, ctx);
        await addLabels(number, action.desired.labels, ctx);
        return number;
      }
      case "adopt": {
        if (action.commit) await setBranch(action.branch, await makeCommit(action.desired, ctx), action.headSha, ctx);
        await ensureLabels(action.desired.labels, ctx);
        const number = await openPr(action.desired, ctx);
        await addLabels(number, action.desired.labels, ctx);
        return number;
      }
      case "update": {
        if (action.commit !== null) await setBranch(action.branch, await makeCommit(action.desired, ctx), action.headSha, ctx);
        if (action.retitle) {
          await ctx.write(
            `PATCH /repos/${full}/pulls/${action.number} — title ${JSON.stringify(action.desired.title)} and body`,
            async () => {
              await client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
                owner,
                repo,
                pull_number: action.number,
                title: action.desired.title,
                body: action.desired.body,
              });
            },
            undefined,
          );
        }
        await addLabels(action.number, action.addLabels, ctx);
        return action.number;
      }
      case "close": {
        await ensureComment(action.number, COMMENT_MARKER("close", action.branch), action.comment, ctx);
        await ctx.write(
          `PATCH /repos/${full}/pulls/${action.number} — close, marked closed by the app in the metadata`,
          async () => {
            await client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
              owner,
              repo,
              pull_number: action.number,
              state: "closed",
              body: action.body,
            });
          },
          undefined,
        );
        await deleteBranch(action.branch, action.headSha, ctx);
        return action.number;
      }
      case "hands-off": {
        await ensureComment(action.number, COMMENT_MARKER("hands-off", action.branch), action.comment, ctx);
        for (const label of action.removeLabels) {
          await ctx.write(
            `DELETE /repos/${full}/issues/${action.number}/labels/${label}`,
            async () => {
              try {
                await client.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
                  owner,
                  repo,
                  issue_number: action.number,
                  name: label,
                });
              } catch (error) {
                if (!isStatus(error, 404)) throw error;
              }
            },
            undefined,
          );
        }
        if (action.disableAutoMerge) await disableAutoMerge(action.number, ctx);
        await ctx.write(
          `PATCH /repos/${full}/pulls/${action.number} — mark hands-off in the metadata`,
          async () => {
            await client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
              owner,
              repo,
              pull_number: action.number,
              body: action.body,
            });
          },
          undefined,
        );
        return action.number;
      }
      case "comment":
        await ensureComment(action.number, COMMENT_MARKER("note", action.key), action.comment, ctx);
        return action.number;
      case "delete-branch":
        await deleteBranch(action.branch, action.headSha, ctx);
        return null;
      case "automerge":
        await automerge(action, ctx);
        return action.number;
    }
  }

  /** GitHub's auto-merge where the repository allows it (branch protection decides), else merge once green and mergeable. */
  async function automerge(action: Extract<PrAction, { kind: "automerge" }>, ctx: RunContext): Promise<void> {
    const pull = (await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: action.number })).data;
    if (pull.state !== "open" || pull.head.sha !== action.headSha || (pull.auto_merge !== null && pull.auto_merge !== undefined)) return;
    const reviews = (
      await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
        owner,
        repo,
        pull_number: action.number,
        per_page: 100,
      })
    ).data;
    const latest = new Map<string, string>();
    for (const review of reviews) if (review.user !== null && review.state !== "COMMENTED") latest.set(review.user.login, review.state);
    if ([...latest.values()].includes("CHANGES_REQUESTED")) {
      log.info({ repo: full, number: action.number }, "auto-merge waits: changes were requested");
      return;
    }
    const settings = await cache.get<{ allow_auto_merge?: boolean }>(client, "GET /repos/{owner}/{repo}", { owner, repo });
    if (settings.allow_auto_merge === true) {
      const enabled = await ctx.write(
        `POST /graphql — enablePullRequestAutoMerge #${action.number} (${action.mergeMethod})`,
        async () => {
          try {
            await client.graphql(
              "mutation($id: ID!, $mergeMethod: PullRequestMergeMethod!, $head: GitObjectID!) { enablePullRequestAutoMerge(input: { pullRequestId: $id, mergeMethod: $mergeMethod, expectedHeadOid: $head }) { clientMutationId } }",
              { id: pull.node_id, mergeMethod: action.mergeMethod.toUpperCase(), head: action.headSha },
            );
            return true;
          } catch (error) {
            // Nothing to wait for (no required checks, already mergeable): GitHub refuses; merge it as below.
            if (error instanceof Error && /clean status/i.test(error.message)) return false;
            throw error;
          }
        },
        true,
      );
      if (enabled) return;
    }
    if (pull.mergeable !== true) return; // conflicting, or GitHub is still computing it: the next pass or event looks again
    const status = (await client.request("GET /repos/{owner}/{repo}/commits/{ref}/status", { owner, repo, ref: action.headSha })).data;
    const checks = (
      await client.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { owner, repo, ref: action.headSha, per_page: 100 })
    ).data;
    const statusOk = status.total_count === 0 || status.state === "success";
    const checksOk = checks.check_runs.every(
      (run) => run.status === "completed" && ["success", "neutral", "skipped"].includes(run.conclusion ?? ""),
    );
    if (!statusOk || !checksOk) {
      log.info({ repo: full, number: action.number, status: status.state }, "auto-merge waits for the checks");
      return;
    }
    await ctx.write(
      `PUT /repos/${full}/pulls/${action.number}/merge — ${action.mergeMethod} at ${action.headSha.slice(0, 12)}`,
      async () => {
        try {
          await client.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
            owner,
            repo,
            pull_number: action.number,
            merge_method: action.mergeMethod,
            sha: action.headSha,
          });
        } catch (error) {
          // 405 not mergeable / 409 head moved: not now; the next pass decides again.
          if (!isStatus(error, 405, 409)) throw error;
        }
      },
      undefined,
    );
  }

  async function disableAutoMerge(number: number, ctx: RunContext): Promise<void> {
    const pull = (await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number })).data;
    if (pull.auto_merge === null || pull.auto_merge === undefined) return;
    await ctx.write(
      `POST /graphql — disablePullRequestAutoMerge #${number}`,
      async () => {
        await client.graphql("mutation($id: ID!) { disablePullRequestAutoMerge(input: { pullRequestId: $id }) { clientMutationId } }", {
          id: pull.node_id,
        });
      },
      undefined,
    );
  }

  return port;
}
