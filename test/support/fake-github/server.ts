/**
 * The fake GitHub: an HTTP server on 127.0.0.1 that the real Octokit talks to. Every request is
 * matched to an operation of GitHub's OpenAPI description and validated (parameters, JSON body),
 * every response validated against that operation's response schema; whatever does not match, or
 * is not served, is answered with an error and recorded as a violation. Requests are handled one
 * at a time, so ref updates are true compare-and-swaps.
 */
import { createHash, generateKeyPair, randomUUID, verify, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitRepo } from "./git.js";
import {
  checkInput,
  checkSelections,
  evaluate,
  GraphqlExecutionError,
  GraphqlSchemaError,
  MUTATIONS,
  PAYLOAD_TYPES,
  parseDocument,
  select,
  type GqlObject,
} from "./graphql.js";
import { HttpError, notFound, type Auth, type Reply, type RouteContext } from "./http.js";
import { openApi, type OpenApi, type Operation } from "./openapi.js";
import { Repo, type FakeComment, type FakeIssue, type FakePull, type Hub } from "./repo.js";
import { newToken, routeFor, type Backend, type InstallationRecord, type TokenRecord } from "./routes.js";
import { appShape, checkSuiteShape, type AppInfo, type Site } from "./shapes.js";
import { now, nodeId, type FakeEvent, type MergeMethod, type Permission, type UserRecord } from "./state.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path after the API prefix, without the query (e.g. /repos/o/r/pulls). */
  readonly path: string;
  readonly query: string;
  /** OpenAPI operationId, `graphql:<mutation>` for GraphQL, or null for an unknown route. */
  readonly operationId: string | null;
  readonly status: number;
  readonly requestBody: unknown;
  readonly responseBody: unknown;
  /** ms since the epoch */
  readonly time: number;
  /** The reply was injected by failNext. */
  readonly injected: boolean;
  readonly violations: readonly string[];
  /** ms the fake took to answer */
  readonly duration: number;
}

export interface FailReply {
  readonly status: 500 | 502 | 403 | 429;
  readonly secondaryRateLimit?: boolean;
  readonly times?: number;
  /** seconds, for rate-limit replies; default 1 */
  readonly retryAfter?: number;
  /**
   * Carry the request out, then answer the failure instead of its result — what a gateway timeout
   * after the write looks like (the retry then meets e.g. "Reference already exists"). Default false:
   * the failure is answered before anything happens.
   */
  readonly applied?: boolean;
}

export interface CreateRepoOptions {
  readonly defaultBranch?: string;
  readonly files?: Record<string, string>;
  readonly allowAutoMerge?: boolean;
  readonly installationId?: number;
}

export interface FakeRepo {
  readonly fullName: string;
  readonly gitDir: string;
  push(branch: string, files: Record<string, string | null>, options?: { message?: string; author?: string }): Promise<string>;
  readFile(ref: string, path: string): Promise<string | null>;
  /** The unified diff a PR from `head` into `base` shows (merge base → head), as `git diff base...head`. */
  diff(base: string, head: string): Promise<string>;
  branches(): Promise<Record<string, string>>;
  pulls(): FakePull[];
  issues(): FakeIssue[];
  comments(issueNumber: number): FakeComment[];
  mergePull(number: number, options?: { by?: string; method?: MergeMethod }): Promise<string>;
  closePull(number: number, by?: string): void;
  reopenPull(number: number, by?: string): void;
  /** A person opens a pull request from `head` into `base` (as the web UI does); returns its number. */
  openPull(head: string, base: string, options: { by: string; title: string; body?: string }): Promise<number>;
  setCommitStatus(sha: string, state: "success" | "failure" | "pending", context?: string): void;
  /** A check run of the fake CI app on `sha`; `conclusion` null means still in progress. */
  setCheckRun(sha: string, name: string, conclusion: "success" | "failure" | "neutral" | "skipped" | null): void;
  setPermission(user: string, permission: Permission): void;
  addComment(issueNumber: number, user: string, body: string): FakeComment;
  /** A person opens an issue (the `issues` `opened` webhook); returns its number. */
  openIssue(user: string, title: string, body: string, labels?: readonly string[]): number;
  /** A person edits an issue's body, as ticking a task-list box in the UI does (`issues` `edited`, `changes.body.from`). */
  editIssue(issueNumber: number, user: string, body: string): void;
  closeIssue(issueNumber: number, by?: string): void;
  addLabel(number: number, name: string, by?: string): void;
  removeLabel(number: number, name: string, by?: string): void;
  addReview(number: number, user: string, state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED", body?: string): void;
  /** allow_merge_commit / allow_squash_merge / allow_rebase_merge / allow_auto_merge */
  setMergeOptions(options: { merge?: boolean; squash?: boolean; rebase?: boolean; autoMerge?: boolean }): void;
}

export interface FakeGitHub {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly appId: number;
  readonly appSlug: string;
  /** The app's bot login, `<slug>[bot]`: the author of everything the app writes. */
  readonly botLogin: string;
  readonly privateKey: string;
  readonly webhookSecret: string;
  createRepo(fullName: string, options?: CreateRepoOptions): Promise<FakeRepo>;
  repo(fullName: string): FakeRepo;
  addUser(login: string, options?: { type?: "User" | "Bot" }): void;
  readonly requests: readonly RecordedRequest[];
  writes(): RecordedRequest[];
  resetLog(): void;
  failNext(match: { method?: string; operationId?: string }, reply: FailReply): void;
  violations(): string[];
  assertNoViolations(): void;
  /** Webhooks GitHub would have delivered since the last resetEvents(), oldest first. */
  events(): FakeEvent[];
  resetEvents(): void;
  /** An installation access token, as `POST /app/installations/{id}/access_tokens` makes (for GITHUB_TOKEN-style auth). */
  installationToken(installationId: number): string;
  /** Resolves when the work test helpers queued (auto-merge after a status or label, …) is done. */
  idle(): Promise<void>;
  /** API calls that count against the rate limit (every recorded request but 304s). */
  readonly rateLimitUsed: number;
  close(): Promise<void>;
}

interface Failure {
  readonly method: string | undefined;
  readonly operationId: string | undefined;
  readonly reply: FailReply;
  remaining: number;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const GENERIC_STATUSES = new Set([304, 401, 403, 404, 429, 500, 502, 503]);

class Fake implements FakeGitHub, Backend, Hub {
  readonly requests: RecordedRequest[] = [];
  readonly users = new Map<string, UserRecord>();
  readonly appId: number;
  readonly appSlug = "argocd-image-pr-test";
  readonly botLogin: string;
  readonly webhookSecret = `whsec-${randomUUID()}`;
  readonly privateKey: string;
  readonly app: AppInfo;
  readonly site: Site;
  readonly #publicKey: KeyObject;
  readonly #repos = new Map<string, Repo>();
  readonly #installations = new Map<number, InstallationRecord>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #failures: Failure[] = [];
  readonly #events: FakeEvent[] = [];
  readonly #etags = new Map<string, { etag: string; lastModified: string }>();
  #id = 1000;
  #queue: Promise<void> = Promise.resolve();
  #used = 0;
  /** Errors of work a test helper queued (auto-merge after a status, …), reported by idle(). */
  readonly #background: unknown[] = [];

