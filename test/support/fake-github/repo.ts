/**
 * One repository of the fake GitHub: a bare git repository plus GitHub's records (pulls, issues,
 * comments, labels, statuses, checks, permissions), the GitHub semantics that tie them together
 * (a PR follows its head branch, is closed when it is deleted, merges write to the base), and the
 * helpers a test uses to act as a human.
 */
import { type GitRepo, type GitPerson } from "./git.js";
import { HttpError } from "./http.js";
import { commentShape, issueShape, pullShape, repoShape, userShape, type RepoInfo, type Site } from "./shapes.js";
import {
  now,
  nodeId,
  type CheckRunRecord,
  type CheckSuiteRecord,
  type CommentRecord,
  type FakeEvent,
  type IssueRecord,
  type LabelRecord,
  type MergeMethod,
  type Permission,
  type PullRecord,
  type StatusRecord,
  type UserRecord,
} from "./state.js";

export interface FakePull {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  readonly mergedBy: string | null;
  readonly mergeCommitSha: string | null;
  readonly head: string;
  readonly base: string;
  readonly headSha: string;
  readonly user: string;
  readonly labels: readonly string[];
  readonly draft: boolean;
  readonly autoMerge: { readonly enabledBy: string; readonly mergeMethod: MergeMethod } | null;
}

export interface FakeIssue {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly user: string;
  readonly labels: readonly string[];
  readonly isPull: boolean;
}

export interface FakeComment {
  readonly id: number;
  readonly issueNumber: number;
  readonly user: string;
  readonly body: string;
  readonly reactions: readonly { readonly user: string; readonly content: string }[];
}

/** What a repository needs from the fake it lives in. */
export interface Hub {
  readonly site: Site;
  readonly botLogin: string;
  nextId(): number;
  ensureUser(login: string, type?: UserRecord["type"]): UserRecord;
  emit(event: FakeEvent): void;
}

export interface RepoOptions {
  readonly defaultBranch: string;
  readonly allowAutoMerge: boolean;
  readonly installationId: number;
}

export class Repo {
  readonly owner: string;
  readonly name: string;
  readonly id: number;
  readonly nodeId: string;
  readonly createdAt = now();
  pushedAt = now();
  defaultBranch: string;
  allowAutoMerge: boolean;
  allowMergeCommit = true;
  allowSquashMerge = true;
  allowRebaseMerge = true;
  readonly installationId: number;
  readonly items = new Map<number, IssueRecord>();
  readonly comments: CommentRecord[] = [];
  readonly labels: LabelRecord[] = [];
  readonly permissions = new Map<string, Permission>();
  readonly statuses = new Map<string, StatusRecord[]>();
  readonly statusCreators = new Map<number, string>();
  readonly checkRuns: CheckRunRecord[] = [];
  readonly checkSuites: CheckSuiteRecord[] = [];
  /** Commits GitHub made or signed: through the API by the app, merges, update-branch. */
  readonly verified = new Set<string>();
  /** For lazy mergeability: the base/head pair each PR's mergeable was last reported for. */
  readonly mergeableSeen = new Map<number, string>();
  #lastNumber = 0;
  /** Branch heads as last seen, to tell what moved. */
  #heads = new Map<string, string>();

  constructor(
    readonly hub: Hub,
    readonly fullName: string,
    readonly git: GitRepo,
    options: RepoOptions,
  ) {
    const [owner = "", name = ""] = fullName.split("/");
    this.owner = owner;
    this.name = name;
    this.id = hub.nextId();
    this.nodeId = nodeId("R", this.id);
    this.defaultBranch = options.defaultBranch;
    this.allowAutoMerge = options.allowAutoMerge;
    this.installationId = options.installationId;
  }

  get gitDir(): string {
    return this.git.gitDir;
  }

  info(): RepoInfo {
    return {
      id: this.id,
      nodeId: this.nodeId,
      owner: this.owner,
      name: this.name,
      fullName: this.fullName,
      defaultBranch: this.defaultBranch,
      allowAutoMerge: this.allowAutoMerge,
      allowMergeCommit: this.allowMergeCommit,
      allowSquashMerge: this.allowSquashMerge,
      allowRebaseMerge: this.allowRebaseMerge,
      createdAt: this.createdAt,
      pushedAt: this.pushedAt,
      openIssues: [...this.items.values()].filter((i) => i.state === "open").length,
    };
  }

  // ---- people ---------------------------------------------------------------------------------

