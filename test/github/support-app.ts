/**
 * The Probot app as `argocd-image-pr run` starts it, on the fake GitHub: webhooks delivered signed
 * (as GitHub would), every pass and every comment handled recorded, and a wait for all of it.
 */
import { Probot, ProbotOctokit } from "probot";
import pino from "pino";
import { createReconcileApp, type CommentOutcome } from "../../src/app/index.js";
import { writeGroup } from "../../src/github/index.js";
import type { ClusterOptions, ReconcileReport } from "../../src/pipeline/index.js";
import { signedWebhook, type FakeGitHub } from "../support/fake-github/index.js";

export interface AppUnderTest {
  readonly probot: Probot;
  /** `owner/repo <action kinds>` per pass, or `owner/repo error …`. */
  readonly passes: string[];
  /** What each handled comment came to, in order. */
  readonly comments: (CommentOutcome | Error)[];
  deliver(event: { name: string; payload: object }): Promise<void>;
  /** Waits for every handler and pass (and for `passes` to reach `expected`). */
  idle(expected?: number): Promise<void>;
  stop(): void;
}

export async function startApp(fake: FakeGitHub, options: { debounceMs?: number; cluster?: ClusterOptions } = {}): Promise<AppUnderTest> {
  const passes: string[] = [];
  const comments: (CommentOutcome | Error)[] = [];
  const { appFn, handle } = createReconcileApp({
    registry: {},
    schedule: null,
    debounceMs: options.debounceMs ?? 200,
    concurrency: 4,
    cluster: options.cluster ?? null,
    onPass: (trigger, report: ReconcileReport | Error) => {
      passes.push(
        `${trigger.owner}/${trigger.repo} ${report instanceof Error ? `error ${report.message}` : report.actions.map((a) => a.kind).join(",") || "nothing"}`,
      );
    },
    onComment: (_trigger, outcome) => comments.push(outcome),
  });
  // A function, not an object: Probot hands every Octokit it makes its own `throttle`, which would
  // replace an object default's whole (and with it the groups that keep writes and comments unspaced).
  const Octokit = ProbotOctokit.defaults((instance: { throttle?: object }) => ({
    ...instance,
    throttle: { ...instance.throttle, write: writeGroup(0), notifications: writeGroup(0, "notifications"), retryAfterBaseValue: 1 },
    retry: { retryAfterBaseValue: 1 },
  }));
  const probot = new Probot({
    appId: fake.appId,
    privateKey: fake.privateKey,
    secret: fake.webhookSecret,
    baseUrl: fake.url,
    Octokit,
    log: pino({ level: process.env["TEST_LOG"] ?? "silent" }),
  });
  await probot.load(appFn);
  return {
    probot,
    passes,
    comments,
    async deliver(event) {
      const signed = signedWebhook(fake, event.name, event.payload);
      await probot.webhooks.verifyAndReceive({
        id: signed.headers["x-github-delivery"] ?? "",
        name: event.name as "push",
        signature: signed.headers["x-hub-signature-256"] ?? "",
        payload: signed.body,
      });
    },
    async idle(expected?: number) {
      await handle.idle();
      for (let i = 0; i < 1200 && (handle.pending() > 0 || (expected !== undefined && passes.length < expected)); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    stop: () => handle.stop(),
  };
}