  constructor(
    readonly server: Server,
    readonly url: string,
    readonly graphqlUrl: string,
    readonly root: string,
    readonly api: OpenApi,
    readonly prefix: string,
    readonly graphqlPath: string,
    readonly lazyMergeable: boolean,
    keys: { readonly privateKey: KeyObject; readonly publicKey: KeyObject },
  ) {
    this.privateKey = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    this.#publicKey = keys.publicKey;
    this.appId = 4242;
    this.botLogin = `${this.appSlug}[bot]`;
    const origin = new URL(url).origin;
    this.site = { api: url, html: origin, host: new URL(url).host, user: (login) => this.ensureUser(login) };
    this.ensureUser("fake-apps", "Organization");
    this.ensureUser(this.botLogin, "Bot");
    this.ensureUser("octocat", "User");
    this.app = {
      id: this.appId,
      slug: this.appSlug,
      name: "argocd-image-pr (test)",
      nodeId: nodeId("A", this.appId),
      owner: "fake-apps",
      createdAt: now(),
      permissions: { checks: "read", contents: "write", issues: "write", metadata: "read", pull_requests: "write", statuses: "read" },
      events: ["check_suite", "issue_comment", "pull_request", "push", "status"],
    };
  }

  // ---- Hub / Backend -----------------------------------------------------------------------------

  nextId(): number {
    return ++this.#id;
  }

  ensureUser(login: string, type?: UserRecord["type"]): UserRecord {
    const found = this.users.get(login);
    if (found) return found;
    const id = this.nextId();
    const user: UserRecord = {
      login,
      id,
      nodeId: nodeId(type === "Organization" ? "O" : type === "Bot" ? "BOT" : "U", id),
      type: type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
    };
    this.users.set(login, user);
    return user;
  }

  emit(event: FakeEvent): void {
    this.#events.push(event);
  }