  permissionOf(login: string): Permission {
    if (login === this.owner) return "admin";
    if (login === this.hub.botLogin) return "write";
    return this.permissions.get(login) ?? "none";
  }

  association(login: string): string {
    if (login === this.owner) return "OWNER";
    if (login === this.hub.botLogin) return "NONE";
    const permission = this.permissionOf(login);
    return permission === "none" || permission === "read" ? "NONE" : "COLLABORATOR";
  }

  person(login: string): GitPerson {
    const user = this.hub.ensureUser(login);
    return { name: login, email: `${user.id}+${login}@users.noreply.github.com`, date: now() };
  }

  /** The GitHub user a commit email belongs to (their noreply address), or null. */
  loginForEmail(email: string, users: ReadonlyMap<string, UserRecord>): string | null {
    const match = /^(\d+)\+(.+)@users\.noreply\.github\.com$/.exec(email);
    const user = match ? users.get(match[2] ?? "") : undefined;
    return user && String(user.id) === match?.[1] ? user.login : null;
  }

  /** What every webhook payload of this repository carries: repository, installation, sender. */
  envelope(by: string): Record<string, unknown> {
    return {
      repository: repoShape(this.hub.site, this.info()),
      installation: { id: this.installationId, node_id: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", this.installationId) },
      sender: userShape(this.hub.site, by),
    };
  }

  // ---- git, and what a moved branch means for pull requests ------------------------------------

  async branchHead(branch: string): Promise<string | null> {
    return this.git.ref(`refs/heads/${branch}`);
  }

  /**
   * After any ref change: open PRs follow their head (synchronize), a PR whose head branch is gone
   * is closed, pushes are announced, and auto-merge is given its chance.
   */
  async refsChanged(actor: string): Promise<void> {
    const heads = new Map<string, string>();
    for (const [ref, sha] of await this.git.refs("refs/heads/")) heads.set(ref.slice("refs/heads/".length), sha);
    for (const [branch, sha] of heads) {
      const before = this.#heads.get(branch);
      if (before === sha) continue;
      this.pushedAt = now();
      const commit = await this.git.readCommit(sha);
      const forced = before !== undefined && !(await this.git.isAncestor(before, sha));
      const head = commit
        ? {
            id: sha,
            tree_id: commit.tree,
            distinct: true,
            message: commit.message,
            timestamp: commit.committer.date,
            url: `${this.hub.site.html}/${this.fullName}/commit/${sha}`,
            author: { name: commit.author.name, email: commit.author.email },
            committer: { name: commit.committer.name, email: commit.committer.email },
            added: [],
            removed: [],
            modified: [],
          }
        : null;
      const actorUser = this.hub.ensureUser(actor);
      this.hub.emit({
        name: "push",
        action: undefined,
        repo: this.fullName,
        payload: {
          ref: `refs/heads/${branch}`,
          before: before ?? "0".repeat(40),
          after: sha,
          created: before === undefined,
          deleted: false,
          forced,
          base_ref: null,
          compare: `${this.hub.site.html}/${this.fullName}/compare/${(before ?? "0".repeat(40)).slice(0, 12)}...${sha.slice(0, 12)}`,
          commits: head ? [head] : [],
          head_commit: head,
          pusher: { name: actor, email: `${actorUser.id}+${actor}@users.noreply.github.com` },
          ...this.envelope(actor),
        },
      });
    }
    for (const [branch, sha] of this.#heads) {
      if (heads.has(branch)) continue;
      this.hub.emit({
        name: "push",
        action: undefined,
        repo: this.fullName,
        payload: {
          ref: `refs/heads/${branch}`,
          before: sha,
          after: "0".repeat(40),
          created: false,
          deleted: true,
          forced: false,
          base_ref: null,
          compare: `${this.hub.site.html}/${this.fullName}/compare/${sha.slice(0, 12)}...000000000000`,
          commits: [],
          head_commit: null,
          pusher: { name: actor, email: null },
          ...this.envelope(actor),
        },
      });
    }
    this.#heads = heads;
    for (const issue of this.items.values()) {
      const pull = issue.pull;
      if (!pull || issue.state !== "open") continue;
      const head = heads.get(pull.headRef);
      if (head === undefined) {
        this.#close(issue, actor);
        this.emitPull(issue, "closed", actor);
        continue;
      }
      if (head !== pull.headSha) {
        const before = pull.headSha;
        pull.headSha = head;
        issue.updatedAt = now();
        this.emitPull(issue, "synchronize", actor, { before, after: head });
      }
    }
    await this.runAutoMerge();
  }

  /** A commit by `author` on `branch` (created from the default branch when new) with these files changed (null deletes). */
  async push(branch: string, files: Record<string, string | null>, options: { message?: string; author?: string } = {}): Promise<string> {
    const author = options.author ?? "octocat";
    const ref = `refs/heads/${branch}`;
    const current = await this.git.ref(ref);
    const parent = current ?? (await this.branchHead(this.defaultBranch));
    const changes = [];
    for (const [path, content] of Object.entries(files)) {
      changes.push(
        content === null
          ? { path, mode: "100644", type: "blob" as const, sha: null }
          : { path, mode: "100644", type: "blob" as const, sha: await this.git.writeBlob(content) },
      );
    }
    const tree = await this.git.buildTree(parent ? await this.git.resolveTree(parent) : null, changes);
    const who = this.person(author);
    const sha = await this.git.commitTree(
      tree,
      parent ? [parent] : [],
      options.message ?? `Update ${Object.keys(files).join(", ")}`,
      who,
      who,
    );
    if (!(await this.git.updateRef(ref, sha, current))) throw new Error(`push to ${branch} raced with another update`);
    await this.refsChanged(author);
    return sha;
  }

  async readFile(ref: string, path: string): Promise<string | null> {
    const commit = await this.git.resolveCommit(ref);
    if (!commit) return null;
    const answer = await this.git.object(`${commit}:${path}`);
    return answer?.type === "blob" ? answer.content.toString("utf8") : null;
  }

  async branches(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [ref, sha] of await this.git.refs("refs/heads/")) out[ref.slice("refs/heads/".length)] = sha;
    return out;
  }

