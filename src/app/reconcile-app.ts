/**
 * The Probot app: webhooks and a cron tick ask for a repository's pass; passes are debounced per
 * repository and never run twice at once for one repository. Each pass authenticates as the
 * repository's installation (Probot's Octokit: throttling and retry) and uses a fresh registry client.
 */
import type { ApplicationFunction, Probot } from "probot";
import { describeError } from "../errors/index.js";
import {
  ConditionalCache,
  countRequests,
  createDashboardIssue,
  createGitHubRepoPort,
  createStateStore,
  type GitHubClient,
  type GitHubRepoPort,
  type StateStore,
} from "../github/index.js";
import type { Logger } from "../log/index.js";
import { createReconcileEngine, createRepoLock, reconcileRepo, type ClusterOptions, type ReconcileReport } from "../pipeline/index.js";
import { createRegistryClient, createTagDetailsCache, type RegistryClientOptions } from "../registry/index.js";
import { createDebouncer, startSchedule, type Debouncer, type Schedule } from "../scheduler/index.js";
import { COMMENT_EVENTS, createCommentHandler } from "./comment-app.js";
import type { CommentOutcome } from "./comment-commands.js";
import { actOnDashboardEdit, DASHBOARD_EVENTS, dashboardEditOf } from "./dashboard-edits.js";
import { TRIGGER_EVENTS, triggersOf, type RepoTrigger } from "./triggers.js";

export interface ReconcileAppOptions {
  readonly registry: RegistryClientOptions;
  /** Cron expression; null: no schedule (webhooks only). */
  readonly schedule: string | null;
  readonly debounceMs: number;
  readonly concurrency: number;
  /** Also read Applications from this cluster (those whose source is the repository); null or absent: the repository only. */
  readonly cluster?: ClusterOptions | null;
  /** Argo CD's control-plane namespace (default `argocd`). */
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  /** Called after every pass (tests and metrics). */
  readonly onPass?: (trigger: RepoTrigger, report: ReconcileReport | Error) => void;
  /** Called after every comment handled (tests and metrics). */
  readonly onComment?: (trigger: RepoTrigger, outcome: CommentOutcome | Error) => void;
}

export interface ReconcileAppHandle {
  /** Resolves when no pass is pending or running. */
  idle(): Promise<void>;
  /** Passes requested and not finished. */
  pending(): number;
  /** Passes of every installed repository now (what a cron tick does). */
  tick(): Promise<void>;
  stop(): void;
}

/** Repositories whose port (conditional reads, commits, trees) and state store a process keeps between passes. */
const KEPT_REPOSITORIES = 64;