  installations(): InstallationRecord[] {
    return [...this.#installations.values()].sort((a, b) => a.id - b.id);
  }

  installationRepos(installationId: number): Repo[] {
    return [...this.#repos.values()].filter((r) => r.installationId === installationId);
  }

  issueToken(installationId: number, repositories: ReadonlySet<string> | undefined): { token: string; expiresAt: number } {
    const token = newToken();
    const expiresAt = Date.now() + 3600_000;
    this.#tokens.set(token, { installationId, expiresAt, repositories });
    return { token, expiresAt };
  }

  repoFor(ctx: RouteContext): Repo {
    const fullName = `${ctx.params["owner"]}/${ctx.params["repo"]}`;
    const repo = [...this.#repos.values()].find((r) => r.fullName.toLowerCase() === fullName.toLowerCase());
    if (!repo) throw notFound();
    if (ctx.auth.kind === "installation") {
      if (repo.installationId !== ctx.auth.installationId) throw notFound();
      if (ctx.auth.repositories && !ctx.auth.repositories.has(repo.fullName)) throw notFound();
    } else if (ctx.auth.kind === "app") {
      if (ctx.operation.operationId !== "apps/get-repo-installation")
        throw new HttpError(403, "Resource not accessible by integration: authenticate as an installation, not with the app's JWT");
    } else throw notFound();
    return repo;
  }

  ciApp(): Record<string, unknown> {
    const ci: AppInfo = {
      id: 15368,
      slug: "github-actions",
      name: "GitHub Actions",
      nodeId: nodeId("A", 15368),
      owner: "fake-apps",
      createdAt: this.app.createdAt,
      permissions: { checks: "write" },
      events: ["check_run"],
    };
    return appShape(this.site, ci);
  }

  // ---- the test API --------------------------------------------------------------------------------

  async createRepo(fullName: string, options: CreateRepoOptions = {}): Promise<FakeRepo> {
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(fullName)) throw new Error(`createRepo: "${fullName}" is not owner/name`);
    if (this.#repos.has(fullName)) throw new Error(`createRepo: ${fullName} exists already`);
    const [owner = ""] = fullName.split("/");
    this.ensureUser(owner, this.users.get(owner)?.type ?? "Organization");
    const installationId = options.installationId ?? this.#installationFor(owner);
    if (!this.#installations.has(installationId))
      this.#installations.set(installationId, { id: installationId, account: owner, createdAt: now() });
    const defaultBranch = options.defaultBranch ?? "main";
    const git = await GitRepo.init(join(this.root, `${fullName.replace("/", "+")}.git`), defaultBranch);
    const repo = new Repo(this, fullName, git, { defaultBranch, allowAutoMerge: options.allowAutoMerge ?? false, installationId });
    this.#repos.set(fullName, repo);
    await repo.push(defaultBranch, options.files ?? { "README.md": `# ${fullName}\n` }, { message: "Initial commit", author: owner });
    // The initial push is the repository's creation, not an event a test waits for.
    for (let i = this.#events.length - 1; i >= 0; i--) if (this.#events[i]?.repo === fullName) this.#events.splice(i, 1);
    return this.#view(repo);
  }

  #installationFor(owner: string): number {
    for (const installation of this.#installations.values()) if (installation.account === owner) return installation.id;
    return 100 + this.#installations.size + 1;
  }

  repo(fullName: string): FakeRepo {
    const repo = this.#repos.get(fullName);
    if (!repo) throw new Error(`fake GitHub has no repository ${fullName} (create it with createRepo)`);
    return this.#view(repo);
  }

  #view(repo: Repo): FakeRepo {
    const issue = (n: number): ReturnType<Repo["pull"]> => repo.pull(n);
    const later = (work: () => Promise<unknown>): void => {
      void this.#serial(work).catch((error: unknown) => this.#background.push(error));
    };
    // The repo handle's methods are plain functions that act on this server.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    return {
      fullName: repo.fullName,
      gitDir: repo.gitDir,
      push: (branch, files, options) => this.#serial(() => repo.push(branch, files, options ?? {})),
      readFile: (ref, path) => repo.readFile(ref, path),
      diff: async (base, head) =>
        (await repo.git.git(["diff", "--no-color", "--no-ext-diff", `${base}...${head}`])).stdout.toString("utf8"),
      branches: () => repo.branches(),
      pulls: () => repo.fakePulls(),
      issues: () => repo.fakeIssues(),
      comments: (n) => repo.fakeComments(n),
      mergePull: (n, options = {}) =>
        this.#serial(() => repo.merge(issue(n), options.by ?? "octocat", options.method ? { method: options.method } : {})),
      closePull(n, by = "octocat") {
        repo.closeIssue(issue(n), by);
      },
      reopenPull(n, by = "octocat") {
        repo.reopenIssue(issue(n), by);
        later(() => repo.refsChanged(by));
      },
      openPull: (head, base, options) =>
        this.#serial(async () => {
          const headSha = await repo.branchHead(head);
          const baseSha = await repo.branchHead(base);
          if (headSha === null || baseSha === null) throw new Error(`openPull: no branch ${headSha === null ? head : base}`);
          const opened = repo.openPull(options.by, options.title, options.body ?? null, {
            headRef: head,
            baseRef: base,
            headSha,
            baseSha,
            draft: false,
            maintainerCanModify: true,
          });
          return opened.number;
        }),
      setCommitStatus(sha, state, context = "ci/test") {
        const id = fake.nextId();
        const list = repo.statuses.get(sha) ?? [];
        list.push({ id, nodeId: nodeId("SC", id), context, state, description: null, targetUrl: null, createdAt: now() });
        repo.statuses.set(sha, list);
        repo.statusCreators.set(id, "octocat");
        const created = now();
        fake.emit({
          name: "status",
          action: undefined,
          repo: repo.fullName,
          payload: {
            id,
            sha,
            name: repo.fullName,
            target_url: null,
            avatar_url: null,
            context,
            description: null,
            state,
            commit: { sha, url: `${fake.url}/repos/${repo.fullName}/commits/${sha}` },
            branches: [],
            created_at: created,
            updated_at: created,
            ...repo.envelope("octocat"),
          },
        });
        later(() => repo.runAutoMerge());
      },
      setCheckRun(sha, name, conclusion) {
        let suite = repo.checkSuites.find((s) => s.headSha === sha);
        if (!suite) {
          const id = fake.nextId();
          suite = {
            id,
            nodeId: nodeId("CS", id),
            headSha: sha,
            headBranch: repo.fakePulls().find((p) => p.headSha === sha)?.head ?? null,
            createdAt: now(),
            updatedAt: now(),
          };
          repo.checkSuites.push(suite);
        }
        suite.updatedAt = now();
        const existing = repo.checkRuns.find((r) => r.headSha === sha && r.name === name);
        if (existing) {
          existing.status = conclusion === null ? "in_progress" : "completed";
          existing.conclusion = conclusion;
          existing.completedAt = conclusion === null ? null : now();
        } else {
          const id = fake.nextId();
          repo.checkRuns.push({
            id,
            nodeId: nodeId("CR", id),
            name,
            headSha: sha,
            status: conclusion === null ? "in_progress" : "completed",
            conclusion,
            startedAt: now(),
            completedAt: conclusion === null ? null : now(),
            suiteId: suite.id,
          });
        }
        const runs = repo.checkRuns.filter((r) => r.suiteId === suite.id);
        const done = suite;
        later(async () => {
          const commit = await repo.git.readCommit(sha);
          if (commit && runs.every((r) => r.status === "completed")) {
            const suitePulls = repo
              .fakePulls()
              .filter((p) => p.state === "open" && p.headSha === sha)
              .map((p) => ({
                id: p.number,
                number: p.number,
                url: `${fake.url}/repos/${repo.fullName}/pulls/${p.number}`,
                head: { ref: p.head, sha: p.headSha },
                base: { ref: p.base, sha: "" },
              }));
            fake.emit({
              name: "check_suite",
              action: "completed",
              repo: repo.fullName,
              payload: {
                action: "completed",
                check_suite: checkSuiteShape(fake.site, repo.info(), done, runs, fake.ciApp(), commit, suitePulls),
                ...repo.envelope("github-actions[bot]"),
              },
            });
          }
          await repo.runAutoMerge();
        });
      },
      setPermission(user, permission) {
        fake.ensureUser(user);
        repo.permissions.set(user, permission);
      },
      addComment(n, user, body) {
        fake.ensureUser(user);
        const comment = repo.newComment(repo.issue(n).number, user, body);
        return { id: comment.id, issueNumber: n, user, body, reactions: [] };
      },
      openIssue(user, title, body, labels = []) {
        fake.ensureUser(user);
        return repo.openIssue(user, title, body, labels).number;
      },
      editIssue(n, user, body) {
        fake.ensureUser(user);
        repo.editIssue(repo.issue(n), user, { body });
      },
      closeIssue(n, by = "octocat") {
        fake.ensureUser(by);
        repo.closeIssue(repo.issue(n), by);
      },
      addLabel(n, name, by = "octocat") {
        fake.ensureUser(by);
        repo.addLabels(repo.issue(n), [name], by);
        later(() => repo.runAutoMerge());
      },
      removeLabel(n, name, by = "octocat") {
        fake.ensureUser(by);
        if (!repo.removeLabel(repo.issue(n), name, by)) throw new Error(`removeLabel: #${n} has no label ${name}`);
      },
      addReview(n, user, state, body = "") {
        fake.ensureUser(user);
        const target = issue(n);
        const id = fake.nextId();
        target.pull.reviews.push({ id, nodeId: nodeId("PRR", id), user, state, body, commitId: target.pull.headSha, submittedAt: now() });
        const asked = target.pull.requestedReviewers.indexOf(user);
        if (asked !== -1) target.pull.requestedReviewers.splice(asked, 1);
      },
      setMergeOptions(options) {
        if (options.merge !== undefined) repo.allowMergeCommit = options.merge;
        if (options.squash !== undefined) repo.allowSquashMerge = options.squash;
        if (options.rebase !== undefined) repo.allowRebaseMerge = options.rebase;
        if (options.autoMerge !== undefined) repo.allowAutoMerge = options.autoMerge;
      },
    };
  }

  addUser(login: string, options: { type?: "User" | "Bot" } = {}): void {
    if (this.users.has(login)) throw new Error(`addUser: ${login} exists already`);
    this.ensureUser(login, options.type ?? "User");
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => WRITE_METHODS.has(r.method) && !(r.operationId ?? "").startsWith("graphql:query"));
  }