  // ---- issues and pulls -------------------------------------------------------------------------

  newIssue(user: string, title: string, body: string | null, pull?: PullRecord): IssueRecord {
    const id = this.hub.nextId();
    const issue: IssueRecord = {
      number: ++this.#lastNumber,
      id,
      nodeId: nodeId(pull ? "PR" : "I", id),
      title,
      body,
      user,
      state: "open",
      stateReason: null,
      labels: [],
      createdAt: now(),
      updatedAt: now(),
      closedAt: null,
      closedBy: null,
      pull,
    };
    this.items.set(issue.number, issue);
    return issue;
  }

  /** A new open pull request from `headRef` into `baseRef` by `user`, announced as `opened`. */
  openPull(
    user: string,
    title: string,
    body: string | null,
    at: { headRef: string; baseRef: string; headSha: string; baseSha: string; draft: boolean; maintainerCanModify: boolean },
  ): IssueRecord & { pull: PullRecord } {
    const pull: PullRecord = {
      ...at,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      autoMerge: null,
      reviews: [],
      requestedReviewers: [],
    };
    const issue = this.newIssue(user, title, body, pull) as IssueRecord & { pull: PullRecord };
    this.emitPull(issue, "opened", user);
    return issue;
  }

  issue(number: number): IssueRecord {
    const issue = this.items.get(number);
    if (!issue) throw new HttpError(404, "Not Found");
    return issue;
  }

  pull(number: number): IssueRecord & { pull: PullRecord } {
    const issue = this.items.get(number);
    if (!issue?.pull) throw new HttpError(404, "Not Found");
    return issue as IssueRecord & { pull: PullRecord };
  }

  pullByNodeId(id: string): (IssueRecord & { pull: PullRecord }) | undefined {
    for (const issue of this.items.values()) if (issue.pull && issue.nodeId === id) return issue as IssueRecord & { pull: PullRecord };
    return undefined;
  }

