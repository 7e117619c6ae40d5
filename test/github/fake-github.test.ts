/**
 * The fake GitHub, through the real Octokit (Probot's) over real HTTP: each served route's happy
 * path and GitHub's refusals, git state checked with the git CLI, conditional requests, injected
 * failures, GraphQL auto-merge, and the OpenAPI checks that make a wrong request fail a test.
 */
import { execFileSync } from "node:child_process";
import { graphql } from "@octokit/graphql";
import { verify } from "@octokit/webhooks-methods";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signedWebhook, startFakeGitHub, type FakeGitHub, type FakeRepo } from "../support/fake-github/index.js";

type Octokit = InstanceType<typeof ProbotOctokit>;

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
/**
 * Retries in milliseconds instead of seconds, and no throttling (plugin-throttling spaces writes a
 * second apart), so the suite stays fast; the rate-limit test uses Probot's throttling as it is.
 */
const fast = { retry: { retryAfterBaseValue: 5 }, throttle: { enabled: false } };

let fake: FakeGitHub;
let repoCount = 0;

function appClient(): Octokit {
  return new ProbotOctokit({ auth: { appId: fake.appId, privateKey: fake.privateKey }, baseUrl: fake.url, log: quiet, ...fast });
}

function installationClient(installationId: number, options: { retry?: boolean; throttle?: boolean } = {}): Octokit {
  return new ProbotOctokit({
    auth: { appId: fake.appId, privateKey: fake.privateKey, installationId },
    baseUrl: fake.url,
    log: quiet,
    ...fast,
    ...(options.throttle ? { throttle: { enabled: true, retryAfterBaseValue: 5 } } : {}),
    ...(options.retry === false ? { retry: { enabled: false }, throttle: { enabled: false } } : {}),
  });
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8" }).trim();
}

interface Fixture {
  readonly repo: FakeRepo;
  readonly owner: string;
  readonly name: string;
  readonly octokit: Octokit;
  readonly installationId: number;
  readonly r: { owner: string; repo: string };
}

const VALUES = "image:\n  repository: nginx\n  tag: 1.0.0\n";

async function newRepo(options: { files?: Record<string, string>; allowAutoMerge?: boolean; owner?: string } = {}): Promise<Fixture> {
  const owner = options.owner ?? "acme";
  const name = `repo-${++repoCount}`;
  const repo = await fake.createRepo(`${owner}/${name}`, {
    files: options.files ?? { "apps/values.yaml": VALUES, "README.md": "hello\n" },
    ...(options.allowAutoMerge === undefined ? {} : { allowAutoMerge: options.allowAutoMerge }),
  });
  const { data } = await appClient().rest.apps.getRepoInstallation({ owner, repo: name });
  return { repo, owner, name, octokit: installationClient(data.id), installationId: data.id, r: { owner, repo: name } };
}

/** A branch with one commit changing `path`, made as the app would: blobs/trees/commits/refs. */
async function appCommit(
  f: Fixture,
  branch: string,
  files: Record<string, string | null>,
  options: { from?: string; create?: boolean } = {},
): Promise<string> {
  const base = options.from ?? (await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" })).data.object.sha;
  const { data: parent } = await f.octokit.rest.git.getCommit({ ...f.r, commit_sha: base });
  const { data: tree } = await f.octokit.rest.git.createTree({
    ...f.r,
    base_tree: parent.tree.sha,
    tree: Object.entries(files).map(([path, content]) =>
      content === null
        ? { path, mode: "100644" as const, type: "blob" as const, sha: null }
        : { path, mode: "100644" as const, type: "blob" as const, content },
    ),
  });
  const { data: commit } = await f.octokit.rest.git.createCommit({
    ...f.r,
    message: `Update ${Object.keys(files).join(", ")}`,
    tree: tree.sha,
    parents: [base],
  });
  if (options.create !== false) await f.octokit.rest.git.createRef({ ...f.r, ref: `refs/heads/${branch}`, sha: commit.sha });
  return commit.sha;
}

async function openPr(
  f: Fixture,
  branch: string,
  files: Record<string, string | null> = { "apps/values.yaml": VALUES.replace("1.0.0", "1.1.0") },
): Promise<number> {
  await appCommit(f, branch, files);
  const { data } = await f.octokit.rest.pulls.create({
    ...f.r,
    title: `Update ${branch}`,
    head: branch,
    base: "main",
    body: "<!-- argocd-image-pr -->",
  });
  return data.number;
}

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

describe("app authentication", () => {
  it("serves the app, its installations and installation tokens to a JWT signed with the app's key", async () => {
    const f = await newRepo();
    const app = appClient();
    const { data } = await app.rest.apps.getAuthenticated();
    expect(data?.id).toBe(fake.appId);
    expect(data?.slug).toBe(fake.appSlug);
    const { data: installations } = await app.rest.apps.listInstallations();
    expect(installations.map((i) => i.id)).toContain(f.installationId);
    const { data: token } = await app.rest.apps.createInstallationAccessToken({ installation_id: f.installationId });
    expect(token.token).toMatch(/^ghs_/);
    const byToken = new ProbotOctokit({ auth: { token: token.token }, baseUrl: fake.url, log: quiet });
    expect((await byToken.rest.repos.get(f.r)).data.full_name).toBe(`${f.owner}/${f.name}`);
  });

  it("answers 401 to a token it did not issue and to a JWT signed with another key", async () => {
    const f = await newRepo();
    const bad = new ProbotOctokit({ auth: { token: "ghs_notatoken" }, baseUrl: fake.url, log: quiet, retry: { enabled: false } });
    await expect(bad.rest.repos.get(f.r)).rejects.toMatchObject({ status: 401 });
    const { generateKeyPairSync } = await import("node:crypto");
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    const forged = new ProbotOctokit({
      auth: { appId: fake.appId, privateKey: other },
      baseUrl: fake.url,
      log: quiet,
      retry: { enabled: false },
    });
    await expect(forged.rest.apps.getAuthenticated()).rejects.toMatchObject({ status: 401 });
    expect(fake.requests.filter((r) => r.status === 401)).toHaveLength(2);
  });

  it("scopes a token to its installation's repositories (others are 404) and lists them with Link pagination", async () => {
    const a = await newRepo({ owner: "team-a" });
    await newRepo({ owner: "team-a" });
    await newRepo({ owner: "team-a" });
    const b = await newRepo({ owner: "team-b" });
    expect(a.installationId).not.toBe(b.installationId);
    await expect(a.octokit.rest.repos.get(b.r)).rejects.toMatchObject({ status: 404 });
    const first = await a.octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 2 });
    expect(first.data.total_count).toBe(3);
    expect(first.headers.link).toMatch(/rel="next"/);
    const all = await a.octokit.paginate(a.octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 2 });
    expect(all.map((r) => r.full_name).sort()).toEqual(["team-a/repo-3", "team-a/repo-4", "team-a/repo-5"].sort());
    // A token limited to one repository sees only that one.
    const { data: limited } = await appClient().rest.apps.createInstallationAccessToken({
      installation_id: a.installationId,
      repositories: [a.name],
    });
    const one = new ProbotOctokit({ auth: { token: limited.token }, baseUrl: fake.url, log: quiet, retry: { enabled: false } });
    await expect(one.rest.repos.get({ owner: "team-a", repo: "repo-4" })).rejects.toMatchObject({ status: 404 });
    expect((await one.rest.repos.get(a.r)).status).toBe(200);
  });
});

