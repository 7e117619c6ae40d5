/**
 * The REST operations the fake serves, keyed by OpenAPI operationId, each with GitHub's semantics
 * and refusals. An operationId missing here is answered 404 and recorded as a violation.
 */
import { randomBytes } from "node:crypto";
import type { TreeChange } from "./git.js";
import { HttpError, notFound, paginate, unprocessable, wantsRaw, type Reply, type RouteContext } from "./http.js";
import type { Repo } from "./repo.js";
import {
  appShape,
  base64Lines,
  checkRunShape,
  checkSuiteShape,
  commentShape,
  commitShape,
  contentEntryShape,
  gitCommitShape,
  installationShape,
  issueShape,
  labelShape,
  pullShape,
  reactionShape,
  refShape,
  repoShape,
  reviewShape,
  statusShape,
  treeShape,
  userShape,
  type AppInfo,
  type Site,
} from "./shapes.js";
import { now, nodeId, type CommentRecord, type IssueRecord, type MergeMethod, type PullRecord, type UserRecord } from "./state.js";

export interface InstallationRecord {
  readonly id: number;
  readonly account: string;
  readonly createdAt: string;
}

export interface TokenRecord {
  readonly installationId: number;
  readonly expiresAt: number;
  /** Repository full names the token is limited to; undefined: all of the installation's. */
  readonly repositories: ReadonlySet<string> | undefined;
}

/** What the routes need from the fake. */
export interface Backend {
  readonly site: Site;
  readonly app: AppInfo;
  readonly botLogin: string;
  readonly users: ReadonlyMap<string, UserRecord>;
  installations(): InstallationRecord[];
  installationRepos(installationId: number): Repo[];
  issueToken(installationId: number, repositories: ReadonlySet<string> | undefined): { token: string; expiresAt: number };
  /** The repository the path names, if the caller may see it; 404 otherwise. */
  repoFor(ctx: RouteContext): Repo;
  ciApp(): Record<string, unknown>;
  ensureUser(login: string): UserRecord;
  nextId(): number;
  /** The first GET of a PR after its head or base moved answers mergeable: null, as GitHub's does. */
  readonly lazyMergeable: boolean;
}

type Handler = (ctx: RouteContext, backend: Backend) => Promise<Reply>;

function body(ctx: RouteContext): Record<string, unknown> {
  return ctx.body !== null && typeof ctx.body === "object" && !Array.isArray(ctx.body) ? (ctx.body as Record<string, unknown>) : {};
}

/** Who a write is by: the app's bot for an installation token (the only write credential the fake issues). */
function actor(_ctx: RouteContext, backend: Backend): string {
  return backend.botLogin;
}

function requireApp(ctx: RouteContext): void {
  if (ctx.auth.kind !== "app") throw new HttpError(401, "A JSON web token could not be decoded");
}

function number(ctx: RouteContext, name: string): number {
  return Number(ctx.params[name]);
}

async function pullFull(repo: Repo, backend: Backend, issue: IssueRecord & { pull: PullRecord }): Promise<Record<string, unknown>> {
  let state = await repo.mergeability(issue);
  const base = issue.state === "open" ? ((await repo.branchHead(issue.pull.baseRef)) ?? issue.pull.baseSha) : issue.pull.baseSha;
  if (issue.state === "open") issue.pull.baseSha = base;
  // GitHub computes mergeability in the background: the first read after the head or base moved answers null.
  const pair = `${base} ${issue.pull.headSha}`;
  if (backend.lazyMergeable && issue.state === "open" && repo.mergeableSeen.get(issue.number) !== pair) {
    repo.mergeableSeen.set(issue.number, pair);
    state = { ...state, mergeable: null, state: "unknown" };
  }
  const mergeBase = await repo.git.mergeBase(base, issue.pull.headSha);
  const commits = await repo.git.commitsBetween(issue.pull.merged ? mergeBase : base, issue.pull.headSha);
  const files = await repo.git.diffFiles(mergeBase ? await repo.git.resolveTree(mergeBase) : null, issue.pull.headSha);
  return pullShape(backend.site, repo.info(), {
    issue,
    labels: repo.issueLabels(issue),
    association: repo.association(issue.user),
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    full: {
      mergeable: state.mergeable,
      rebaseable: state.mergeable,
      mergeableState: state.state,
      commits: commits.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length,
    },
  });
}

async function pullSimple(repo: Repo, backend: Backend, issue: IssueRecord & { pull: PullRecord }): Promise<Record<string, unknown>> {
  if (issue.state === "open") issue.pull.baseSha = (await repo.branchHead(issue.pull.baseRef)) ?? issue.pull.baseSha;
  return pullShape(backend.site, repo.info(), {
    issue,
    labels: repo.issueLabels(issue),
    association: repo.association(issue.user),
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
  });
}

function issueOut(repo: Repo, backend: Backend, issue: IssueRecord): Record<string, unknown> {
  return issueShape(
    backend.site,
    repo.info(),
    issue,
    repo.issueLabels(issue),
    repo.comments.filter((c) => c.issueNumber === issue.number).length,
    repo.association(issue.user),
  );
}

function commentById(ctx: RouteContext, repo: Repo): CommentRecord {
  const comment = repo.comments.find((c) => c.id === number(ctx, "comment_id"));
  if (!comment) throw notFound();
  return comment;
}