  #close(issue: IssueRecord, by: string): void {
    issue.state = "closed";
    issue.closedAt = now();
    issue.closedBy = by;
    issue.updatedAt = now();
    if (issue.pull) issue.pull.autoMerge = null;
  }

  closeIssue(issue: IssueRecord, by: string, reason: "completed" | "not_planned" = "completed"): void {
    if (issue.state === "closed") return;
    this.#close(issue, by);
    issue.stateReason = issue.pull ? null : reason;
    if (issue.pull) this.emitPull(issue, "closed", by);
    else
      this.hub.emit({
        name: "issues",
        action: "closed",
        repo: this.fullName,
        payload: { action: "closed", issue: this.issueJson(issue), ...this.envelope(by) },
      });
  }

  /** An issue (not a pull request) opened: the `issues` `opened` webhook. */
  openIssue(user: string, title: string, body: string | null, labels: readonly string[]): IssueRecord {
    const issue = this.newIssue(user, title, body);
    this.addLabels(issue, labels, user);
    this.hub.emit({
      name: "issues",
      action: "opened",
      repo: this.fullName,
      payload: { action: "opened", issue: this.issueJson(issue), ...this.envelope(user) },
    });
    return issue;
  }

  /** A title or body edited (by the app through the API, or by a person): `issues` `edited` with what it was, for an issue. */
  editIssue(issue: IssueRecord, by: string, edit: { readonly title?: string; readonly body?: string | null }): void {
    const changes: Record<string, { from: string }> = {};
    if (edit.title !== undefined && edit.title !== issue.title) {
      changes["title"] = { from: issue.title };
      issue.title = edit.title;
    }
    if (edit.body !== undefined && edit.body !== issue.body) {
      changes["body"] = { from: issue.body ?? "" };
      issue.body = edit.body;
    }
    if (Object.keys(changes).length === 0) return;
    issue.updatedAt = now();
    if (issue.pull) return;
    this.hub.emit({
      name: "issues",
      action: "edited",
      repo: this.fullName,
      payload: { action: "edited", issue: this.issueJson(issue), changes, ...this.envelope(by) },
    });
  }

  reopenIssue(issue: IssueRecord, by: string): void {
    if (issue.state === "open") return;
    if (issue.pull) {
      if (issue.pull.merged)
        throw new HttpError(422, "Validation Failed", [
          { resource: "PullRequest", code: "custom", message: "Cannot reopen a merged pull request" },
        ]);
      const head = this.git.refSync(`refs/heads/${issue.pull.headRef}`);
      if (!head)
        throw new HttpError(422, "Validation Failed", [
          { resource: "PullRequest", code: "custom", message: "state cannot be changed. The head branch was deleted." },
        ]);
      issue.pull.headSha = head;
    }
    issue.state = "open";
    issue.stateReason = issue.pull ? null : "reopened";
    issue.closedAt = null;
    issue.closedBy = null;
    issue.updatedAt = now();
    if (issue.pull) this.emitPull(issue, "reopened", by);
  }

  labelRecord(name: string): LabelRecord | undefined {
    return this.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  ensureLabel(name: string): LabelRecord {
    const found = this.labelRecord(name);
    if (found) return found;
    const id = this.hub.nextId();
    const label: LabelRecord = { id, nodeId: nodeId("LA", id), name, color: "ededed", description: null };
    this.labels.push(label);
    return label;
  }

  addLabels(issue: IssueRecord, names: readonly string[], by: string): void {
    for (const name of names) {
      const label = this.ensureLabel(name);
      if (issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) continue;
      issue.labels.push(label.name);
      issue.updatedAt = now();
      if (issue.pull)
        this.emitPull(issue, "labeled", by, {
          label: {
            id: label.id,
            node_id: label.nodeId,
            name: label.name,
            color: label.color,
            description: label.description,
            default: false,
            url: `${this.hub.site.api}/repos/${this.fullName}/labels/${encodeURIComponent(label.name)}`,
          },
        });
    }
  }

  removeLabel(issue: IssueRecord, name: string, by: string): boolean {
    const index = issue.labels.findIndex((l) => l.toLowerCase() === name.toLowerCase());
    if (index === -1) return false;
    const [removed = name] = issue.labels.splice(index, 1);
    issue.updatedAt = now();
    const label = this.labelRecord(removed);
    if (issue.pull)
      this.emitPull(
        issue,
        "unlabeled",
        by,
        label
          ? {
              label: {
                id: label.id,
                node_id: label.nodeId,
                name: label.name,
                color: label.color,
                description: label.description,
                default: false,
                url: `${this.hub.site.api}/repos/${this.fullName}/labels/${encodeURIComponent(label.name)}`,
              },
            }
          : {},
      );
    return true;
  }

  issueLabels(issue: IssueRecord): LabelRecord[] {
    return issue.labels.map((name) => this.ensureLabel(name));
  }

  newComment(issueNumber: number, user: string, body: string): CommentRecord {
    const id = this.hub.nextId();
    const comment: CommentRecord = {
      id,
      nodeId: nodeId("IC", id),
      issueNumber,
      user,
      body,
      createdAt: now(),
      updatedAt: now(),
      reactions: [],
    };
    this.comments.push(comment);
    const issue = this.issue(issueNumber);
    issue.updatedAt = now();
    this.hub.emit({
      name: "issue_comment",
      action: "created",
      repo: this.fullName,
      payload: {
        action: "created",
        issue: this.issueJson(issue),
        comment: commentShape(this.hub.site, this.info(), comment, issue.pull !== undefined, this.association(user)),
        ...this.envelope(user),
      },
    });
    return comment;
  }

  /** An issue as webhooks carry it: the REST shape and its reactions rollup (no reactions on issues here). */
  issueJson(issue: IssueRecord): Record<string, unknown> {
    const reactions = { url: `${this.hub.site.api}/repos/${this.fullName}/issues/${issue.number}/reactions`, total_count: 0 };
    return {
      ...this.#issueRest(issue),
      reactions: { ...reactions, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    };
  }

  #issueRest(issue: IssueRecord): Record<string, unknown> {
    return issueShape(
      this.hub.site,
      this.info(),
      issue,
      this.issueLabels(issue),
      this.comments.filter((c) => c.issueNumber === issue.number).length,
      this.association(issue.user),
    );
  }

  // ---- statuses and checks ----------------------------------------------------------------------

  /** The combined state of a commit's statuses (latest per context) and its check runs. */
  checksState(sha: string): "success" | "failure" | "pending" | "none" {
    const latest = new Map<string, StatusRecord>();
    for (const status of this.statuses.get(sha) ?? []) latest.set(status.context, status);
    const states: string[] = [...latest.values()].map((s) => (s.state === "error" ? "failure" : s.state));
    for (const run of this.checkRuns.filter((r) => r.headSha === sha)) {
      if (run.status !== "completed") states.push("pending");
      else
        states.push(run.conclusion === "success" || run.conclusion === "neutral" || run.conclusion === "skipped" ? "success" : "failure");
    }
    if (states.length === 0) return "none";
    if (states.includes("failure")) return "failure";
    if (states.includes("pending")) return "pending";
    return "success";
  }

  // ---- mergeability, merging ---------------------------------------------------------------------

  async mergeability(
    issue: IssueRecord & { pull: PullRecord },
  ): Promise<{ mergeable: boolean | null; state: string; tree: string | null; base: string | null }> {
    if (issue.state !== "open") return { mergeable: null, state: "unknown", tree: null, base: null };
    const base = await this.branchHead(issue.pull.baseRef);
    if (!base) return { mergeable: false, state: "dirty", tree: null, base: null };
    const tree = await this.git.mergeTree(base, issue.pull.headSha);
    if (!tree) return { mergeable: false, state: "dirty", tree: null, base };
    if (issue.pull.draft) return { mergeable: true, state: "draft", tree, base };
    const checks = this.checksState(issue.pull.headSha);
    return { mergeable: true, state: checks === "failure" || checks === "pending" ? "unstable" : "clean", tree, base };
  }

  methodAllowed(method: MergeMethod): boolean {
    return method === "merge" ? this.allowMergeCommit : method === "squash" ? this.allowSquashMerge : this.allowRebaseMerge;
  }

  /** Merges a PR into its base as GitHub does; returns the sha the base now points at. */
  async merge(
    issue: IssueRecord & { pull: PullRecord },
    by: string,
    options: { method?: MergeMethod; sha?: string; commitTitle?: string; commitMessage?: string } = {},
  ): Promise<string> {
    const pull = issue.pull;
    const method = options.method ?? "merge";
    if (issue.state !== "open") throw new HttpError(405, "Pull Request is not mergeable");
    if (pull.draft) throw new HttpError(405, "Pull Request is still a draft");
    if (!this.methodAllowed(method))
      throw new HttpError(
        405,
        `${method === "merge" ? "Merge commits" : method === "squash" ? "Squash merges" : "Rebase merges"} are not allowed on this repository.`,
      );
    if (options.sha !== undefined && options.sha !== pull.headSha)
      throw new HttpError(409, "Head branch was modified. Review and try the merge again.");
    const state = await this.mergeability(issue);
    if (!state.mergeable || !state.tree || !state.base) throw new HttpError(405, "Pull Request is not mergeable");
    const github: GitPerson = { name: "GitHub", email: "noreply@github.com", date: now() };
    const merger = this.person(by);
    let sha: string;
    if (method === "merge") {
      const title = options.commitTitle ?? `Merge pull request #${issue.number} from ${this.owner}/${pull.headRef}`;
      const message = options.commitMessage ?? issue.title;
      sha = await this.git.commitTree(state.tree, [state.base, pull.headSha], `${title}\n\n${message}`, merger, github);
    } else if (method === "squash") {
      const commits = await this.git.commitsBetween(state.base, pull.headSha);
      const messages = [];
      for (const c of commits) messages.push(`* ${(await this.git.readCommit(c))?.message.trim() ?? ""}`);
      const title = options.commitTitle ?? `${issue.title} (#${issue.number})`;
      const message = options.commitMessage ?? messages.join("\n\n");
      sha = await this.git.commitTree(
        state.tree,
        [state.base],
        message ? `${title}\n\n${message}` : title,
        this.person(issue.user),
        github,
      );
    } else {
      const commits = await this.git.commitsBetween(state.base, pull.headSha);
      const replayed = await this.git.replay(commits, state.base, github);
      if (!replayed) throw new HttpError(405, "This branch can't be rebased");
      sha = replayed;
    }
    if (!(await this.git.updateRef(`refs/heads/${pull.baseRef}`, sha, state.base)))
      throw new HttpError(409, "Base branch was modified. Review and try the merge again.");
    this.verified.add(sha);
    pull.merged = true;
    pull.mergedAt = now();
    pull.mergedBy = by;
    pull.mergeCommitSha = sha;
    pull.baseSha = state.base;
    pull.autoMerge = null;
    this.#close(issue, by);
    this.emitPull(issue, "closed", by);
    await this.refsChanged(by);
    return sha;
  }

  /** Native auto-merge: a PR with auto-merge enabled merges once it is mergeable and its checks succeeded. */
  async runAutoMerge(): Promise<void> {
    for (const issue of [...this.items.values()]) {
      const pull = issue.pull;
      if (!pull?.autoMerge || issue.state !== "open") continue;
      const state = await this.mergeability(issue as IssueRecord & { pull: PullRecord });
      if (state.state !== "clean") continue;
      const checks = this.checksState(pull.headSha);
      if (checks !== "success" && checks !== "none") continue;
      const { enabledBy, mergeMethod, commitTitle, commitMessage } = pull.autoMerge;
      await this.merge(issue as IssueRecord & { pull: PullRecord }, enabledBy, {
        method: mergeMethod,
        ...(commitTitle ? { commitTitle } : {}),
        ...(commitMessage ? { commitMessage } : {}),
      });
    }
  }

  /** A pull_request webhook; like GitHub's, its mergeable is not computed yet (null, "unknown"). */
  emitPull(issue: IssueRecord, action: string, by: string, extra: Record<string, unknown> = {}): void {
    if (!issue.pull) return;
    const payload = {
      action,
      number: issue.number,
      pull_request: pullShape(this.hub.site, this.info(), {
        issue,
        labels: this.issueLabels(issue),
        association: this.association(issue.user),
        comments: this.comments.filter((c) => c.issueNumber === issue.number).length,
        full: { mergeable: null, rebaseable: null, mergeableState: "unknown", commits: 0, additions: 0, deletions: 0, changedFiles: 0 },
      }),
      ...extra,
      ...this.envelope(by),
    };
    this.hub.emit({ name: "pull_request", action, repo: this.fullName, payload });
  }

  // ---- views for tests ----------------------------------------------------------------------------

  fakePulls(): FakePull[] {
    return [...this.items.values()]
      .filter((i): i is IssueRecord & { pull: PullRecord } => i.pull !== undefined)
      .map((i) => ({
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        merged: i.pull.merged,
        mergedBy: i.pull.mergedBy,
        mergeCommitSha: i.pull.mergeCommitSha,
        head: i.pull.headRef,
        base: i.pull.baseRef,
        headSha: i.pull.headSha,
        user: i.user,
        labels: [...i.labels],
        draft: i.pull.draft,
        autoMerge: i.pull.autoMerge ? { enabledBy: i.pull.autoMerge.enabledBy, mergeMethod: i.pull.autoMerge.mergeMethod } : null,
      }));
  }

  fakeIssues(): FakeIssue[] {
    return [...this.items.values()].map((i) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      user: i.user,
      labels: [...i.labels],
      isPull: i.pull !== undefined,
    }));
  }

  fakeComments(issueNumber: number): FakeComment[] {
    return this.comments
      .filter((c) => c.issueNumber === issueNumber)
      .map((c) => ({
        id: c.id,
        issueNumber: c.issueNumber,
        user: c.user,
        body: c.body,
        reactions: c.reactions.map((r) => ({ user: r.user, content: r.content })),
      }));
  }
}