describe("repository and git data", () => {
  it("reports the repository's settings", async () => {
    const f = await newRepo({ allowAutoMerge: true });
    const { data } = await f.octokit.rest.repos.get(f.r);
    expect(data).toMatchObject({
      default_branch: "main",
      allow_auto_merge: true,
      allow_merge_commit: true,
      allow_squash_merge: true,
      allow_rebase_merge: true,
      private: true,
    });
    expect(data.node_id).toMatch(/^R_/);
  });

  it("writes blobs, trees (with deletions) and commits the git CLI sees, verified because the app made them", async () => {
    const f = await newRepo({ files: { "a.txt": "a\n", "dir/b.txt": "b\n", "dir/c.txt": "c\n" } });
    const { data: ref } = await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" });
    const { data: blob } = await f.octokit.rest.git.createBlob({
      ...f.r,
      content: Buffer.from("new\n").toString("base64"),
      encoding: "base64",
    });
    expect(git(f.repo.gitDir, "cat-file", "blob", blob.sha)).toBe("new");
    const { data: base } = await f.octokit.rest.git.getCommit({ ...f.r, commit_sha: ref.object.sha });
    expect(base.verification.verified).toBe(false);
    const { data: tree } = await f.octokit.rest.git.createTree({
      ...f.r,
      base_tree: base.tree.sha,
      tree: [
        { path: "dir/new.txt", mode: "100644", type: "blob", sha: blob.sha },
        { path: "dir/b.txt", mode: "100644", type: "blob", sha: null },
      ],
    });
    expect(git(f.repo.gitDir, "ls-tree", "-r", "--name-only", tree.sha).split("\n")).toEqual(["a.txt", "dir/c.txt", "dir/new.txt"]);
    const { data: commit } = await f.octokit.rest.git.createCommit({
      ...f.r,
      message: "chore: add new\n\nbody",
      tree: tree.sha,
      parents: [ref.object.sha],
    });
    expect(commit.verification).toMatchObject({ verified: true, reason: "valid" });
    expect(commit.author.name).toBe(fake.botLogin);
    expect(git(f.repo.gitDir, "log", "-1", "--format=%P%n%B", commit.sha)).toBe(`${ref.object.sha}\nchore: add new\n\nbody`);
    const { data: again } = await f.octokit.rest.git.getCommit({ ...f.r, commit_sha: commit.sha });
    expect(again).toMatchObject({ sha: commit.sha, message: "chore: add new\n\nbody", verification: { verified: true } });
    const { data: recursive } = await f.octokit.rest.git.getTree({ ...f.r, tree_sha: tree.sha, recursive: "1" });
    expect(recursive.tree.map((e) => `${e.type} ${e.path}`)).toEqual(["blob a.txt", "tree dir", "blob dir/c.txt", "blob dir/new.txt"]);
    const { data: flat } = await f.octokit.rest.git.getTree({ ...f.r, tree_sha: tree.sha });
    expect(flat.tree.map((e) => e.path)).toEqual(["a.txt", "dir"]);
    const { data: got } = await f.octokit.rest.git.getBlob({ ...f.r, file_sha: blob.sha });
    expect(Buffer.from(got.content, "base64").toString()).toBe("new\n");
    await expect(f.octokit.rest.git.getBlob({ ...f.r, file_sha: "0".repeat(40) })).rejects.toMatchObject({ status: 404 });
    await expect(f.octokit.rest.git.getCommit({ ...f.r, commit_sha: "1".repeat(40) })).rejects.toMatchObject({ status: 404 });
  });

  it("creates, fast-forwards, force-moves and deletes refs, refusing what GitHub refuses", async () => {
    const f = await newRepo();
    const main = (await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" })).data.object.sha;
    const one = await appCommit(f, "topic", { "x.txt": "1\n" });
    await expect(f.octokit.rest.git.createRef({ ...f.r, ref: "refs/heads/topic", sha: main })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Reference already exists" } },
    });
    const two = await appCommit(f, "topic", { "x.txt": "2\n" }, { from: one, create: false });
    await f.octokit.rest.git.updateRef({ ...f.r, ref: "heads/topic", sha: two });
    expect(git(f.repo.gitDir, "rev-parse", "refs/heads/topic")).toBe(two);
    // Not a fast-forward: refused without force — the compare-and-swap the app relies on.
    const sideways = await appCommit(f, "topic", { "x.txt": "other\n" }, { from: main, create: false });
    await expect(f.octokit.rest.git.updateRef({ ...f.r, ref: "heads/topic", sha: sideways })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Update is not a fast forward" } },
    });
    expect(git(f.repo.gitDir, "rev-parse", "refs/heads/topic")).toBe(two);
    await f.octokit.rest.git.updateRef({ ...f.r, ref: "heads/topic", sha: sideways, force: true });
    expect(git(f.repo.gitDir, "rev-parse", "refs/heads/topic")).toBe(sideways);
    const { data: matching } = await f.octokit.rest.git.listMatchingRefs({ ...f.r, ref: "heads/to" });
    expect(matching.map((r) => r.ref)).toEqual(["refs/heads/topic"]);
    expect((await f.octokit.rest.git.listMatchingRefs({ ...f.r, ref: "heads/nothing" })).data).toEqual([]);
    await f.octokit.rest.git.deleteRef({ ...f.r, ref: "heads/topic" });
    expect(Object.keys(await f.repo.branches())).toEqual(["main"]);
    await expect(f.octokit.rest.git.getRef({ ...f.r, ref: "heads/topic" })).rejects.toMatchObject({ status: 404 });
    await expect(f.octokit.rest.git.deleteRef({ ...f.r, ref: "heads/topic" })).rejects.toMatchObject({ status: 422 });
    await expect(f.octokit.rest.git.updateRef({ ...f.r, ref: "heads/topic", sha: main })).rejects.toMatchObject({ status: 422 });
    await expect(f.octokit.rest.git.createRef({ ...f.r, ref: "refs/heads/x", sha: "2".repeat(40) })).rejects.toMatchObject({ status: 422 });
  });

  it("answers commits, compare and contents from git", async () => {
    const f = await newRepo();
    const main = (await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" })).data.object.sha;
    const head = await appCommit(f, "topic", { "apps/values.yaml": VALUES.replace("1.0.0", "1.2.0") });
    const { data: commit } = await f.octokit.rest.repos.getCommit({ ...f.r, ref: "topic" });
    expect(commit.sha).toBe(head);
    expect(commit.files?.map((x) => [x.filename, x.status, x.additions, x.deletions])).toEqual([["apps/values.yaml", "modified", 1, 1]]);
    expect(commit.files?.[0]?.patch).toContain("-  tag: 1.0.0\n+  tag: 1.2.0");
    const { data: compare } = await f.octokit.rest.repos.compareCommitsWithBasehead({ ...f.r, basehead: `main...topic` });
    expect(compare).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0, total_commits: 1, merge_base_commit: { sha: main } });
    const moved = await f.repo.push("main", { "README.md": "changed\n" });
    const { data: diverged } = await f.octokit.rest.repos.compareCommitsWithBasehead({ ...f.r, basehead: `main...topic` });
    expect(diverged).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1, base_commit: { sha: moved } });
    const { data: file } = await f.octokit.rest.repos.getContent({ ...f.r, path: "apps/values.yaml", ref: "topic" });
    expect(!Array.isArray(file) && file.type === "file" ? Buffer.from(file.content, "base64").toString() : null).toBe(
      VALUES.replace("1.0.0", "1.2.0"),
    );
    const { data: dir } = await f.octokit.rest.repos.getContent({ ...f.r, path: "apps" });
    expect(Array.isArray(dir) ? dir.map((e) => [e.type, e.path]) : null).toEqual([["file", "apps/values.yaml"]]);
    await expect(f.octokit.rest.repos.getContent({ ...f.r, path: "missing.yaml" })).rejects.toMatchObject({ status: 404 });
  });
});