function commentBody(backend: Backend, repo: Repo, comment: CommentRecord): Record<string, unknown> {
  return commentShape(
    backend.site,
    repo.info(),
    comment,
    repo.issue(comment.issueNumber).pull !== undefined,
    repo.association(comment.user),
  );
}

/** `heads/x` or `refs/heads/x` as a full ref name. */
function fullRef(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/${ref}`;
}

async function commitOut(repo: Repo, backend: Backend, sha: string, withFiles: boolean): Promise<Record<string, unknown>> {
  const commit = await repo.git.readCommit(sha);
  if (!commit) throw notFound();
  const files = withFiles
    ? await repo.git.diffFiles(commit.parents[0] ? await repo.git.resolveTree(commit.parents[0]) : null, sha)
    : undefined;
  return commitShape(
    backend.site,
    repo.info(),
    commit,
    repo.verified.has(sha),
    {
      author: repo.loginForEmail(commit.author.email, backend.users),
      committer: repo.loginForEmail(commit.committer.email, backend.users),
    },
    files,
  );
}

async function resolveOr422(repo: Repo, ref: string): Promise<string> {
  const sha = await repo.git.resolveCommit(ref);
  if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

const routes: Record<string, Handler> = {
  // ---- app auth ---------------------------------------------------------------------------------
  "apps/get-authenticated": async (ctx, backend) => {
    requireApp(ctx);
    return { status: 200, body: { ...appShape(backend.site, backend.app), installations_count: backend.installations().length } };
  },
  "apps/list-installations": async (ctx, backend) => {
    requireApp(ctx);
    return paginate(
      ctx,
      backend.installations().map((i) => installationShape(backend.site, backend.app, i)),
    );
  },
  "apps/get-installation": async (ctx, backend) => {
    requireApp(ctx);
    const installation = backend.installations().find((i) => i.id === number(ctx, "installation_id"));
    if (!installation) throw notFound();
    return { status: 200, body: installationShape(backend.site, backend.app, installation) };
  },
  "apps/get-repo-installation": async (ctx, backend) => {
    requireApp(ctx);
    const repo = backend.repoFor(ctx);
    const installation = backend.installations().find((i) => i.id === repo.installationId);
    if (!installation) throw notFound();
    return { status: 200, body: installationShape(backend.site, backend.app, installation) };
  },
  "apps/create-installation-access-token": async (ctx, backend) => {
    requireApp(ctx);
    const id = number(ctx, "installation_id");
    const installation = backend.installations().find((i) => i.id === id);
    if (!installation) throw notFound();
    const repos = backend.installationRepos(id);
    const b = body(ctx);
    let limited: Set<string> | undefined;
    if (Array.isArray(b["repositories"]) || Array.isArray(b["repository_ids"])) {
      limited = new Set();
      for (const name of (b["repositories"] ?? []) as string[]) {
        const repo = repos.find((r) => r.name === name);
        if (!repo)
          throw unprocessable(`There is at least one repository that does not exist or is not accessible to the parent installation.`);
        limited.add(repo.fullName);
      }
      for (const rid of (b["repository_ids"] ?? []) as number[]) {
        const repo = repos.find((r) => r.id === rid);
        if (!repo)
          throw unprocessable(`There is at least one repository that does not exist or is not accessible to the parent installation.`);
        limited.add(repo.fullName);
      }
    }
    const { token, expiresAt } = backend.issueToken(id, limited);
    const visible = repos.filter((r) => !limited || limited.has(r.fullName));
    return {
      status: 201,
      body: {
        token,
        expires_at: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: backend.app.permissions,
        repository_selection: "selected",
        ...(limited ? { repositories: visible.map((r) => repoShape(backend.site, r.info())) } : {}),
      },
    };
  },
  "apps/list-repos-accessible-to-installation": async (ctx, backend) => {
    if (ctx.auth.kind !== "installation") throw new HttpError(403, "This endpoint requires an installation access token");
    const { installationId, repositories } = ctx.auth;
    const repos = backend.installationRepos(installationId).filter((r) => !repositories || repositories.has(r.fullName));
    return paginate(
      ctx,
      repos.map((r) => repoShape(backend.site, r.info())),
      (page, total) => ({ total_count: total, repository_selection: "selected", repositories: page }),
    );
  },

  // ---- repository ---------------------------------------------------------------------------------
  "repos/get": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    return { status: 200, body: repoShape(backend.site, repo.info()) };
  },

  // ---- git data -----------------------------------------------------------------------------------
  "git/get-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const ref = fullRef(ctx.params["ref"] ?? "");
    const sha = await repo.git.ref(ref);
    if (!sha) throw notFound();
    return { status: 200, body: refShape(backend.site, repo.info(), ref, sha) };
  },
  "git/list-matching-refs": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const prefix = fullRef(ctx.params["ref"] ?? "");
    const refs = [...(await repo.git.refs())].filter(([name]) => name.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : 1));
    return { status: 200, body: refs.map(([name, sha]) => refShape(backend.site, repo.info(), name, sha)) };
  },
  "git/create-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const ref = String(b["ref"]);
    const sha = String(b["sha"]);
    if (!/^refs\/[^/]+\/.+/.test(ref) || ref.endsWith("/") || ref.includes("..") || ref.includes("//"))
      throw unprocessable(`Reference name must start with 'refs/' and have at least two slashes.`);
    if ((await repo.git.objectType(sha)) !== "commit") throw unprocessable("Object does not exist");
    if (!(await repo.git.updateRef(ref, sha, null))) throw unprocessable("Reference already exists");
    await repo.refsChanged(actor(ctx, backend));
    return {
      status: 201,
      body: refShape(backend.site, repo.info(), ref, sha),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/git/${ref}` },
    };
  },
  "git/update-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const ref = fullRef(ctx.params["ref"] ?? "");
    const b = body(ctx);
    const sha = String(b["sha"]);
    const current = await repo.git.ref(ref);
    if (!current) throw unprocessable("Reference does not exist");
    if ((await repo.git.objectType(sha)) !== "commit") throw unprocessable("Object does not exist");
    if (b["force"] !== true && !(await repo.git.isAncestor(current, sha))) throw unprocessable("Update is not a fast forward");
    if (!(await repo.git.updateRef(ref, sha, current))) throw unprocessable("Update is not a fast forward");
    await repo.refsChanged(actor(ctx, backend));
    return { status: 200, body: refShape(backend.site, repo.info(), ref, sha) };
  },
  "git/delete-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const ref = fullRef(ctx.params["ref"] ?? "");
    const current = await repo.git.ref(ref);
    if (!current || !(await repo.git.deleteRef(ref, current))) throw unprocessable("Reference does not exist");
    await repo.refsChanged(actor(ctx, backend));
    return { status: 204 };
  },
  "git/get-tree": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const tree = await repo.git.resolveTree(ctx.params["tree_sha"] ?? "");
    if (!tree) throw notFound();
    const recursive = ctx.query.has("recursive") && !["0", "false"].includes(ctx.query.get("recursive") ?? "");
    return { status: 200, body: treeShape(backend.site, repo.info(), tree, await repo.git.lsTree(tree, recursive)) };
  },
  "git/get-blob": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = ctx.params["file_sha"] ?? "";
    const content = await repo.git.readBlob(sha);
    if (!content) throw notFound();
    if (wantsRaw(ctx)) return { status: 200, raw: content, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
    return {
      status: 200,
      body: {
        sha,
        node_id: `B_${Buffer.from(`${repo.fullName}:${sha}`).toString("base64url")}`,
        size: content.length,
        url: `${backend.site.api}/repos/${repo.fullName}/git/blobs/${sha}`,
        content: base64Lines(content),
        encoding: "base64",
      },
    };
  },
  "git/create-blob": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const encoding = (b["encoding"] as string | undefined) ?? "utf-8";
    if (encoding !== "utf-8" && encoding !== "base64") throw unprocessable(`encoding must be utf-8 or base64`);
    const content = String(b["content"]);
    const sha = await repo.git.writeBlob(encoding === "base64" ? Buffer.from(content, "base64") : Buffer.from(content, "utf8"));
    return {
      status: 201,
      body: { url: `${backend.site.api}/repos/${repo.fullName}/git/blobs/${sha}`, sha },
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/git/blobs/${sha}` },
    };
  },
  "git/create-tree": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const baseTree = b["base_tree"] as string | undefined;
    const base = baseTree === undefined ? null : await repo.git.resolveTree(baseTree);
    if (baseTree !== undefined && !base) throw unprocessable(`base_tree ${baseTree} is not a valid tree oid`);
    const entries = (b["tree"] ?? []) as Record<string, unknown>[];
    const types = await repo.git.objectTypes(entries.map((e) => e["sha"]).filter((sha): sha is string => typeof sha === "string"));
    const changes: TreeChange[] = [];
    for (const entry of entries) {
      const path = String(entry["path"] ?? "");
      const mode = String(entry["mode"] ?? "100644");
      const type = (entry["type"] ?? "blob") as TreeChange["type"];
      if (!path || path.startsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === ".."))
        throw unprocessable(`tree.path ${JSON.stringify(path)} is not a valid path`);
      if ("content" in entry && entry["content"] !== undefined) {
        changes.push({ path, mode, type: "blob", sha: await repo.git.writeBlob(String(entry["content"])) });
        continue;
      }
      const sha = entry["sha"];
      if (sha === null) {
        changes.push({ path, mode, type, sha: null });
        continue;
      }
      if (typeof sha !== "string") throw unprocessable(`Must supply tree.sha or tree.content`);
      if (types.get(sha) !== type) throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
      changes.push({ path, mode, type, sha });
    }
    const tree = await repo.git.buildTree(base, changes);
    return {
      status: 201,
      body: treeShape(backend.site, repo.info(), tree, await repo.git.lsTree(tree, false)),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/git/trees/${tree}` },
    };
  },
  "git/create-commit": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const tree = String(b["tree"]);
    const parents = (b["parents"] ?? []) as string[];
    const types = await repo.git.objectTypes([tree, ...parents]);
    if (types.get(tree) !== "tree") throw unprocessable(`Tree SHA does not exist`);
    for (const parent of parents)
      if (types.get(parent) !== "commit") throw unprocessable(`Parent SHA does not exist or is not a commit object`);
    const bot = repo.person(actor(ctx, backend));
    const who = (value: unknown): typeof bot => {
      if (!value || typeof value !== "object") return bot;
      const v = value as Record<string, unknown>;
      return {
        name: String(v["name"] ?? bot.name),
        email: String(v["email"] ?? bot.email),
        date: typeof v["date"] === "string" ? new Date(v["date"]).toISOString().replace(/\.\d{3}Z$/, "Z") : bot.date,
      };
    };
    const author = who(b["author"]);
    const committer = b["committer"] ? who(b["committer"]) : b["author"] ? author : bot;
    const sha = await repo.git.commitTree(tree, parents, String(b["message"]), author, committer);
    // GitHub signs the commits an app makes through the API unless it brings its own signature.
    if (b["signature"] === undefined) repo.verified.add(sha);
    const commit = await repo.git.readCommit(sha);
    if (!commit) throw new Error("commit vanished");
    return {
      status: 201,
      body: gitCommitShape(backend.site, repo.info(), commit, repo.verified.has(sha)),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/git/commits/${sha}` },
    };
  },
  "git/get-commit": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = ctx.params["commit_sha"] ?? "";
    const commit = /^[0-9a-f]{40}$/.test(sha) ? await repo.git.readCommit(sha) : null;
    if (!commit) throw notFound();
    return { status: 200, body: gitCommitShape(backend.site, repo.info(), commit, repo.verified.has(sha)) };
  },

  // ---- commits, compare, contents -------------------------------------------------------------------
  "repos/get-commit": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = await resolveOr422(repo, ctx.params["ref"] ?? "");
    return { status: 200, body: await commitOut(repo, backend, sha, true) };
  },
  "repos/list-commits": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const start = await repo.git.resolveCommit(ctx.query.get("sha") ?? repo.defaultBranch);
    if (!start) return { status: 200, body: [] };
    const shas = (await repo.git.commitsBetween(null, start)).reverse();
    const list = [];
    for (const sha of shas) list.push(await commitOut(repo, backend, sha, false));
    return paginate(ctx, list);
  },
  "repos/compare-commits-with-basehead": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const basehead = ctx.params["basehead"] ?? "";
    const split = basehead.includes("...") ? basehead.split("...") : basehead.split("..");
    if (split.length !== 2) throw notFound();
    const base = await repo.git.resolveCommit(split[0] ?? "");
    const head = await repo.git.resolveCommit(split[1] ?? "");
    if (!base || !head) throw notFound();
    const mergeBase = await repo.git.mergeBase(base, head);
    const ahead = mergeBase ? await repo.git.count(`${base}..${head}`) : 0;
    const behind = mergeBase ? await repo.git.count(`${head}..${base}`) : 0;
    const status = base === head ? "identical" : ahead > 0 && behind > 0 ? "diverged" : ahead > 0 ? "ahead" : "behind";
    const shas = await repo.git.commitsBetween(base, head);
    const commits = [];
    for (const sha of shas) commits.push(await commitOut(repo, backend, sha, false));
    const files = await repo.git.diffFiles(mergeBase ? await repo.git.resolveTree(mergeBase) : null, head);
    const u = `${backend.site.api}/repos/${repo.fullName}`;
    const html = `${backend.site.html}/${repo.fullName}`;
    return {
      status: 200,
      body: {
        url: `${u}/compare/${basehead}`,
        html_url: `${html}/compare/${basehead}`,
        permalink_url: `${html}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
        diff_url: `${html}/compare/${basehead}.diff`,
        patch_url: `${html}/compare/${basehead}.patch`,
        base_commit: await commitOut(repo, backend, base, false),
        merge_base_commit: mergeBase ? await commitOut(repo, backend, mergeBase, false) : await commitOut(repo, backend, base, false),
        status,
        ahead_by: ahead,
        behind_by: behind,
        total_commits: commits.length,
        commits,
        files: files.map((f) => ({
          sha: f.sha,
          filename: f.filename,
          status: f.status,
          additions: f.additions,
          deletions: f.deletions,
          changes: f.additions + f.deletions,
          blob_url: `${html}/blob/${head}/${f.filename}`,
          raw_url: `${html}/raw/${head}/${f.filename}`,
          contents_url: `${u}/contents/${f.filename}?ref=${head}`,
          ...(f.patch === undefined ? {} : { patch: f.patch }),
        })),
      },
    };
  },
  // GitHub's description has both /compare/{basehead} and /compare/{base}...{head}; a URL matches either.
  "repos/compare-commits": async (ctx, backend) => {
    const compare = routes["repos/compare-commits-with-basehead"];
    if (!compare) throw notFound();
    return compare({ ...ctx, params: { ...ctx.params, basehead: `${ctx.params["base"]}...${ctx.params["head"]}` } }, backend);
  },
  "repos/get-content": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const ref = ctx.query.get("ref") ?? repo.defaultBranch;
    const commit = await repo.git.resolveCommit(ref);
    if (!commit) throw new HttpError(404, `No commit found for the ref ${ref}`);
    const path = (ctx.params["path"] ?? "").replace(/^\/+|\/+$/g, "");
    const info = repo.info();
    if (path === "") {
      const entries = await repo.git.lsTree(commit, false);
      return {
        status: 200,
        body: entries.map((e) =>
          contentEntryShape(backend.site, info, ref, {
            path: e.path,
            sha: e.sha,
            type: e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : "file",
            size: e.size ?? 0,
          }),
        ),
      };
    }
    const object = await repo.git.object(`${commit}:${path}`);
    if (object === null) throw notFound();
    const { sha, type } = object;
    if (type === "tree") {
      const entries = await repo.git.lsTree(sha, false);
      return {
        status: 200,
        body: entries.map((e) =>
          contentEntryShape(backend.site, info, ref, {
            path: `${path}/${e.path}`,
            sha: e.sha,
            type: e.type === "tree" ? "dir" : e.type === "commit" ? "submodule" : "file",
            size: e.size ?? 0,
          }),
        ),
      };
    }
    if (type !== "blob") throw notFound();
    const content = object.content;
    if (wantsRaw(ctx)) return { status: 200, raw: content, headers: { "content-type": "application/vnd.github.raw; charset=utf-8" } };
    return { status: 200, body: contentEntryShape(backend.site, info, ref, { path, sha, type: "file", size: content.length }, content) };
  },

  // ---- pulls ----------------------------------------------------------------------------------------
  "pulls/list": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const state = ctx.query.get("state") ?? "open";
    const head = ctx.query.get("head");
    const base = ctx.query.get("base");
    const sort = ctx.query.get("sort") ?? "created";
    const direction = ctx.query.get("direction") ?? (sort === "created" ? "desc" : "desc");
    let list = [...repo.items.values()].filter((i): i is IssueRecord & { pull: PullRecord } => i.pull !== undefined);
    if (state !== "all") list = list.filter((i) => i.state === state);
    if (head) {
      const [owner, branch] = head.includes(":") ? head.split(":", 2) : [repo.owner, head];
      list = owner === repo.owner ? list.filter((i) => i.pull.headRef === branch) : [];
    }
    if (base) list = list.filter((i) => i.pull.baseRef === base);
    const key = (i: IssueRecord): string => (sort === "updated" ? i.updatedAt : i.createdAt);
    list.sort((a, b) => (key(a) === key(b) ? a.number - b.number : key(a) < key(b) ? -1 : 1));
    if (direction === "desc") list.reverse();
    const out = [];
    for (const issue of list) out.push(await pullSimple(repo, backend, issue));
    return paginate(ctx, out);
  },
  "pulls/get": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    return { status: 200, body: await pullFull(repo, backend, repo.pull(number(ctx, "pull_number"))) };
  },
  "pulls/create": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const headParam = String(b["head"]);
    const [owner, headRef] = headParam.includes(":") ? headParam.split(":", 2) : [repo.owner, headParam];
    const baseRef = String(b["base"]);
    if (owner !== repo.owner || !headRef)
      throw unprocessable("Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
    const headSha = await repo.branchHead(headRef);
    if (!headSha) throw unprocessable("Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
    const baseSha = await repo.branchHead(baseRef);
    if (!baseSha) throw unprocessable("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
    const existing = [...repo.items.values()].find(
      (i) => i.pull && i.state === "open" && i.pull.headRef === headRef && i.pull.baseRef === baseRef,
    );
    if (existing)
      throw unprocessable("Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${repo.owner}:${headRef}.` },
      ]);
    if (await repo.git.isAncestor(headSha, baseSha))
      throw unprocessable("Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `No commits between ${baseRef} and ${headRef}` },
      ]);
    const who = actor(ctx, backend);
    const issue = repo.openPull(who, String(b["title"] ?? ""), (b["body"] as string | undefined) ?? null, {
      headRef,
      baseRef,
      headSha,
      baseSha,
      draft: b["draft"] === true,
      maintainerCanModify: b["maintainer_can_modify"] !== false,
    });
    return {
      status: 201,
      body: await pullFull(repo, backend, issue),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/pulls/${issue.number}` },
    };
  },
  "pulls/update": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const b = body(ctx);
    const who = actor(ctx, backend);
    if (typeof b["base"] === "string") {
      if (!(await repo.branchHead(b["base"])))
        throw unprocessable("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
      issue.pull.baseRef = b["base"];
    }
    let edited = false;
    if (typeof b["title"] === "string" && b["title"] !== issue.title) {
      issue.title = b["title"];
      edited = true;
    }
    if (typeof b["body"] === "string" && b["body"] !== issue.body) {
      issue.body = b["body"];
      edited = true;
    }
    if (typeof b["maintainer_can_modify"] === "boolean") issue.pull.maintainerCanModify = b["maintainer_can_modify"];
    if (edited) {
      issue.updatedAt = now();
      repo.emitPull(issue, "edited", who);
    }
    if (b["state"] === "closed") repo.closeIssue(issue, who);
    if (b["state"] === "open") repo.reopenIssue(issue, who);
    return { status: 200, body: await pullFull(repo, backend, issue) };
  },
  "pulls/list-commits": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const base = issue.state === "open" ? ((await repo.branchHead(issue.pull.baseRef)) ?? issue.pull.baseSha) : issue.pull.baseSha;
    const shas = await repo.git.commitsBetween(base, issue.pull.headSha);
    const list = [];
    for (const sha of shas) list.push(await commitOut(repo, backend, sha, false));
    return paginate(ctx, list);
  },
  "pulls/list-files": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const base = issue.state === "open" ? ((await repo.branchHead(issue.pull.baseRef)) ?? issue.pull.baseSha) : issue.pull.baseSha;
    const mergeBase = await repo.git.mergeBase(base, issue.pull.headSha);
    const files = await repo.git.diffFiles(mergeBase ? await repo.git.resolveTree(mergeBase) : null, issue.pull.headSha);
    const u = `${backend.site.api}/repos/${repo.fullName}`;
    const html = `${backend.site.html}/${repo.fullName}`;
    return paginate(
      ctx,
      files.map((f) => ({
        sha: f.sha,
        filename: f.filename,
        status: f.status,
        additions: f.additions,
        deletions: f.deletions,
        changes: f.additions + f.deletions,
        blob_url: `${html}/blob/${issue.pull.headSha}/${f.filename}`,
        raw_url: `${html}/raw/${issue.pull.headSha}/${f.filename}`,
        contents_url: `${u}/contents/${f.filename}?ref=${issue.pull.headSha}`,
        ...(f.patch === undefined ? {} : { patch: f.patch }),
      })),
    );
  },
  "pulls/request-reviewers": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const b = body(ctx);
    if (Array.isArray(b["team_reviewers"]) && (b["team_reviewers"] as unknown[]).length)
      throw unprocessable("Reviews may only be requested from collaborators. The fake has no teams.");
    for (const login of (b["reviewers"] ?? []) as string[]) {
      if (login === issue.user) throw unprocessable("Review cannot be requested from pull request author.");
      if (!backend.users.has(login) || !["write", "maintain", "admin"].includes(repo.permissionOf(login)))
        throw unprocessable(
          "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " +
            `${repo.fullName} repository.`,
        );
      if (!issue.pull.requestedReviewers.includes(login)) issue.pull.requestedReviewers.push(login);
    }
    issue.updatedAt = now();
    return { status: 201, body: await pullSimple(repo, backend, issue) };
  },
  "pulls/list-reviews": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    return paginate(
      ctx,
      issue.pull.reviews.map((r) => reviewShape(backend.site, repo.info(), issue.number, r, repo.association(r.user))),
    );
  },
  "pulls/merge": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const b = body(ctx);
    const options: { method?: MergeMethod; sha?: string; commitTitle?: string; commitMessage?: string } = {};
    if (typeof b["merge_method"] === "string") options.method = b["merge_method"] as MergeMethod;
    if (typeof b["sha"] === "string") options.sha = b["sha"];
    if (typeof b["commit_title"] === "string") options.commitTitle = b["commit_title"];
    if (typeof b["commit_message"] === "string") options.commitMessage = b["commit_message"];
    const sha = await repo.merge(issue, actor(ctx, backend), options);
    return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
  },
  "pulls/update-branch": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.pull(number(ctx, "pull_number"));
    const b = body(ctx);
    if (issue.state !== "open") throw unprocessable("Pull request is closed");
    if (typeof b["expected_head_sha"] === "string" && b["expected_head_sha"] !== issue.pull.headSha)
      throw unprocessable("expected head sha didn't match current head ref.");
    const base = await repo.branchHead(issue.pull.baseRef);
    if (!base) throw unprocessable("The base branch does not exist");
    if (await repo.git.isAncestor(base, issue.pull.headSha)) throw unprocessable("There are no new commits on the base branch.");
    const tree = await repo.git.mergeTree(issue.pull.headSha, base);
    if (!tree) throw unprocessable("merge conflict between base and head");
    const who = repo.person(actor(ctx, backend));
    const sha = await repo.git.commitTree(
      tree,
      [issue.pull.headSha, base],
      `Merge branch '${issue.pull.baseRef}' into ${issue.pull.headRef}`,
      who,
      { name: "GitHub", email: "noreply@github.com", date: who.date },
    );
    repo.verified.add(sha);
    if (!(await repo.git.updateRef(`refs/heads/${issue.pull.headRef}`, sha, issue.pull.headSha)))
      throw unprocessable("expected head sha didn't match current head ref.");
    await repo.refsChanged(actor(ctx, backend));
    return {
      status: 202,
      body: { message: "Updating pull request branch.", url: `${backend.site.html}/${repo.fullName}/pull/${issue.number}` },
    };
  },

  // ---- issues, comments, reactions ---------------------------------------------------------------------
  "issues/create": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const who = actor(ctx, backend);
    const labels = Array.isArray(b["labels"])
      ? (b["labels"] as unknown[]).map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)))
      : [];
    const issue = repo.openIssue(who, String(b["title"]), (b["body"] as string | null | undefined) ?? null, labels);
    return {
      status: 201,
      body: issueOut(repo, backend, issue),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/issues/${issue.number}` },
    };
  },
  "issues/get": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    return { status: 200, body: issueOut(repo, backend, repo.issue(number(ctx, "issue_number"))) };
  },
  "issues/update": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    const b = body(ctx);
    const who = actor(ctx, backend);
    repo.editIssue(issue, who, {
      ...(typeof b["title"] === "string" ? { title: b["title"] } : {}),
      ...(typeof b["body"] === "string" || b["body"] === null ? { body: b["body"] as string | null } : {}),
    });
    if (Array.isArray(b["labels"])) {
      const wanted = (b["labels"] as unknown[]).map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
      for (const name of [...issue.labels])
        if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase())) repo.removeLabel(issue, name, who);
      repo.addLabels(issue, wanted, who);
    }
    issue.updatedAt = now();
    if (b["state"] === "closed") repo.closeIssue(issue, who, b["state_reason"] === "not_planned" ? "not_planned" : "completed");
    if (b["state"] === "open") repo.reopenIssue(issue, who);
    return { status: 200, body: issueOut(repo, backend, issue) };
  },
  "issues/list-for-repo": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const state = ctx.query.get("state") ?? "open";
    const labels = (ctx.query.get("labels") ?? "")
      .split(",")
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const creator = ctx.query.get("creator");
    const sort = ctx.query.get("sort") ?? "created";
    const direction = ctx.query.get("direction") ?? "desc";
    let list = [...repo.items.values()];
    if (state !== "all") list = list.filter((i) => i.state === state);
    if (labels.length) list = list.filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)));
    if (creator) list = list.filter((i) => i.user === creator);
    const key = (i: IssueRecord): string => (sort === "updated" ? i.updatedAt : i.createdAt);
    list.sort((a, b) => (key(a) === key(b) ? a.number - b.number : key(a) < key(b) ? -1 : 1));
    if (direction === "desc") list.reverse();
    return paginate(
      ctx,
      list.map((i) => issueOut(repo, backend, i)),
    );
  },
  "issues/list-comments": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    return paginate(
      ctx,
      repo.comments
        .filter((c) => c.issueNumber === issue.number)
        .map((c) => commentShape(backend.site, repo.info(), c, issue.pull !== undefined, repo.association(c.user))),
    );
  },
  "issues/create-comment": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    const comment = repo.newComment(issue.number, actor(ctx, backend), String(body(ctx)["body"]));
    return {
      status: 201,
      body: commentShape(backend.site, repo.info(), comment, issue.pull !== undefined, repo.association(comment.user)),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/issues/comments/${comment.id}` },
    };
  },
  "issues/get-comment": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const comment = commentById(ctx, repo);
    return { status: 200, body: commentBody(backend, repo, comment) };
  },
  "issues/update-comment": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const comment = commentById(ctx, repo);
    comment.body = String(body(ctx)["body"]);
    comment.updatedAt = now();
    return { status: 200, body: commentBody(backend, repo, comment) };
  },
  "issues/delete-comment": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const index = repo.comments.findIndex((c) => c.id === number(ctx, "comment_id"));
    if (index === -1) throw notFound();
    repo.comments.splice(index, 1);
    return { status: 204 };
  },
  "reactions/create-for-issue-comment": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const comment = commentById(ctx, repo);
    const content = String(body(ctx)["content"]);
    const who = actor(ctx, backend);
    const existing = comment.reactions.find((r) => r.user === who && r.content === content);
    if (existing) return { status: 200, body: reactionShape(backend.site, existing) };
    const id = backend.nextId();
    const reaction = { id, nodeId: nodeId("REA", id), user: who, content, createdAt: now() };
    comment.reactions.push(reaction);
    return { status: 201, body: reactionShape(backend.site, reaction) };
  },

  // ---- labels -------------------------------------------------------------------------------------------
  "issues/list-labels-for-repo": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    return paginate(
      ctx,
      repo.labels.map((l) => labelShape(backend.site, repo.info(), l)),
    );
  },
  "issues/get-label": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const label = repo.labelRecord(ctx.params["name"] ?? "");
    if (!label) throw notFound();
    return { status: 200, body: labelShape(backend.site, repo.info(), label) };
  },
  "issues/create-label": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const b = body(ctx);
    const name = String(b["name"]);
    if (repo.labelRecord(name)) throw unprocessable("Validation Failed", [{ resource: "Label", code: "already_exists", field: "name" }]);
    const color = String(b["color"] ?? "ededed").replace(/^#/, "");
    if (!/^[0-9a-fA-F]{6}$/.test(color)) throw unprocessable("Validation Failed", [{ resource: "Label", code: "invalid", field: "color" }]);
    const label = repo.ensureLabel(name);
    label.color = color.toLowerCase();
    label.description = (b["description"] as string | undefined) ?? null;
    return {
      status: 201,
      body: labelShape(backend.site, repo.info(), label),
      headers: { location: `${backend.site.api}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}` },
    };
  },
  "issues/list-labels-on-issue": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    return paginate(
      ctx,
      repo.issueLabels(issue).map((l) => labelShape(backend.site, repo.info(), l)),
    );
  },
  "issues/add-labels": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    const b = ctx.body;
    const raw: unknown[] = Array.isArray(b)
      ? b
      : Array.isArray((b as { labels?: unknown })?.labels)
        ? (b as { labels: unknown[] }).labels
        : [];
    const names = raw.map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
    repo.addLabels(issue, names, actor(ctx, backend));
    return { status: 200, body: repo.issueLabels(issue).map((l) => labelShape(backend.site, repo.info(), l)) };
  },
  "issues/set-labels": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    const b = ctx.body;
    const raw: unknown[] = Array.isArray(b)
      ? b
      : Array.isArray((b as { labels?: unknown })?.labels)
        ? (b as { labels: unknown[] }).labels
        : [];
    const wanted = raw.map((l) => (typeof l === "string" ? l : String((l as { name?: unknown }).name)));
    const who = actor(ctx, backend);
    for (const name of [...issue.labels])
      if (!wanted.some((w) => w.toLowerCase() === name.toLowerCase())) repo.removeLabel(issue, name, who);
    repo.addLabels(issue, wanted, who);
    return { status: 200, body: repo.issueLabels(issue).map((l) => labelShape(backend.site, repo.info(), l)) };
  },
  "issues/remove-label": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const issue = repo.issue(number(ctx, "issue_number"));
    if (!repo.removeLabel(issue, ctx.params["name"] ?? "", actor(ctx, backend))) throw new HttpError(404, "Label does not exist");
    return { status: 200, body: repo.issueLabels(issue).map((l) => labelShape(backend.site, repo.info(), l)) };
  },

  // ---- people -------------------------------------------------------------------------------------------
  "repos/get-collaborator-permission-level": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const login = ctx.params["username"] ?? "";
    if (!backend.users.has(login)) throw notFound();
    const permission = repo.permissionOf(login);
    const legacy = permission === "maintain" ? "write" : permission === "triage" ? "read" : permission;
    const user = userShape(backend.site, login);
    const rank = ["none", "read", "triage", "write", "maintain", "admin"].indexOf(permission);
    return {
      status: 200,
      body: {
        permission: legacy,
        role_name: permission,
        user: {
          ...user,
          permissions: { admin: rank >= 5, maintain: rank >= 4, push: rank >= 3, triage: rank >= 2, pull: rank >= 1 },
          role_name: permission,
        },
      },
    };
  },

  // ---- statuses and checks -------------------------------------------------------------------------------
  "repos/get-combined-status-for-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = await resolveOr422(repo, ctx.params["ref"] ?? "");
    const latest = new Map<string, NonNullable<ReturnType<typeof repo.statuses.get>>[number]>();
    for (const status of repo.statuses.get(sha) ?? []) latest.set(status.context, status);
    const statuses = [...latest.values()];
    const states = statuses.map((s) => s.state);
    const state =
      states.length === 0
        ? "pending"
        : states.some((s) => s === "failure" || s === "error")
          ? "failure"
          : states.includes("pending")
            ? "pending"
            : "success";
    return paginate(
      ctx,
      statuses.map((s) => statusShape(backend.site, repo.info(), sha, s, repo.statusCreators.get(s.id) ?? repo.owner)),
      (page, total) => ({
        state,
        statuses: page,
        sha,
        total_count: total,
        repository: repoShape(backend.site, repo.info()),
        commit_url: `${backend.site.api}/repos/${repo.fullName}/commits/${sha}`,
        url: `${backend.site.api}/repos/${repo.fullName}/commits/${sha}/status`,
      }),
    );
  },
  "checks/list-for-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = await resolveOr422(repo, ctx.params["ref"] ?? "");
    let runs = repo.checkRuns.filter((r) => r.headSha === sha);
    const name = ctx.query.get("check_name");
    if (name) runs = runs.filter((r) => r.name === name);
    const status = ctx.query.get("status");
    if (status) runs = runs.filter((r) => r.status === status);
    const pulls = pullsFor(repo, backend, sha);
    return paginate(
      ctx,
      runs.map((r) => checkRunShape(backend.site, repo.info(), r, backend.ciApp(), pulls)),
      (page, total) => ({ total_count: total, check_runs: page }),
    );
  },
  "checks/list-suites-for-ref": async (ctx, backend) => {
    const repo = backend.repoFor(ctx);
    const sha = await resolveOr422(repo, ctx.params["ref"] ?? "");
    const commit = await repo.git.readCommit(sha);
    if (!commit) throw notFound();
    const pulls = pullsFor(repo, backend, sha);
    const suites = repo.checkSuites.filter((s) => s.headSha === sha);
    return paginate(
      ctx,
      suites.map((s) =>
        checkSuiteShape(
          backend.site,
          repo.info(),
          s,
          repo.checkRuns.filter((r) => r.suiteId === s.id),
          backend.ciApp(),
          commit,
          pulls,
        ),
      ),
      (page, total) => ({ total_count: total, check_suites: page }),
    );
  },
};

function pullsFor(repo: Repo, backend: Backend, sha: string): Record<string, unknown>[] {
  const u = `${backend.site.api}/repos/${repo.fullName}`;
  const info = repo.info();
  return [...repo.items.values()]
    .filter((i) => i.pull && i.state === "open" && i.pull.headSha === sha)
    .map((i) => ({
      id: i.id,
      number: i.number,
      url: `${u}/pulls/${i.number}`,
      head: { ref: i.pull?.headRef, sha: i.pull?.headSha, repo: { id: info.id, url: u, name: info.name } },
      base: { ref: i.pull?.baseRef, sha: i.pull?.baseSha, repo: { id: info.id, url: u, name: info.name } },
    }));
}

export function routeFor(operationId: string): Handler | undefined {
  return routes[operationId];
}

export function servedOperations(): string[] {
  return Object.keys(routes);
}

export function newToken(): string {
  return `ghs_${randomBytes(18).toString("base64url").replace(/[-_]/g, "x").slice(0, 36)}`;
}