  resetLog(): void {
    this.requests.length = 0;
  }

  failNext(match: { method?: string; operationId?: string }, reply: FailReply): void {
    if (!match.method && !match.operationId) throw new Error("failNext: name a method or an operationId");
    this.#failures.push({ method: match.method?.toUpperCase(), operationId: match.operationId, reply, remaining: reply.times ?? 1 });
  }

  violations(): string[] {
    return this.requests.flatMap((r) =>
      r.violations.map(
        (v) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""} (${r.operationId ?? "no such operation"}) → ${r.status}: ${v}`,
      ),
    );
  }

  assertNoViolations(): void {
    const list = this.violations();
    if (list.length)
      throw new Error(`fake GitHub: ${list.length} request(s) GitHub would not have served as they were:\n  ${list.join("\n  ")}`);
  }

  events(): FakeEvent[] {
    return [...this.#events];
  }

  resetEvents(): void {
    this.#events.length = 0;
  }

  installationToken(installationId: number): string {
    if (!this.#installations.has(installationId)) throw new Error(`installationToken: no installation ${installationId}`);
    return this.issueToken(installationId, undefined).token;
  }

  async idle(): Promise<void> {
    await this.#serial(async () => undefined);
    const errors = this.#background.splice(0);
    if (errors.length) throw new AggregateError(errors, "fake GitHub: queued work failed");
  }

  get rateLimitUsed(): number {
    return this.#used;
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    for (const repo of this.#repos.values()) repo.git.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    rmSync(this.root, { recursive: true, force: true });
  }

  // ---- HTTP ----------------------------------------------------------------------------------------

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void this.#serial(() => this.#respond(req, res, Buffer.concat(chunks))).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ message: `fake GitHub crashed: ${error instanceof Error ? error.stack : String(error)}` }));
      });
    });
  }

  #auth(header: string | undefined): Auth | { invalid: string } {
    if (!header) return { kind: "none" };
    const [scheme = "", credential = ""] = header.split(" ", 2);
    if (!/^(bearer|token)$/i.test(scheme) || !credential) return { invalid: "Bad credentials" };
    const token = this.#tokens.get(credential);
    if (token) {
      if (token.expiresAt < Date.now()) return { invalid: "Bad credentials" };
      return { kind: "installation", installationId: token.installationId, repositories: token.repositories, token: credential };
    }
    const parts = credential.split(".");
    if (parts.length === 3) {
      const [head = "", payload = "", signature = ""] = parts;
      try {
        const header = JSON.parse(Buffer.from(head, "base64url").toString()) as { alg?: string };
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { iss?: unknown; exp?: number; iat?: number };
        if (header.alg !== "RS256") return { invalid: "'Expected an RS256 JWT'" };
        if (!verify("RSA-SHA256", Buffer.from(`${head}.${payload}`), this.#publicKey, Buffer.from(signature, "base64url")))
          return { invalid: "A JSON web token could not be decoded" };
        if (String(claims.iss) !== String(this.appId)) return { invalid: "Integration not found" };
        const seconds = Date.now() / 1000;
        if (typeof claims.exp !== "number" || claims.exp < seconds)
          return {
            invalid: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
          };
        if (typeof claims.iat !== "number" || claims.iat > seconds + 60 || claims.exp - claims.iat > 600)
          return { invalid: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
        return { kind: "app" };
      } catch {
        return { invalid: "A JSON web token could not be decoded" };
      }
    }
    return { invalid: "Bad credentials" };
  }

  async #respond(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const requestUrl = new URL(req.url ?? "/", this.site.html);
    const method = (req.method ?? "GET").toUpperCase();
    const violations: string[] = [];
    const started = performance.now();
    let requestBody: unknown;
    if (raw.length) {
      try {
        requestBody = JSON.parse(raw.toString("utf8"));
      } catch {
        violations.push("request body is not JSON");
        requestBody = raw.toString("utf8");
      }
    }
    const record = (path: string, operationId: string | null, reply: Reply, injected = false): void => {
      this.requests.push({
        method,
        path,
        query: requestUrl.searchParams.toString(),
        operationId,
        status: reply.status,
        requestBody,
        responseBody: reply.body ?? reply.raw?.toString("utf8"),
        time: Date.now(),
        injected,
        violations,
        duration: Math.round(performance.now() - started),
      });
    };
    const send = (reply: Reply, extra: Record<string, string> = {}): void => {
      const headers: Record<string, string> = {
        "x-github-request-id": randomUUID(),
        "x-github-api-version-selected": "2022-11-28",
        ...extra,
        ...(reply.headers ?? {}),
      };
      if (reply.status !== 304) {
        this.#used += 1;
        headers["x-ratelimit-limit"] = "5000";
        headers["x-ratelimit-used"] = String(this.#used);
        headers["x-ratelimit-remaining"] = String(Math.max(0, 5000 - this.#used));
        headers["x-ratelimit-reset"] = String(Math.floor(Date.now() / 1000) + 3600);
        headers["x-ratelimit-resource"] = "core";
        headers["x-ratelimit-remaining"] = headers["x-ratelimit-remaining"] ?? "";
      }
      if (method === "HEAD") {
        res.writeHead(reply.status, headers);
        res.end();
        return;
      }
      if (reply.raw && reply.status !== 304) {
        res.writeHead(reply.status, headers);
        res.end(reply.raw);
        return;
      }
      if (reply.body === undefined || reply.status === 304 || reply.status === 204) {
        res.writeHead(reply.status, headers);
        res.end();
        return;
      }
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(reply.body));
    };

    const auth = this.#auth(req.headers.authorization);
    if ("invalid" in auth) {
      const reply = new HttpError(401, auth.invalid).reply();
      record(requestUrl.pathname, null, reply);
      return send(reply);
    }

    if (method === "POST" && requestUrl.pathname === this.graphqlPath) {
      const { operationId, reply } = await this.#graphql(auth, requestBody, violations);
      record(requestUrl.pathname, operationId, reply);
      return send(reply);
    }

    if (!requestUrl.pathname.startsWith(`${this.prefix}/`)) {
      violations.push(`the API lives under ${this.prefix || "/"}; ${requestUrl.pathname} is outside it`);
      const reply = notFound().reply();
      record(requestUrl.pathname, null, reply);
      return send(reply);
    }
    const path = requestUrl.pathname.slice(this.prefix.length);
    const match = this.api.match(method === "HEAD" ? "GET" : method, path);
    if (match === null || match === "method-not-allowed") {
      violations.push(
        match === null
          ? `no operation of GitHub's REST API is ${method} ${path}`
          : `${path} exists in GitHub's REST API, but not for ${method}`,
      );
      process.stderr.write(`fake GitHub: ${method} ${path} is not a GitHub REST operation (recorded as a violation)\n`);
      const reply = notFound().reply();
      record(path, null, reply);
      return send(reply);
    }
    const { operation, pathParams } = match;
    const handler = routeFor(operation.operationId);
    violations.push(...this.api.validateRequest(operation, pathParams, requestUrl.searchParams, requestBody));
    if (!handler) {
      violations.push(
        `the fake does not serve ${operation.operationId} (${method} ${operation.template}); add it to test/support/fake-github/routes.ts`,
      );
      process.stderr.write(
        `fake GitHub: ${operation.operationId} (${method} ${operation.template}) is not served by the fake (recorded as a violation)\n`,
      );
    }
    if (!handler || violations.length) {
      const reply = handler
        ? new HttpError(
            422,
            "Invalid request.",
            violations.map((message) => ({ resource: "fake-github", code: "invalid", message })),
          ).reply()
        : notFound().reply();
      record(path, operation.operationId, reply);
      return send(reply);
    }