describe("pull requests", () => {
  it("opens, lists, filters, pages and edits PRs, refusing a duplicate and an empty one", async () => {
    const f = await newRepo();
    const one = await openPr(f, "argocd-image-pr/a");
    const two = await openPr(f, "argocd-image-pr/b");
    const three = await openPr(f, "argocd-image-pr/c");
    await expect(f.octokit.rest.pulls.create({ ...f.r, title: "again", head: "argocd-image-pr/a", base: "main" })).rejects.toMatchObject({
      status: 422,
    });
    const main = (await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" })).data.object.sha;
    await f.octokit.rest.git.createRef({ ...f.r, ref: "refs/heads/empty", sha: main });
    await expect(f.octokit.rest.pulls.create({ ...f.r, title: "empty", head: "empty", base: "main" })).rejects.toMatchObject({
      status: 422,
    });
    const page = await f.octokit.rest.pulls.list({ ...f.r, per_page: 2 });
    expect(page.data.map((p) => p.number)).toEqual([three, two]);
    expect(page.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await f.octokit.paginate(f.octokit.rest.pulls.list, { ...f.r, per_page: 1 });
    expect(all.map((p) => p.number)).toEqual([three, two, one]);
    const byHead = await f.octokit.rest.pulls.list({ ...f.r, head: `${f.owner}:argocd-image-pr/b`, state: "all" });
    expect(byHead.data.map((p) => p.number)).toEqual([two]);
    expect((await f.octokit.rest.pulls.list({ ...f.r, base: "other" })).data).toEqual([]);
    const { data: edited } = await f.octokit.rest.pulls.update({ ...f.r, pull_number: two, title: "New title", body: "New body" });
    expect(edited).toMatchObject({ title: "New title", body: "New body", state: "open" });
    await f.octokit.rest.pulls.update({ ...f.r, pull_number: two, state: "closed" });
    expect((await f.octokit.rest.pulls.list({ ...f.r, state: "closed" })).data.map((p) => p.number)).toEqual([two]);
    expect(f.repo.pulls().find((p) => p.number === two)).toMatchObject({ state: "closed", merged: false, title: "New title" });
    const { data: commits } = await f.octokit.rest.pulls.listCommits({ ...f.r, pull_number: one });
    expect(commits).toHaveLength(1);
    expect(commits[0]?.commit.verification?.verified).toBe(true);
  });

  it("computes mergeable from git: clean, dirty on a conflict, unstable with a failing status", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/x");
    let { data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n });
    expect([pr.mergeable, pr.mergeable_state, pr.commits, pr.changed_files, pr.additions, pr.deletions]).toEqual([
      true,
      "clean",
      1,
      1,
      1,
      1,
    ]);
    f.repo.setCommitStatus(pr.head.sha, "failure");
    ({ data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n }));
    expect(pr.mergeable_state).toBe("unstable");
    await f.repo.push("main", { "apps/values.yaml": VALUES.replace("1.0.0", "9.9.9") }, { author: "alice" });
    ({ data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n }));
    expect([pr.mergeable, pr.mergeable_state]).toEqual([false, "dirty"]);
    await expect(f.octokit.rest.pulls.merge({ ...f.r, pull_number: n })).rejects.toMatchObject({ status: 405 });
    await expect(f.octokit.rest.pulls.updateBranch({ ...f.r, pull_number: n })).rejects.toMatchObject({ status: 422 });
  });

  it.each(["merge", "squash", "rebase"] as const)("merges with %s: the base moves, the PR is closed and merged", async (method) => {
    const f = await newRepo();
    const n = await openPr(f, `argocd-image-pr/${method}`);
    const before = git(f.repo.gitDir, "rev-parse", "refs/heads/main");
    const head = f.repo.pulls()[0]?.headSha ?? "";
    await expect(f.octokit.rest.pulls.merge({ ...f.r, pull_number: n, sha: before, merge_method: method })).rejects.toMatchObject({
      status: 409,
    });
    const { data } = await f.octokit.rest.pulls.merge({ ...f.r, pull_number: n, sha: head, merge_method: method });
    expect(data.merged).toBe(true);
    expect(git(f.repo.gitDir, "rev-parse", "refs/heads/main")).toBe(data.sha);
    const parents = git(f.repo.gitDir, "log", "-1", "--format=%P", data.sha).split(" ");
    expect(parents).toEqual(method === "merge" ? [before, head] : [before]);
    expect(await f.repo.readFile("main", "apps/values.yaml")).toBe(VALUES.replace("1.0.0", "1.1.0"));
    const { data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n });
    expect(pr).toMatchObject({ state: "closed", merged: true, merge_commit_sha: data.sha, merged_by: { login: fake.botLogin } });
    await expect(f.octokit.rest.pulls.merge({ ...f.r, pull_number: n })).rejects.toMatchObject({ status: 405 });
  });

  it("refuses a merge method the repository does not allow", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/m");
    f.repo.setMergeOptions({ squash: false });
    await expect(f.octokit.rest.pulls.merge({ ...f.r, pull_number: n, merge_method: "squash" })).rejects.toMatchObject({ status: 405 });
  });

  it("updates a branch that is behind with a merge of the base, and knows when there is nothing to do", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/u");
    await expect(f.octokit.rest.pulls.updateBranch({ ...f.r, pull_number: n })).rejects.toMatchObject({ status: 422 });
    const base = await f.repo.push("main", { "README.md": "moved\n" });
    const head = f.repo.pulls()[0]?.headSha ?? "";
    await expect(f.octokit.rest.pulls.updateBranch({ ...f.r, pull_number: n, expected_head_sha: base })).rejects.toMatchObject({
      status: 422,
    });
    const { status } = await f.octokit.rest.pulls.updateBranch({ ...f.r, pull_number: n, expected_head_sha: head });
    expect(status).toBe(202);
    const newHead = git(f.repo.gitDir, "rev-parse", "refs/heads/argocd-image-pr/u");
    expect(git(f.repo.gitDir, "log", "-1", "--format=%P", newHead)).toBe(`${head} ${base}`);
    expect(f.repo.pulls()[0]?.headSha).toBe(newHead);
  });

  it("follows a human's push to the head branch and closes the PR when its branch is deleted", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/h");
    fake.resetEvents();
    const pushed = await f.repo.push("argocd-image-pr/h", { "other.txt": "mine\n" }, { author: "mallory" });
    expect(f.repo.pulls()[0]?.headSha).toBe(pushed);
    const { data: commits } = await f.octokit.rest.pulls.listCommits({ ...f.r, pull_number: n });
    expect(commits.map((c) => [c.author?.login ?? null, c.commit.verification?.verified])).toEqual([
      [fake.botLogin, true],
      ["mallory", false],
    ]);
    expect(fake.events().map((e) => `${e.name}${e.action ? `.${e.action}` : ""}`)).toEqual(["push", "pull_request.synchronize"]);
    await f.octokit.rest.git.deleteRef({ ...f.r, ref: "heads/argocd-image-pr/h" });
    expect(f.repo.pulls()[0]?.state).toBe("closed");
    await expect(f.octokit.rest.pulls.update({ ...f.r, pull_number: n, state: "open" })).rejects.toMatchObject({ status: 422 });
  });

  it("requests reviewers among collaborators and lists reviews", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/r");
    fake.addUser("reviewer-r");
    await expect(f.octokit.rest.pulls.requestReviewers({ ...f.r, pull_number: n, reviewers: ["reviewer-r"] })).rejects.toMatchObject({
      status: 422,
    });
    f.repo.setPermission("reviewer-r", "write");
    const { data: requested } = await f.octokit.rest.pulls.requestReviewers({ ...f.r, pull_number: n, reviewers: ["reviewer-r"] });
    expect(requested.requested_reviewers?.map((u) => u.login)).toEqual(["reviewer-r"]);
    f.repo.addReview(n, "alice", "CHANGES_REQUESTED", "no");
    const { data } = await f.octokit.rest.pulls.listReviews({ ...f.r, pull_number: n });
    expect(data.map((r) => [r.user?.login, r.state])).toEqual([["alice", "CHANGES_REQUESTED"]]);
  });
});

