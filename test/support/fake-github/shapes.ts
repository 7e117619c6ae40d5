/**
 * The JSON GitHub answers, built from the fake's state. Every field the OpenAPI description
 * requires is here; the values that carry state come from the records, the rest are what GitHub
 * sends for a fresh private repository (URLs follow GitHub's own patterns).
 */
import type { GitCommitObject, GitPerson, GitTreeEntry, FileStat } from "./git.js";
import type {
  CheckRunRecord,
  CheckSuiteRecord,
  CommentRecord,
  IssueRecord,
  LabelRecord,
  Permission,
  ReactionRecord,
  ReviewRecord,
  StatusRecord,
  UserRecord,
} from "./state.js";

export interface Site {
  /** REST base, e.g. http://127.0.0.1:PORT or …/api/v3 */
  readonly api: string;
  /** web base, e.g. http://127.0.0.1:PORT */
  readonly html: string;
  readonly host: string;
  user(login: string): UserRecord;
}

export interface RepoInfo {
  readonly id: number;
  readonly nodeId: string;
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly defaultBranch: string;
  readonly allowAutoMerge: boolean;
  readonly allowMergeCommit: boolean;
  readonly allowSquashMerge: boolean;
  readonly allowRebaseMerge: boolean;
  readonly createdAt: string;
  readonly pushedAt: string;
  readonly openIssues: number;
}

export interface AppInfo {
  readonly id: number;
  readonly slug: string;
  readonly name: string;
  readonly nodeId: string;
  readonly owner: string;
  readonly createdAt: string;
  readonly permissions: Record<string, string>;
  readonly events: readonly string[];
}

type Obj = Record<string, unknown>;

export function userShape(site: Site, login: string): Obj {
  const user = site.user(login);
  const u = `${site.api}/users/${encodeURIComponent(login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: user.nodeId,
    avatar_url: `${site.html}/avatars/u/${user.id}?v=4`,
    gravatar_id: "",
    url: u,
    html_url: `${site.html}/${encodeURIComponent(login)}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function permissionsShape(permission: Permission): Obj {
  const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(permission);
  return { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 };
}

export function repoShape(site: Site, repo: RepoInfo, permission: Permission = "write"): Obj {
  const u = `${site.api}/repos/${repo.fullName}`;
  const html = `${site.html}/${repo.fullName}`;
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: repo.fullName,
    private: true,
    owner: userShape(site, repo.owner),
    html_url: html,
    description: null,
    fork: false,
    url: u,
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    commits_url: `${u}/commits{/sha}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contents_url: `${u}/contents/{+path}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_url: `git://${site.host}/${repo.fullName}.git`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    ssh_url: `git@${site.host}:${repo.fullName}.git`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    trees_url: `${u}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${u}/hooks`,
    svn_url: html,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: repo.defaultBranch,
    open_issues: repo.openIssues,
    open_issues_count: repo.openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: "private",
    pushed_at: repo.pushedAt,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    permissions: permissionsShape(permission),
    allow_rebase_merge: repo.allowRebaseMerge,
    allow_squash_merge: repo.allowSquashMerge,
    allow_merge_commit: repo.allowMergeCommit,
    allow_auto_merge: repo.allowAutoMerge,
    delete_branch_on_merge: false,
    allow_update_branch: true,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    squash_merge_commit_message: "COMMIT_MESSAGES",
    merge_commit_title: "MERGE_MESSAGE",
    merge_commit_message: "PR_TITLE",
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
    network_count: 0,
    subscribers_count: 0,
  };
}

export function appShape(site: Site, app: AppInfo): Obj {
  return {
    id: app.id,
    slug: app.slug,
    client_id: `Iv1.${app.id.toString(16).padStart(16, "0")}`,
    node_id: app.nodeId,
    owner: userShape(site, app.owner),
    name: app.name,
    description: "",
    external_url: `${site.html}/apps/${app.slug}`,
    html_url: `${site.html}/apps/${app.slug}`,
    created_at: app.createdAt,
    updated_at: app.createdAt,
    permissions: app.permissions,
    events: [...app.events],
  };
}