/** The app function for Probot, and a handle to wait for or stop its passes. */
export function createReconcileApp(options: ReconcileAppOptions): { appFn: ApplicationFunction; handle: ReconcileAppHandle } {
  const lock = createRepoLock();
  const debouncer: Debouncer = createDebouncer(options.debounceMs);
  let schedule: Schedule | null = null;
  let probot: Probot | null = null;
  let botLogin: string | null = null;
  // The app's login, asked of GitHub once (set when the app loads): a scheduled pass before any webhook knows it too.
  let loginOf: () => Promise<string | null> = () => Promise.resolve(botLogin);
  const clients = new Map<number, GitHubClient>();
  const handlers = new Set<Promise<void>>();
  // Tags are immutable: their details are kept across passes; each pass still lists tags afresh.
  const tagCache = options.registry.tagCache ?? createTagDetailsCache();

  async function clientFor(installationId: number): Promise<GitHubClient> {
    if (probot === null) throw new Error("the app is not loaded");
    const kept = clients.get(installationId);
    if (kept !== undefined) return kept;
    const client = countRequests((await probot.auth(installationId)) as unknown as GitHubClient);
    clients.set(installationId, client);
    return client;
  }

  async function pass(trigger: RepoTrigger, log: Logger): Promise<void> {
    const registry = createRegistryClient({ ...options.registry, tagCache });
    try {
      const client = await clientFor(trigger.installationId);
      const { port, state } = keptFor(trigger, client, log);
      const engine = createReconcileEngine({
        registry,
        cluster: options.cluster ?? null,
        ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
        ...(options.gitHubHosts === undefined ? {} : { gitHubHosts: options.gitHubHosts }),
        concurrency: options.concurrency,
      });
      const appLogin = await loginOf();
      const report = await reconcileRepo({
        port,
        engine,
        dryRun: false,
        log,
        lock,
        state,
        dashboard: dashboardFor(trigger, client, log),
        ...(appLogin === null ? {} : { appLogin }),
      });
      options.onPass?.(trigger, report);
    } catch (error) {
      log.error({ error: describeError(error) }, "reconcile pass failed");
      options.onPass?.(trigger, error instanceof Error ? error : new Error(describeError(error)));
    } finally {
      await registry.close();
    }
  }

  // Each repository's port and state store are kept across passes (the most recently used ones), so
  // a pass with nothing new asks GitHub only conditionally (304s, free of the rate limit) and reads
  // no commit or tree twice. Keyed by installation too: a re-installed app gets fresh ones.
  const kept = new Map<string, { port: GitHubRepoPort; state: StateStore }>();
  function keptFor(trigger: RepoTrigger, client: GitHubClient, log: Logger): { port: GitHubRepoPort; state: StateStore } {
    const key = `${trigger.installationId}:${trigger.owner}/${trigger.repo}`.toLowerCase();
    const found = kept.get(key);
    if (found !== undefined) {
      kept.delete(key);
      kept.set(key, found);
      return found;
    }
    const at = { client, owner: trigger.owner, repo: trigger.repo, log };
    const made = { port: createGitHubRepoPort(at), state: createStateStore(at) };
    kept.set(key, made);
    for (const oldest of kept.keys()) {
      if (kept.size <= KEPT_REPOSITORIES) break;
      kept.delete(oldest);
    }
    return made;
  }

  // The dashboard's conditional reads are kept across passes, per repository.
  const dashboardCaches = new Map<string, ConditionalCache>();
  function dashboardFor(trigger: RepoTrigger, client: GitHubClient, log: Logger) {
    const key = `${trigger.owner}/${trigger.repo}`.toLowerCase();
    const cache = dashboardCaches.get(key) ?? new ConditionalCache(50);
    dashboardCaches.set(key, cache);
    const at = { client, owner: trigger.owner, repo: trigger.repo, log };
    return { issue: createDashboardIssue({ ...at, botLogin, cache }) };
  }

  const requested = new Set<string>();
  function request(trigger: RepoTrigger, log: Logger): void {
    const key = `${trigger.owner}/${trigger.repo}`.toLowerCase();
    requested.add(key);
    debouncer.trigger(key, () =>
      pass(trigger, log.child({ repo: `${trigger.owner}/${trigger.repo}`, installation: trigger.installationId })).finally(() =>
        requested.delete(key),
      ),
    );
  }

  async function tick(log: Logger): Promise<void> {
    if (probot === null) return;
    const app = await probot.auth();
    const installations = await app.paginate("GET /app/installations", { per_page: 100 });
    for (const installation of installations) {
      const client = await clientFor(installation.id);
      const repos = await client.paginate("GET /installation/repositories", { per_page: 100 });
      for (const repo of repos) request({ installationId: installation.id, owner: repo.owner.login, repo: repo.name }, log);
    }
  }

  const appFn: ApplicationFunction = (app) => {
    probot = app;
    const log = app.log as unknown as Logger;
    function track(handling: Promise<void>): Promise<void> {
      const tracked = handling.finally(() => handlers.delete(tracked));
      handlers.add(tracked);
      return tracked;
    }
    app.on([...TRIGGER_EVENTS], (context) => track(handle(context.name, context.payload as unknown as Readonly<Record<string, unknown>>)));
    const comment = createCommentHandler({
      clientFor,
      appLogin: ownLogin,
      request,
      registry: { ...options.registry, tagCache },
      concurrency: options.concurrency,
      cluster: options.cluster ?? null,
      ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
      ...(options.gitHubHosts === undefined ? {} : { gitHubHosts: options.gitHubHosts }),
      ...(options.onComment === undefined ? {} : { onComment: options.onComment }),
    });
    app.on([...COMMENT_EVENTS], (context) => track(comment(context.payload, log)));
    loginOf = ownLogin;
    app.on([...DASHBOARD_EVENTS], (context) => track(dashboardEdited(context.payload as unknown as Readonly<Record<string, unknown>>)));
    async function dashboardEdited(payload: Readonly<Record<string, unknown>>): Promise<void> {
      const edit = dashboardEditOf(payload, await ownLogin());
      if (edit === null) return;
      const repoLog = log.child({ repo: `${edit.trigger.owner}/${edit.trigger.repo}`, installation: edit.trigger.installationId });
      try {
        const client = await clientFor(edit.trigger.installationId);
        await actOnDashboardEdit(edit, { client, log: repoLog, now: () => new Date(), requestPass: (trigger) => request(trigger, log) });
      } catch (error) {
        repoLog.error({ error: describeError(error) }, "dashboard ticks not acted on");
      }
    }
    async function ownLogin(): Promise<string | null> {
      if (botLogin === null) {
        try {
          const { data } = await (await app.auth()).request("GET /app");
          botLogin = `${data?.slug ?? ""}[bot]`;
        } catch (error) {
          log.warn(
            { error: describeError(error) },
            "could not read the app's own login; its own events are recognised by the Bot type only",
          );
        }
      }
      return botLogin;
    }
    async function handle(name: string, payload: Readonly<Record<string, unknown>>): Promise<void> {
      for (const trigger of triggersOf(name, payload, await ownLogin())) request(trigger, log);
    }
    if (options.schedule !== null) {
      schedule = startSchedule(options.schedule, () =>
        tick(log).catch((error: unknown) => log.error({ error: describeError(error) }, "scheduled pass failed")),
      );
    }
  };

  return {
    appFn,
    handle: {
      async idle() {
        while (handlers.size > 0) await Promise.all([...handlers]);
        await debouncer.idle();
      },
      pending: () => requested.size + handlers.size,
      tick: () => tick((probot?.log ?? null) as unknown as Logger),
      stop() {
        schedule?.stop();
        debouncer.stop();
      },
    },
  };
}