describe("issues, comments, labels, people", () => {
  it("creates and edits issues, comments and reactions", async () => {
    const f = await newRepo();
    const { data: issue } = await f.octokit.rest.issues.create({
      ...f.r,
      title: "Dashboard",
      body: "- [ ] pin",
      labels: ["argocd-image-pr"],
    });
    expect(issue.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["argocd-image-pr"]);
    await f.octokit.rest.issues.update({ ...f.r, issue_number: issue.number, body: "- [x] pin" });
    expect(f.repo.issues()[0]).toMatchObject({ body: "- [x] pin", isPull: false });
    const human = f.repo.addComment(issue.number, "alice", "/pin 1.2.3");
    const { data: comment } = await f.octokit.rest.issues.createComment({ ...f.r, issue_number: issue.number, body: "Pinned." });
    await f.octokit.rest.issues.updateComment({ ...f.r, comment_id: comment.id, body: "Pinned to 1.2.3." });
    const { data: reaction } = await f.octokit.rest.reactions.createForIssueComment({ ...f.r, comment_id: human.id, content: "+1" });
    expect(reaction.content).toBe("+1");
    const { status } = await f.octokit.rest.reactions.createForIssueComment({ ...f.r, comment_id: human.id, content: "+1" });
    expect(status).toBe(200);
    const { data: comments } = await f.octokit.rest.issues.listComments({ ...f.r, issue_number: issue.number });
    expect(comments.map((c) => [c.user?.login, c.body, c.reactions?.["+1"]])).toEqual([
      ["alice", "/pin 1.2.3", 1],
      [fake.botLogin, "Pinned to 1.2.3.", 0],
    ]);
    const { data: extra } = await f.octokit.rest.issues.createComment({ ...f.r, issue_number: issue.number, body: "to delete" });
    await f.octokit.rest.issues.deleteComment({ ...f.r, comment_id: extra.id });
    expect(f.repo.comments(issue.number).map((c) => c.body)).toEqual(["/pin 1.2.3", "Pinned to 1.2.3."]);
    await f.octokit.rest.issues.update({ ...f.r, issue_number: issue.number, state: "closed" });
    expect((await f.octokit.rest.issues.listForRepo({ ...f.r, state: "closed" })).data.map((i) => i.number)).toEqual([issue.number]);
    expect((await f.octokit.rest.issues.listForRepo({ ...f.r, labels: "argocd-image-pr", state: "all" })).data).toHaveLength(1);
  });

  it("creates labels, refuses a duplicate, adds and removes them on PRs (creating missing ones as GitHub does)", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/l");
    await f.octokit.rest.issues.createLabel({ ...f.r, name: "argocd-image-pr", color: "0e8a16", description: "Image update" });
    await expect(f.octokit.rest.issues.createLabel({ ...f.r, name: "ArgoCD-Image-PR", color: "0e8a16" })).rejects.toMatchObject({
      status: 422,
    });
    const { data: added } = await f.octokit.rest.issues.addLabels({
      ...f.r,
      issue_number: n,
      labels: ["argocd-image-pr", "argocd-image-pr:automerge"],
    });
    expect(added.map((l) => l.name)).toEqual(["argocd-image-pr", "argocd-image-pr:automerge"]);
    const { data: labels } = await f.octokit.rest.issues.listLabelsForRepo(f.r);
    expect(labels.map((l) => [l.name, l.color])).toEqual([
      ["argocd-image-pr", "0e8a16"],
      ["argocd-image-pr:automerge", "ededed"],
    ]);
    const { data: set } = await f.octokit.rest.issues.setLabels({
      ...f.r,
      issue_number: n,
      labels: ["argocd-image-pr", "argocd-image-pr:automerge"],
    });
    expect(set.map((l) => l.name)).toEqual(["argocd-image-pr", "argocd-image-pr:automerge"]);
    const { data: left } = await f.octokit.rest.issues.removeLabel({ ...f.r, issue_number: n, name: "argocd-image-pr:automerge" });
    expect(left.map((l) => l.name)).toEqual(["argocd-image-pr"]);
    await expect(f.octokit.rest.issues.removeLabel({ ...f.r, issue_number: n, name: "argocd-image-pr:automerge" })).rejects.toMatchObject({
      status: 404,
    });
    f.repo.addLabel(n, "argocd-image-pr:automerge", "alice");
    expect(f.repo.pulls()[0]?.labels).toEqual(["argocd-image-pr", "argocd-image-pr:automerge"]);
    expect((await f.octokit.rest.pulls.get({ ...f.r, pull_number: n })).data.labels.map((l) => l.name)).toEqual([
      "argocd-image-pr",
      "argocd-image-pr:automerge",
    ]);
  });

  it("answers a collaborator's permission level", async () => {
    const f = await newRepo();
    fake.addUser("carol");
    f.repo.setPermission("carol", "maintain");
    const { data } = await f.octokit.rest.repos.getCollaboratorPermissionLevel({ ...f.r, username: "carol" });
    expect([data.permission, data.role_name]).toEqual(["write", "maintain"]);
    fake.addUser("dave");
    expect((await f.octokit.rest.repos.getCollaboratorPermissionLevel({ ...f.r, username: "dave" })).data.permission).toBe("none");
    await expect(f.octokit.rest.repos.getCollaboratorPermissionLevel({ ...f.r, username: "nobody-here" })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe("the remaining reads", () => {
  it("answers an installation, commit lists, a PR's files, an issue, a comment and labels", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/reads");
    const { data: installation } = await appClient().rest.apps.getInstallation({ installation_id: f.installationId });
    expect(installation.id).toBe(f.installationId);
    await expect(appClient().rest.apps.getInstallation({ installation_id: 999_999 })).rejects.toMatchObject({ status: 404 });
    const { data: commits } = await f.octokit.rest.repos.listCommits({ ...f.r, sha: "argocd-image-pr/reads" });
    expect(commits.map((c) => c.commit.message)).toEqual(["Update apps/values.yaml", "Initial commit"]);
    const { data: files } = await f.octokit.rest.pulls.listFiles({ ...f.r, pull_number: n });
    expect(files.map((x) => [x.filename, x.status, x.changes])).toEqual([["apps/values.yaml", "modified", 2]]);
    const { data: issue } = await f.octokit.rest.issues.get({ ...f.r, issue_number: n });
    expect(issue.pull_request?.merged_at).toBeNull();
    await f.octokit.rest.issues.addLabels({ ...f.r, issue_number: n, labels: ["argocd-image-pr"] });
    expect((await f.octokit.rest.issues.listLabelsOnIssue({ ...f.r, issue_number: n })).data.map((l) => l.name)).toEqual([
      "argocd-image-pr",
    ]);
    expect((await f.octokit.rest.issues.getLabel({ ...f.r, name: "argocd-image-pr" })).data.color).toBe("ededed");
    await expect(f.octokit.rest.issues.getLabel({ ...f.r, name: "nope" })).rejects.toMatchObject({ status: 404 });
    const { data: comment } = await f.octokit.rest.issues.createComment({ ...f.r, issue_number: n, body: "hi" });
    expect((await f.octokit.rest.issues.getComment({ ...f.r, comment_id: comment.id })).data.body).toBe("hi");
  });
});

describe("statuses and checks", () => {
  it("combines statuses per context and lists check runs and suites", async () => {
    const f = await newRepo();
    await openPr(f, "argocd-image-pr/s");
    const sha = f.repo.pulls()[0]?.headSha ?? "";
    expect((await f.octokit.rest.repos.getCombinedStatusForRef({ ...f.r, ref: sha })).data).toMatchObject({
      state: "pending",
      total_count: 0,
    });
    f.repo.setCommitStatus(sha, "pending", "ci/build");
    f.repo.setCommitStatus(sha, "success", "ci/build");
    f.repo.setCommitStatus(sha, "success", "ci/lint");
    const { data: combined } = await f.octokit.rest.repos.getCombinedStatusForRef({ ...f.r, ref: "argocd-image-pr/s" });
    expect([combined.state, combined.total_count]).toEqual(["success", 2]);
    f.repo.setCheckRun(sha, "test", null);
    f.repo.setCheckRun(sha, "test", "failure");
    const { data: runs } = await f.octokit.rest.checks.listForRef({ ...f.r, ref: sha });
    expect(runs.check_runs.map((r) => [r.name, r.status, r.conclusion, r.pull_requests.length])).toEqual([
      ["test", "completed", "failure", 1],
    ]);
    const { data: suites } = await f.octokit.rest.checks.listSuitesForRef({ ...f.r, ref: sha });
    expect(suites.check_suites.map((s) => [s.status, s.conclusion])).toEqual([["completed", "failure"]]);
  });
});

describe("auto-merge through GraphQL", () => {
  const enable = `mutation($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { pullRequest { id number autoMergeRequest { mergeMethod enabledBy { login } } } } }`;

  function client(f: Fixture, token: string): typeof graphql {
    void f;
    return graphql.defaults({ baseUrl: fake.url, headers: { authorization: `token ${token}` } });
  }

  it("merges a PR once the checks on its head succeed", async () => {
    const f = await newRepo({ allowAutoMerge: true });
    const n = await openPr(f, "argocd-image-pr/auto");
    const { data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n });
    f.repo.setCommitStatus(pr.head.sha, "pending");
    await fake.idle();
    const gql = client(f, fake.installationToken(f.installationId));
    const result = await gql<{
      enablePullRequestAutoMerge: {
        pullRequest: { number: number; autoMergeRequest: { mergeMethod: string; enabledBy: { login: string } } };
      };
    }>(enable, { input: { pullRequestId: pr.node_id, mergeMethod: "SQUASH" } });
    expect(result.enablePullRequestAutoMerge.pullRequest).toMatchObject({
      number: n,
      autoMergeRequest: { mergeMethod: "SQUASH", enabledBy: { login: fake.botLogin } },
    });
    expect((await f.octokit.rest.pulls.get({ ...f.r, pull_number: n })).data.auto_merge).toMatchObject({ merge_method: "squash" });
    expect(fake.writes().map((w) => w.operationId)).toContain("graphql:enablePullRequestAutoMerge");
    f.repo.setCommitStatus(pr.head.sha, "success");
    await fake.idle();
    expect(f.repo.pulls()[0]).toMatchObject({ state: "closed", merged: true, mergedBy: fake.botLogin });
    expect(await f.repo.readFile("main", "apps/values.yaml")).toBe(VALUES.replace("1.0.0", "1.1.0"));
  });

  it("refuses as GitHub does: clean status, not allowed; disable withdraws it", async () => {
    const f = await newRepo({ allowAutoMerge: false });
    const n = await openPr(f, "argocd-image-pr/no");
    const { data: pr } = await f.octokit.rest.pulls.get({ ...f.r, pull_number: n });
    const gql = client(f, fake.installationToken(f.installationId));
    await expect(gql(enable, { input: { pullRequestId: pr.node_id } })).rejects.toThrow(/not allowed for this repository/);
    f.repo.setMergeOptions({ autoMerge: true });
    await expect(gql(enable, { input: { pullRequestId: pr.node_id } })).rejects.toThrow(/clean status/);
    f.repo.setCheckRun(pr.head.sha, "build", null);
    await gql(enable, { input: { pullRequestId: pr.node_id } });
    expect(f.repo.pulls()[0]?.autoMerge).toEqual({ enabledBy: fake.botLogin, mergeMethod: "merge" });
    await gql(`mutation($input: DisablePullRequestAutoMergeInput!) { disablePullRequestAutoMerge(input: $input) { clientMutationId } }`, {
      input: { pullRequestId: pr.node_id },
    });
    expect(f.repo.pulls()[0]?.autoMerge).toBeNull();
  });

  it("records a mutation that does not match GitHub's schema as a violation", async () => {
    const f = await newRepo({ allowAutoMerge: true });
    const gql = client(f, fake.installationToken(f.installationId));
    await expect(
      gql(`mutation($input: EnablePullRequestAutoMergeInput!) { enablePullRequestAutoMerge(input: $input) { pullRequest { id } } }`, {
        input: { pullRequestId: "x", mergeMethod: "FAST_FORWARD" },
      }),
    ).rejects.toThrow(/PullRequestMergeMethod/);
    await expect(gql(`mutation { enablePullRequestAutoMerge(input: {pullRequestId: "x"}) { pullRequest { nope } } }`)).rejects.toThrow();
    expect(fake.violations()).toHaveLength(2);
    expect(fake.violations()[0]).toMatch(/PullRequestMergeMethod/);
    fake.resetLog();
  });
});

describe("conditional requests, injected failures, violations", () => {
  it("answers a matching If-None-Match with 304, recorded and not counted against the rate limit", async () => {
    const f = await newRepo();
    const first = await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main" });
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers["last-modified"]).toBeTruthy();
    const used = fake.rateLimitUsed;
    await expect(
      f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main", headers: { "if-none-match": first.headers.etag } }),
    ).rejects.toMatchObject({ status: 304 });
    expect(fake.rateLimitUsed).toBe(used);
    expect(fake.requests.at(-1)).toMatchObject({ status: 304, operationId: "git/get-ref", responseBody: undefined });
    await f.repo.push("main", { "README.md": "moved\n" });
    const changed = await f.octokit.rest.git.getRef({ ...f.r, ref: "heads/main", headers: { "if-none-match": first.headers.etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it("replies to an injected secondary rate limit as GitHub does (403 + retry-after), which Probot's Octokit waits out", async () => {
    const f = await newRepo();
    fake.failNext({ operationId: "pulls/create" }, { status: 403, secondaryRateLimit: true });
    await appCommit(f, "argocd-image-pr/rl", { "x.txt": "x\n" });
    const throttled = installationClient(f.installationId, { throttle: true });
    const { data } = await throttled.rest.pulls.create({ ...f.r, title: "t", head: "argocd-image-pr/rl", base: "main" });
    const creates = fake.requests.filter((r) => r.operationId === "pulls/create");
    expect(creates.map((r) => [r.status, r.injected])).toEqual([
      [403, true],
      [201, false],
    ]);
    expect(f.repo.pulls().map((p) => p.number)).toEqual([data.number]);
    const plain = installationClient(f.installationId, { retry: false });
    fake.failNext({ method: "GET", operationId: "repos/get" }, { status: 403, secondaryRateLimit: true, retryAfter: 7 });
    const error = await plain.rest.repos.get(f.r).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 403,
      response: { headers: { "retry-after": "7" }, data: { message: expect.stringMatching(/secondary rate limit/) } },
    });
    fake.failNext({ method: "PATCH" }, { status: 502, times: 2 });
    await f.octokit.rest.pulls.update({ ...f.r, pull_number: data.number, title: "retried" });
    expect(fake.requests.filter((r) => r.operationId === "pulls/update").map((r) => r.status)).toEqual([502, 502, 200]);
    expect(f.repo.pulls()[0]?.title).toBe("retried");
  });

  it("can carry a write out and still answer 502, as a gateway timeout after the write does", async () => {
    const f = await newRepo();
    const sha = await appCommit(f, "unused", { "z.txt": "z\n" }, { create: false });
    fake.failNext({ operationId: "git/create-ref" }, { status: 502, applied: true });
    const plain = installationClient(f.installationId, { retry: false });
    await expect(plain.rest.git.createRef({ ...f.r, ref: "refs/heads/timeout", sha })).rejects.toMatchObject({ status: 502 });
    expect((await f.repo.branches())["timeout"]).toBe(sha);
    await expect(plain.rest.git.createRef({ ...f.r, ref: "refs/heads/timeout", sha })).rejects.toMatchObject({ status: 422 });
  });

  it("records a request whose body does not match the operation's schema, and an unknown route, as violations", async () => {
    const f = await newRepo();
    // Routes typed as plain strings, so TypeScript lets the deliberate mistakes through.
    const createRef: string = "POST /repos/{owner}/{repo}/git/refs";
    const listPulls: string = "GET /repos/{owner}/{repo}/pulls";
    await expect(f.octokit.request(createRef, { ...f.r, ref: "refs/heads/x", shaa: "0".repeat(40) })).rejects.toMatchObject({
      status: 422,
    });
    await expect(f.octokit.request(listPulls, { ...f.r, state: "merged" })).rejects.toMatchObject({ status: 422 });
    await expect(f.octokit.request("GET /repos/{owner}/{repo}/no-such-thing", f.r)).rejects.toMatchObject({ status: 404 });
    await expect(f.octokit.request("DELETE /repos/{owner}/{repo}/pulls/1", f.r)).rejects.toMatchObject({ status: 404 });
    const violations = fake.violations();
    expect(violations.join("\n")).toMatch(/request body must have required property 'sha'/);
    expect(violations.join("\n")).toMatch(/query parameter "state" must be equal to one of the allowed values/);
    expect(violations.join("\n")).toMatch(/no operation of GitHub's REST API is GET \/repos\/acme\/repo-\d+\/no-such-thing/);
    expect(violations.join("\n")).toMatch(/exists in GitHub's REST API, but not for DELETE/);
    expect(() => fake.assertNoViolations()).toThrow(/4 request\(s\) GitHub would not have served/);
    expect(Object.keys(await f.repo.branches())).toEqual(["main"]);
    fake.resetLog();
  });
});

describe("webhooks", () => {
  it("signs a payload with the webhook secret and records the events a merge implies", async () => {
    const f = await newRepo();
    const n = await openPr(f, "argocd-image-pr/w");
    fake.resetEvents();
    await f.repo.mergePull(n, { by: "alice", method: "squash" });
    const events = fake.events();
    expect(events.map((e) => `${e.name}${e.action ? `.${e.action}` : ""}`)).toEqual(["pull_request.closed", "push"]);
    const closed = events[0]?.payload as { pull_request: { merged: boolean; merged_by: { login: string } | null } };
    expect(closed.pull_request).toMatchObject({ merged: true, merged_by: { login: "alice" } });
    const { headers, body } = signedWebhook(fake, "pull_request", events[0]?.payload ?? {});
    expect(headers["x-github-event"]).toBe("pull_request");
    expect(await verify(fake.webhookSecret, body, headers["x-hub-signature-256"] ?? "")).toBe(true);
    expect(await verify("another secret", body, headers["x-hub-signature-256"] ?? "")).toBe(false);
  });
});

describe("lazy mergeability", () => {
  it("answers mergeable null on the first read after the head or base moved, then the computed value", async () => {
    const lazy = await startFakeGitHub({ lazyMergeable: true });
    try {
      const repo = await lazy.createRepo("acme/lazy", { files: { "a.txt": "a\n" } });
      await repo.push("topic", { "a.txt": "b\n" }, { author: "alice" });
      const app = new ProbotOctokit({ auth: { appId: lazy.appId, privateKey: lazy.privateKey }, baseUrl: lazy.url, log: quiet, ...fast });
      const { data: installation } = await app.rest.apps.getRepoInstallation({ owner: "acme", repo: "lazy" });
      const octokit = new ProbotOctokit({
        auth: { appId: lazy.appId, privateKey: lazy.privateKey, installationId: installation.id },
        baseUrl: lazy.url,
        log: quiet,
        ...fast,
      });
      const r = { owner: "acme", repo: "lazy" };
      const { data: created } = await octokit.rest.pulls.create({ ...r, title: "t", head: "topic", base: "main" });
      expect([created.mergeable, created.mergeable_state]).toEqual([null, "unknown"]);
      expect((await octokit.rest.pulls.get({ ...r, pull_number: created.number })).data.mergeable).toBe(true);
      await repo.push("main", { "a.txt": "c\n" }, { author: "bob" });
      expect((await octokit.rest.pulls.get({ ...r, pull_number: created.number })).data.mergeable).toBeNull();
      expect((await octokit.rest.pulls.get({ ...r, pull_number: created.number })).data).toMatchObject({
        mergeable: false,
        mergeable_state: "dirty",
      });
      lazy.assertNoViolations();
    } finally {
      await lazy.close();
    }
  });
});

describe("GitHub Enterprise Server", () => {
  it("serves the API under /api/v3 and GraphQL at /api/graphql", async () => {
    const ghes = await startFakeGitHub({ ghes: true });
    try {
      expect(ghes.url).toMatch(/\/api\/v3$/);
      await ghes.createRepo("corp/deploy", { files: { "a.txt": "a\n" } });
      const app = new ProbotOctokit({ auth: { appId: ghes.appId, privateKey: ghes.privateKey }, baseUrl: ghes.url, log: quiet });
      const { data: installation } = await app.rest.apps.getRepoInstallation({ owner: "corp", repo: "deploy" });
      const octokit = new ProbotOctokit({
        auth: { appId: ghes.appId, privateKey: ghes.privateKey, installationId: installation.id },
        baseUrl: ghes.url,
        log: quiet,
      });
      expect((await octokit.rest.repos.get({ owner: "corp", repo: "deploy" })).data.default_branch).toBe("main");
      expect(ghes.graphqlUrl).toMatch(/\/api\/graphql$/);
      ghes.assertNoViolations();
    } finally {
      await ghes.close();
    }
  });
});

describe("what the app's other clients read", () => {
  it("serves raw file contents to Probot's config plugin", async () => {
    const f = await newRepo({ files: { ".github/argocd-image-pr.yml": "version: 1\ngroup: all\n" } });
    const { config } = await f.octokit.config.get({ ...f.r, path: ".github/argocd-image-pr.yml" });
    expect(config).toEqual({ version: 1, group: "all" });
    const raw = await f.octokit.rest.repos.getContent({ ...f.r, path: ".github/argocd-image-pr.yml", mediaType: { format: "raw" } });
    expect(raw.data as unknown).toBe("version: 1\ngroup: all\n");
  });

  it("gives a PR's diff as git shows it", async () => {
    const f = await newRepo();
    await openPr(f, "argocd-image-pr/d");
    const diff = await f.repo.diff("main", "argocd-image-pr/d");
    expect(diff).toContain(
      "--- a/apps/values.yaml\n+++ b/apps/values.yaml\n@@ -1,3 +1,3 @@\n image:\n   repository: nginx\n-  tag: 1.0.0\n+  tag: 1.1.0\n",
    );
  });
});

describe("webhook payloads are shaped as @octokit/webhooks-examples", () => {
  it("carries every top-level field (and every pull_request field) the examples have", async () => {
    const examples = (await import("@octokit/webhooks-examples")).default as unknown as {
      name: string;
      examples: Record<string, unknown>[];
    }[];
    const f = await newRepo();
    fake.resetEvents();
    const n = await openPr(f, "argocd-image-pr/e");
    f.repo.addLabel(n, "argocd-image-pr");
    f.repo.addComment(n, "alice", "/hold");
    await f.repo.push("argocd-image-pr/e", { "y.txt": "y\n" }, { author: "alice" });
    f.repo.setCommitStatus(f.repo.pulls()[0]?.headSha ?? "", "success");
    f.repo.setCheckRun(f.repo.pulls()[0]?.headSha ?? "", "build", "success");
    await fake.idle();
    await f.repo.mergePull(n);
    const issue = f.repo.openIssue("alice", "A dashboard", "- [ ] box\n", ["argocd-image-pr:dashboard"]);
    f.repo.editIssue(issue, "alice", "- [x] box\n");
    f.repo.closeIssue(issue, "alice");
    const edited = fake.events().find((e) => e.name === "issues" && e.action === "edited");
    expect(edited?.payload["changes"]).toEqual({ body: { from: "- [ ] box\n" } });
    expect((edited?.payload["issue"] as { body?: string } | undefined)?.body).toBe("- [x] box\n");
    const seen = new Set<string>();
    for (const event of fake.events()) {
      const example = examples.find((e) => e.name === event.name)?.examples.find((x) => x["action"] === event.action);
      if (!example) continue;
      seen.add(`${event.name}.${event.action ?? ""}`);
      const optional = new Set(["organization", "enterprise", "changes", "requested_reviewer", "requested_team", "assignee", "milestone"]);
      const missing = Object.keys(example).filter((key) => !optional.has(key) && !(key in event.payload));
      expect(missing, `${event.name}.${event.action ?? ""}`).toEqual([]);
      if (event.name === "pull_request") {
        const pr = event.payload["pull_request"] as Record<string, unknown>;
        const missingPr = Object.keys(example["pull_request"] as object).filter((key) => !(key in pr));
        expect(missingPr, `${event.name}.${event.action ?? ""}.pull_request`).toEqual([]);
      }
      if (event.name === "issues") {
        const optionalIssue = new Set(["draft", "active_lock_reason"]);
        const got = event.payload["issue"] as Record<string, unknown>;
        const missingIssue = Object.keys(example["issue"] as object).filter((key) => !optionalIssue.has(key) && !(key in got));
        expect(missingIssue, `${event.name}.${event.action ?? ""}.issue`).toEqual([]);
      }
    }
    expect([...seen].sort()).toEqual([
      "check_suite.completed",
      "issue_comment.created",
      "issues.edited",
      "issues.opened",
      "pull_request.closed",
      "pull_request.labeled",
      "pull_request.opened",
      "pull_request.synchronize",
      "push.",
      "status.",
    ]);
  });
});
