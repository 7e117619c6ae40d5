/**
 * The `issue_comment` webhook wired to the command handler: the installation's client, the state
 * store, the repository's targets through the same engine a pass uses (a fresh registry client per
 * comment, closed after), and the app's debounced pass.
 */
import { describeError } from "../errors/index.js";
import { createCommentPort, createGitHubRepoPort, createStateStore, type GitHubClient } from "../github/index.js";
import type { Logger } from "../log/index.js";
import { createReconcileEngine, currentTags, gatherRepoTargets, listTargetTags, type ClusterOptions } from "../pipeline/index.js";
import { createRegistryClient, type RegistryClientOptions } from "../registry/index.js";
import { handleCommentCommand, screenComment, type CommentOutcome } from "./comment-commands.js";
import { parseCommentEvent } from "./comment-event.js";
import type { RepoTrigger } from "./triggers.js";

/** The events the comment handler subscribes to (app.yml lists them too). */
export const COMMENT_EVENTS = ["issue_comment"] as const;

export interface CommentWiring {
  clientFor(installationId: number): Promise<GitHubClient>;
  /** The app's own login, or null when GitHub did not say. */
  appLogin(): Promise<string | null>;
  request(trigger: RepoTrigger, log: Logger): void;
  readonly registry: RegistryClientOptions;
  readonly concurrency: number;
  /** The cluster a pass also reads Applications from (`run --kubeconfig`), so a command finds the same targets. */
  readonly cluster?: ClusterOptions | null;
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  readonly onComment?: (trigger: RepoTrigger, outcome: CommentOutcome | Error) => void;
}

export function createCommentHandler(wiring: CommentWiring): (payload: unknown, log: Logger) => Promise<void> {
  return async (payload, log) => {
    const event = parseCommentEvent(payload);
    if (event === null) {
      log.warn({ event: "issue_comment" }, "a webhook without the fields it always has; ignored");
      return;
    }
    const trigger: RepoTrigger = {
      installationId: event.installation.id,
      owner: event.repository.owner.login,
      repo: event.repository.name,
    };
    const { owner, repo } = trigger;
    const repoLog = log.child({ repo: `${owner}/${repo}`, installation: trigger.installationId });
    const appLogin = await wiring.appLogin();
    // Most comments hold no command: they cost no token, no registry client, no request.
    const screened = screenComment(event, appLogin);
    if (screened !== null) {
      wiring.onComment?.(trigger, { kind: "ignored", reason: screened });
      return;
    }
    const registry = createRegistryClient(wiring.registry);
    try {
      const client = await wiring.clientFor(trigger.installationId);
      const repoPort = createGitHubRepoPort({ client, owner, repo, log: repoLog });
      const engine = createReconcileEngine({
        registry,
        cluster: wiring.cluster ?? null,
        ...(wiring.argocdNamespace === undefined ? {} : { argocdNamespace: wiring.argocdNamespace }),
        ...(wiring.gitHubHosts === undefined ? {} : { gitHubHosts: wiring.gitHubHosts }),
        concurrency: wiring.concurrency,
      });
      const outcome = await handleCommentCommand(event, {
        port: createCommentPort({ client, owner, repo }),
        state: createStateStore({ client, owner, repo, log: repoLog }),
        targets: {
          gather: () => gatherRepoTargets(repoPort, engine),
          tags: (target) => listTargetTags(registry, target),
          current: (targets, defaultBranch) => currentTags(repoPort, engine, targets, defaultBranch),
        },
        appLogin,
        requestPass: () => wiring.request(trigger, log),
        now: Date.now,
        log: repoLog,
      });
      if (outcome.kind === "ignored") repoLog.debug({ comment: event.comment.id, reason: outcome.reason }, "comment ignored");
      wiring.onComment?.(trigger, outcome);
    } catch (error) {
      repoLog.error({ comment: event.comment.id, error: describeError(error) }, "comment command failed before its reply");
      wiring.onComment?.(trigger, error instanceof Error ? error : new Error(describeError(error)));
    } finally {
      await registry.close();
    }
  };
}