    const failure = this.#failures.find(
      (f) => (!f.method || f.method === method) && (!f.operationId || f.operationId === operation.operationId),
    );
    if (failure && !failure.reply.applied) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      const reply = injected(failure.reply);
      record(path, operation.operationId, reply, true);
      return send(reply);
    }

    if (auth.kind === "none") {
      const reply = new HttpError(401, "Requires authentication").reply();
      record(path, operation.operationId, reply);
      return send(reply);
    }

    const ctx: RouteContext = {
      method,
      path,
      query: requestUrl.searchParams,
      params: pathParams,
      body: requestBody,
      headers: req.headers,
      auth,
      operation,
      requestUrl,
    };
    let reply: Reply;
    try {
      reply = await handler(ctx, this);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      reply = error.reply();
    }
    if (failure?.reply.applied) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      const failed = injected(failure.reply);
      record(path, operation.operationId, failed, true);
      return send(failed);
    }
    if (!reply.raw && (!GENERIC_STATUSES.has(reply.status) || String(reply.status) in operation.responses))
      violations.push(...this.#checkResponse(operation, reply));

    const extra: Record<string, string> = {};
    if (method === "GET" && reply.status === 200) {
      const identity = auth.kind === "installation" ? auth.token : auth.kind;
      const body = reply.raw ?? JSON.stringify(reply.body ?? null);
      const etag = `W/"${createHash("sha256").update(identity).update("\0").update(body).digest("hex").slice(0, 40)}"`;
      const key = `${identity} ${requestUrl.pathname}?${requestUrl.searchParams.toString()}`;
      const seen = this.#etags.get(key);
      const lastModified = seen && seen.etag === etag ? seen.lastModified : new Date().toUTCString();
      this.#etags.set(key, { etag, lastModified });
      extra["etag"] = etag;
      extra["last-modified"] = lastModified;
      extra["cache-control"] = "private, max-age=60, s-maxage=60";
      extra["vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP";
      const ifNoneMatch = req.headers["if-none-match"];
      const ifModifiedSince = req.headers["if-modified-since"];
      const fresh =
        ifNoneMatch !== undefined
          ? ifNoneMatch
              .split(",")
              .map((t) => t.trim())
              .some((t) => t === etag || t === etag.slice(2) || t === "*")
          : ifModifiedSince !== undefined && seen?.etag === etag && Date.parse(ifModifiedSince) >= Date.parse(lastModified);
      if (fresh) {
        const notModified: Reply = { status: 304 };
        record(path, operation.operationId, notModified);
        return send(notModified, extra);
      }
    }
    record(path, operation.operationId, reply);
    send(reply, extra);
  }

  #checkResponse(operation: Operation, reply: Reply): string[] {
    return this.api
      .validateResponse(operation, reply.status, reply.body)
      .map((v) => `the fake's own response is wrong (a bug in the fake): ${v}`);
  }

  async #graphql(auth: Auth, body: unknown, violations: string[]): Promise<{ operationId: string; reply: Reply }> {
    const payload = (body ?? {}) as { query?: unknown; variables?: unknown };
    const fail = (
      operationId: string,
      message: string,
      extensions: Record<string, unknown> = {},
    ): { operationId: string; reply: Reply } => {
      violations.push(`GraphQL: ${message}`);
      return { operationId, reply: { status: 200, body: { errors: [{ message, extensions, locations: [] }] } } };
    };
    if (auth.kind !== "installation")
      return {
        operationId: "graphql",
        reply: {
          status: 401,
          body: {
            message: "This endpoint requires you to be authenticated.",
            documentation_url: "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql",
          },
        },
      };
    if (typeof payload.query !== "string") return fail("graphql", "A query attribute must be specified and must be a string.");
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    let operationId = "graphql";
    try {
      const document = parseDocument(payload.query);
      const names = document.selections.map((f) => f.name);
      operationId = `graphql:${document.operation === "query" ? "query" : names.join(",")}`;
      if (document.operation !== "mutation")
        throw new GraphqlSchemaError(
          "the fake serves only the mutations enablePullRequestAutoMerge and disablePullRequestAutoMerge",
          "undefinedField",
        );
      for (const name of Object.keys(variables))
        if (!document.variables[name])
          throw new GraphqlSchemaError(`Variable $${name} is not declared by the operation`, "variableNotDeclared");
      const data: Record<string, unknown> = {};
      const errors: Record<string, unknown>[] = [];
      // The whole document is checked first; only a valid one runs (as GitHub validates before executing).
      const inputs: { field: (typeof document.selections)[number]; input: Record<string, unknown> }[] = [];
      for (const field of document.selections) {
        const inputType = MUTATIONS[field.name];
        if (!inputType) throw new GraphqlSchemaError(`Field '${field.name}' doesn't exist on type 'Mutation'`, "undefinedField");
        for (const arg of Object.keys(field.args))
          if (arg !== "input")
            throw new GraphqlSchemaError(`Field '${field.name}' doesn't accept argument '${arg}'`, "argumentNotAccepted");
        const inputArg = field.args["input"];
        if (!inputArg)
          throw new GraphqlSchemaError(`Field '${field.name}' is missing required arguments: input`, "missingRequiredArguments");
        if (inputArg.kind === "var") {
          const declared = document.variables[inputArg.name];
          if (!declared)
            throw new GraphqlSchemaError(`Variable $${inputArg.name} is used by ${field.name} but not declared`, "variableNotDefined");
          if (declared.type !== `${inputType}!`)
            throw new GraphqlSchemaError(
              `Type mismatch on variable $${inputArg.name} and argument input (${declared.type} / ${inputType}!)`,
              "variableMismatch",
            );
        }
        const input = checkInput(inputType, evaluate(inputArg, variables));
        checkSelections(PAYLOAD_TYPES[field.name] ?? "", field.selections, field.name);
        inputs.push({ field, input });
      }
      for (const { field, input } of inputs) {
        try {
          data[field.alias || field.name] = await this.#mutate(auth, field.name, input, field.selections);
        } catch (error) {
          if (!(error instanceof GraphqlExecutionError)) throw error;
          data[field.alias || field.name] = null;
          errors.push({ type: error.type, path: [field.alias || field.name], locations: [], message: error.message });
        }
      }
      return { operationId, reply: { status: 200, body: errors.length ? { data, errors } : { data } } };
    } catch (error) {
      if (error instanceof GraphqlSchemaError) return fail(operationId, error.message, { code: error.code });
      throw error;
    }
  }

  async #mutate(
    auth: Auth & { kind: "installation" },
    name: string,
    input: Record<string, unknown>,
    selections: Parameters<typeof select>[1],
  ): Promise<unknown> {
    const id = String(input["pullRequestId"]);
    let repo: Repo | undefined;
    let issue: ReturnType<Repo["pull"]> | undefined;
    for (const candidate of this.#repos.values()) {
      const found = candidate.pullByNodeId(id);
      if (found) {
        repo = candidate;
        issue = found;
      }
    }
    if (!repo || !issue || repo.installationId !== auth.installationId || (auth.repositories && !auth.repositories.has(repo.fullName)))
      throw new GraphqlExecutionError(`Could not resolve to a node with the global id of '${id}'`, "NOT_FOUND");
    const pull = issue.pull;
    if (name === "enablePullRequestAutoMerge") {
      if (!repo.allowAutoMerge)
        throw new GraphqlExecutionError("Pull request Auto merge is not allowed for this repository", "UNPROCESSABLE");
      if (issue.state !== "open") throw new GraphqlExecutionError("Pull request is closed", "UNPROCESSABLE");
      if (input["expectedHeadOid"] !== undefined && input["expectedHeadOid"] !== pull.headSha)
        throw new GraphqlExecutionError("Head branch was modified. Review and try the merge again.", "UNPROCESSABLE");
      const method = String(input["mergeMethod"] ?? "MERGE").toLowerCase() as MergeMethod;
      if (!repo.methodAllowed(method))
        throw new GraphqlExecutionError(
          `Pull request ${method === "merge" ? "Merge commits" : method === "squash" ? "Squash merges" : "Rebase merges"} are not allowed on this repository.`,
          "UNPROCESSABLE",
        );
      const state = await repo.mergeability(issue);
      if (state.state === "clean") throw new GraphqlExecutionError("Pull request is in clean status", "UNPROCESSABLE");
      pull.autoMerge = {
        enabledBy: this.botLogin,
        mergeMethod: method,
        commitTitle: String(input["commitHeadline"] ?? ""),
        commitMessage: String(input["commitBody"] ?? ""),
        enabledAt: now(),
      };
      issue.updatedAt = now();
      await repo.emitPull(issue, "auto_merge_enabled", this.botLogin);
    } else {
      if (pull.autoMerge) {
        pull.autoMerge = null;
        issue.updatedAt = now();
        await repo.emitPull(issue, "auto_merge_disabled", this.botLogin);
      }
    }
    const html = `${this.site.html}/${repo.fullName}/pull/${issue.number}`;
    const user = (login: string): GqlObject => ({
      __typename: login.endsWith("[bot]") ? "Bot" : "User",
      login,
      id: this.ensureUser(login).nodeId,
    });
    const autoMerge = pull.autoMerge;
    const pullRequest: GqlObject = {
      __typename: "PullRequest",
      id: issue.nodeId,
      number: issue.number,
      title: issue.title,
      url: html,
      state: pull.merged ? "MERGED" : issue.state === "open" ? "OPEN" : "CLOSED",
      merged: pull.merged,
      headRefName: pull.headRef,
      baseRefName: pull.baseRef,
      headRefOid: pull.headSha,
      autoMergeRequest: autoMerge
        ? {
            __typename: "AutoMergeRequest",
            enabledAt: autoMerge.enabledAt,
            mergeMethod: autoMerge.mergeMethod.toUpperCase(),
            commitHeadline: autoMerge.commitTitle,
            commitBody: autoMerge.commitMessage,
            authorEmail: null,
            enabledBy: user(autoMerge.enabledBy),
          }
        : null,
    };
    const result: GqlObject = {
      __typename: name === "enablePullRequestAutoMerge" ? "EnablePullRequestAutoMergePayload" : "DisablePullRequestAutoMergePayload",
      clientMutationId: input["clientMutationId"] ?? null,
      actor: user(this.botLogin),
      pullRequest,
    };
    return select(result, selections, name);
  }
}