export function installationShape(site: Site, app: AppInfo, installation: { id: number; account: string; createdAt: string }): Obj {
  const account = site.user(installation.account);
  return {
    id: installation.id,
    account: userShape(site, installation.account),
    repository_selection: "selected",
    access_tokens_url: `${site.api}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${site.api}/installation/repositories`,
    html_url: `${site.html}/organizations/${installation.account}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: app.permissions,
    events: [...app.events],
    created_at: installation.createdAt,
    updated_at: installation.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

export function labelShape(site: Site, repo: RepoInfo, label: LabelRecord): Obj {
  return {
    id: label.id,
    node_id: label.nodeId,
    url: `${site.api}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

export function refShape(site: Site, repo: RepoInfo, ref: string, sha: string): Obj {
  return {
    ref,
    node_id: `REF_${Buffer.from(`${repo.fullName}:${ref}`).toString("base64url")}`,
    url: `${site.api}/repos/${repo.fullName}/git/${ref}`,
    object: { type: "commit", sha, url: `${site.api}/repos/${repo.fullName}/git/commits/${sha}` },
  };
}

function verificationShape(verified: boolean, commit: GitCommitObject): Obj {
  return verified
    ? { verified: true, reason: "valid", signature: null, payload: null, verified_at: commit.committer.date }
    : { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };
}

function person(p: GitPerson): Obj {
  return { name: p.name, email: p.email, date: p.date };
}

export function gitCommitShape(site: Site, repo: RepoInfo, commit: GitCommitObject, verified: boolean): Obj {
  const u = `${site.api}/repos/${repo.fullName}`;
  return {
    sha: commit.sha,
    node_id: `C_${Buffer.from(`${repo.fullName}:${commit.sha}`).toString("base64url")}`,
    url: `${u}/git/commits/${commit.sha}`,
    html_url: `${site.html}/${repo.fullName}/commit/${commit.sha}`,
    author: person(commit.author),
    committer: person(commit.committer),
    tree: { sha: commit.tree, url: `${u}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${u}/git/commits/${sha}`,
      html_url: `${site.html}/${repo.fullName}/commit/${sha}`,
    })),
    verification: verificationShape(verified, commit),
  };
}

export function diffEntryShape(site: Site, repo: RepoInfo, commitish: string, file: FileStat): Obj {
  const path = file.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${site.html}/${repo.fullName}/blob/${commitish}/${path}`,
    raw_url: `${site.html}/${repo.fullName}/raw/${commitish}/${path}`,
    contents_url: `${site.api}/repos/${repo.fullName}/contents/${path}?ref=${commitish}`,
    ...(file.patch === undefined ? {} : { patch: file.patch }),
  };
}

/** GET /commits/{ref}'s commit: the git commit plus GitHub users matched by email, stats, files. */
export function commitShape(
  site: Site,
  repo: RepoInfo,
  commit: GitCommitObject,
  verified: boolean,
  users: { author: string | null; committer: string | null },
  files: readonly FileStat[] | undefined,
): Obj {
  const u = `${site.api}/repos/${repo.fullName}`;
  const out: Obj = {
    url: `${u}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: `C_${Buffer.from(`${repo.fullName}:${commit.sha}`).toString("base64url")}`,
    html_url: `${site.html}/${repo.fullName}/commit/${commit.sha}`,
    comments_url: `${u}/commits/${commit.sha}/comments`,
    commit: {
      url: `${u}/git/commits/${commit.sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message.replace(/\n$/, ""),
      comment_count: 0,
      tree: { sha: commit.tree, url: `${u}/git/trees/${commit.tree}` },
      verification: verificationShape(verified, commit),
    },
    author: users.author ? userShape(site, users.author) : null,
    committer: users.committer ? userShape(site, users.committer) : null,
    parents: commit.parents.map((sha) => ({ sha, url: `${u}/commits/${sha}`, html_url: `${site.html}/${repo.fullName}/commit/${sha}` })),
  };
  if (files) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    out["stats"] = { additions, deletions, total: additions + deletions };
    out["files"] = files.map((f) => diffEntryShape(site, repo, commit.sha, f));
  }
  return out;
}

export function treeShape(site: Site, repo: RepoInfo, sha: string, entries: readonly GitTreeEntry[]): Obj {
  const u = `${site.api}/repos/${repo.fullName}/git`;
  return {
    sha,
    url: `${u}/trees/${sha}`,
    tree: entries.map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.size === undefined ? {} : { size: e.size }),
      url: `${u}/${e.type === "tree" ? "trees" : e.type === "blob" ? "blobs" : "commits"}/${e.sha}`,
    })),
    truncated: false,
  };
}

/** Base64 wrapped at 60 columns with a trailing newline, as the contents and blobs APIs send it. */
export function base64Lines(content: Buffer): string {
  const b64 = content.toString("base64");
  return b64.length === 0 ? "" : `${b64.match(/.{1,60}/g)?.join("\n") ?? ""}\n`;
}

export function contentEntryShape(
  site: Site,
  repo: RepoInfo,
  ref: string,
  entry: { path: string; sha: string; type: "file" | "dir" | "submodule" | "symlink"; size: number },
  content?: Buffer,
): Obj {
  const path = entry.path.split("/").map(encodeURIComponent).join("/");
  const self = `${site.api}/repos/${repo.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${site.api}/repos/${repo.fullName}/git/${entry.type === "dir" ? "trees" : "blobs"}/${entry.sha}`;
  const html = `${site.html}/${repo.fullName}/${entry.type === "dir" ? "tree" : "blob"}/${ref}/${path}`;
  return {
    type: entry.type,
    ...(content === undefined ? {} : { encoding: "base64", content: base64Lines(content) }),
    size: entry.size,
    name: entry.path.split("/").pop() ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: git,
    html_url: html,
    download_url: entry.type === "file" ? `${site.html}/raw/${repo.fullName}/${ref}/${path}` : null,
    _links: { self, git, html },
  };
}

export function issueShape(
  site: Site,
  repo: RepoInfo,
  issue: IssueRecord,
  labels: readonly LabelRecord[],
  comments: number,
  association: string,
): Obj {
  const u = `${site.api}/repos/${repo.fullName}`;
  const html = `${site.html}/${repo.fullName}/${issue.pull ? "pull" : "issues"}/${issue.number}`;
  return {
    id: issue.id,
    node_id: issue.nodeId,
    url: `${u}/issues/${issue.number}`,
    repository_url: u,
    labels_url: `${u}/issues/${issue.number}/labels{/name}`,
    comments_url: `${u}/issues/${issue.number}/comments`,
    events_url: `${u}/issues/${issue.number}/events`,
    html_url: html,
    number: issue.number,
    state: issue.state,
    state_reason: issue.stateReason,
    title: issue.title,
    body: issue.body,
    user: userShape(site, issue.user),
    labels: labels.map((l) => labelShape(site, repo, l)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments,
    ...(issue.pull
      ? {
          pull_request: {
            url: `${u}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: issue.pull.mergedAt,
          },
          draft: issue.pull.draft,
        }
      : {}),
    closed_at: issue.closedAt,
    closed_by: issue.closedBy ? userShape(site, issue.closedBy) : null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    author_association: association,
    timeline_url: `${u}/issues/${issue.number}/timeline`,
  };
}

function reactionsSummary(url: string, reactions: readonly ReactionRecord[]): Obj {
  const count = (content: string): number => reactions.filter((r) => r.content === content).length;
  return {
    url: `${url}/reactions`,
    total_count: reactions.length,
    "+1": count("+1"),
    "-1": count("-1"),
    laugh: count("laugh"),
    confused: count("confused"),
    heart: count("heart"),
    hooray: count("hooray"),
    eyes: count("eyes"),
    rocket: count("rocket"),
  };
}

export function commentShape(site: Site, repo: RepoInfo, comment: CommentRecord, isPull: boolean, association: string): Obj {
  const url = `${site.api}/repos/${repo.fullName}/issues/comments/${comment.id}`;
  return {
    id: comment.id,
    node_id: comment.nodeId,
    url,
    html_url: `${site.html}/${repo.fullName}/${isPull ? "pull" : "issues"}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userShape(site, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${site.api}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
    author_association: association,
    reactions: reactionsSummary(url, comment.reactions),
  };
}

export function reactionShape(site: Site, reaction: ReactionRecord): Obj {
  return {
    id: reaction.id,
    node_id: reaction.nodeId,
    user: userShape(site, reaction.user),
    content: reaction.content,
    created_at: reaction.createdAt,
  };
}

export interface PullFacts {
  readonly issue: IssueRecord;
  readonly labels: readonly LabelRecord[];
  readonly association: string;
  readonly comments: number;
  /** Only for the full pull-request shape. */
  readonly full?: {
    readonly mergeable: boolean | null;
    readonly rebaseable: boolean | null;
    readonly mergeableState: string;
    readonly commits: number;
    readonly additions: number;
    readonly deletions: number;
    readonly changedFiles: number;
  };
}

export function pullShape(site: Site, repo: RepoInfo, facts: PullFacts): Obj {
  const { issue } = facts;
  const pull = issue.pull;
  if (!pull) throw new Error(`#${issue.number} is not a pull request`);
  const u = `${site.api}/repos/${repo.fullName}`;
  const html = `${site.html}/${repo.fullName}/pull/${issue.number}`;
  const self = `${u}/pulls/${issue.number}`;
  const side = (ref: string, sha: string): Obj => ({
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userShape(site, repo.owner),
    repo: repoShape(site, repo),
  });
  const out: Obj = {
    url: self,
    id: issue.id,
    node_id: issue.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${u}/issues/${issue.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${u}/pulls/comments{/number}`,
    comments_url: `${u}/issues/${issue.number}/comments`,
    statuses_url: `${u}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userShape(site, issue.user),
    body: issue.body,
    labels: facts.labels.map((l) => labelShape(site, repo, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: pull.requestedReviewers.map((login) => userShape(site, login)),
    requested_teams: [],
    head: side(pull.headRef, pull.headSha),
    base: side(pull.baseRef, pull.baseSha),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${u}/issues/${issue.number}` },
      comments: { href: `${u}/issues/${issue.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${u}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${u}/statuses/${pull.headSha}` },
    },
    author_association: facts.association,
    auto_merge: pull.autoMerge
      ? {
          enabled_by: userShape(site, pull.autoMerge.enabledBy),
          merge_method: pull.autoMerge.mergeMethod,
          commit_title: pull.autoMerge.commitTitle,
          commit_message: pull.autoMerge.commitMessage,
        }
      : null,
    draft: pull.draft,
  };
  if (facts.full) {
    Object.assign(out, {
      merged: pull.merged,
      mergeable: facts.full.mergeable,
      rebaseable: facts.full.rebaseable,
      mergeable_state: facts.full.mergeableState,
      merged_by: pull.mergedBy ? userShape(site, pull.mergedBy) : null,
      comments: facts.comments,
      review_comments: 0,
      maintainer_can_modify: pull.maintainerCanModify,
      commits: facts.full.commits,
      additions: facts.full.additions,
      deletions: facts.full.deletions,
      changed_files: facts.full.changedFiles,
    });
  }
  return out;
}

export function reviewShape(site: Site, repo: RepoInfo, number: number, review: ReviewRecord, association: string): Obj {
  const html = `${site.html}/${repo.fullName}/pull/${number}#pullrequestreview-${review.id}`;
  const pr = `${site.api}/repos/${repo.fullName}/pulls/${number}`;
  return {
    id: review.id,
    node_id: review.nodeId,
    user: userShape(site, review.user),
    body: review.body,
    state: review.state,
    html_url: html,
    pull_request_url: pr,
    _links: { html: { href: html }, pull_request: { href: pr } },
    submitted_at: review.submittedAt,
    commit_id: review.commitId,
    author_association: association,
  };
}

export function statusShape(site: Site, repo: RepoInfo, sha: string, status: StatusRecord, creator: string): Obj {
  return {
    id: status.id,
    node_id: status.nodeId,
    url: `${site.api}/repos/${repo.fullName}/statuses/${sha}`,
    avatar_url: `${site.html}/avatars/u/${site.user(creator).id}?v=4`,
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
  };
}

export function checkRunShape(site: Site, repo: RepoInfo, run: CheckRunRecord, ciApp: Obj, pulls: readonly Obj[]): Obj {
  const url = `${site.api}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: run.nodeId,
    external_id: "",
    url,
    html_url: `${site.html}/${repo.fullName}/runs/${run.id}`,
    details_url: `${site.html}/${repo.fullName}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: `${url}/annotations` },
    name: run.name,
    check_suite: { id: run.suiteId },
    app: ciApp,
    pull_requests: pulls,
  };
}

export function checkSuiteShape(
  site: Site,
  repo: RepoInfo,
  suite: CheckSuiteRecord,
  runs: readonly CheckRunRecord[],
  ciApp: Obj,
  commit: GitCommitObject,
  pulls: readonly Obj[],
): Obj {
  const completed = runs.length > 0 && runs.every((r) => r.status === "completed");
  const conclusions = runs.map((r) => r.conclusion);
  const conclusion = !completed
    ? null
    : conclusions.some((c) => c === "failure" || c === "timed_out" || c === "cancelled" || c === "action_required")
      ? "failure"
      : conclusions.every((c) => c === "skipped" || c === "neutral")
        ? "neutral"
        : "success";
  return {
    id: suite.id,
    node_id: suite.nodeId,
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: runs.length === 0 ? "queued" : completed ? "completed" : "in_progress",
    conclusion,
    url: `${site.api}/repos/${repo.fullName}/check-suites/${suite.id}`,
    before: commit.parents[0] ?? "0".repeat(40),
    after: suite.headSha,
    pull_requests: pulls,
    app: ciApp,
    repository: repoShape(site, repo),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    head_commit: {
      id: commit.sha,
      tree_id: commit.tree,
      message: commit.message.replace(/\n$/, ""),
      timestamp: commit.committer.date,
      author: { name: commit.author.name, email: commit.author.email },
      committer: { name: commit.committer.name, email: commit.committer.email },
    },
    latest_check_runs_count: runs.length,
    check_runs_url: `${site.api}/repos/${repo.fullName}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}