function injected(reply: FailReply): Reply {
  const retryAfter = String(reply.retryAfter ?? 1);
  if (reply.secondaryRateLimit) {
    return {
      status: reply.status,
      body: {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE:0000.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
      headers: { "retry-after": retryAfter },
    };
  }
  if (reply.status === 429 || reply.status === 403) {
    if (reply.status === 403)
      return {
        status: 403,
        body: { message: "Resource not accessible by integration", documentation_url: "https://docs.github.com/rest" },
      };
    return {
      status: 429,
      body: {
        message: "API rate limit exceeded for installation.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      },
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + Number(retryAfter)),
        "retry-after": retryAfter,
      },
    };
  }
  return { status: reply.status, body: { message: reply.status === 502 ? "Server Error" : "Internal Server Error" } };
}

export interface StartOptions {
  /** Serve under /api/v3, GraphQL at /api/graphql, validated against the GHES 3.19 description. */
  readonly ghes?: boolean;
  /** The first GET of a PR after its head or base moved answers `mergeable: null` (GitHub computes it in the background). */
  readonly lazyMergeable?: boolean;
}

export async function startFakeGitHub(options: StartOptions = {}): Promise<FakeGitHub> {
  // Generated off the main thread (RSA key generation can take a second on a busy machine).
  const keys = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 });
  const api = openApi(options.ghes ? "ghes-3.19" : "api.github.com");
  const root = mkdtempSync(join(tmpdir(), "fake-github-"));
  // Assigned once the server listens; the request handler above it reads it.
  // eslint-disable-next-line prefer-const
  let fake: Fake | undefined;
  const server = createServer((req, res) => {
    if (!fake) {
      res.writeHead(503).end();
      return;
    }
    fake.handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  const prefix = options.ghes ? "/api/v3" : "";
  const graphqlPath = options.ghes ? "/api/graphql" : "/graphql";
  fake = new Fake(
    server,
    `${origin}${prefix}`,
    `${origin}${graphqlPath}`,
    root,
    api,
    prefix,
    graphqlPath,
    options.lazyMergeable ?? false,
    keys,
  );
  return fake;
}
