/**
 * The Probot app (`probot run ./dist/index.js`, or `argocd-image-pr run`). Wiring only: settings
 * from the environment into the reconcile app.
 */
import type { ApplicationFunction } from "probot";
import { createReconcileApp } from "./app/index.js";
import type { ReconcileAppHandle } from "./app/index.js";
import { gitHubHostsFromEnv } from "./cli/github-hosts.js";
import { loadRegistryOptions, type RegistryFlags } from "./cli/registry-options.js";
import { asUsageError } from "./errors/index.js";
import { checkSchedule, DEFAULT_SCHEDULE } from "./scheduler/index.js";

export { createReconcileApp } from "./app/index.js";

/** `run`'s flags, as `reconcile` takes them: registry files and deadlines, and the cluster to read Applications from. */
export interface AppFlags extends RegistryFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: readonly string[];
  readonly argocdNamespace?: string;
}

/**
 * The app as the environment (and `run`'s flags) configure it: SCHEDULE (cron, default every 2 minutes; `off`), the
 * registry settings `plan` reads (ARGOCD_IMAGE_PR_REGISTRIES, _DOCKER_CONFIG, _REGISTRY_TIMEOUT,
 * _CREDENTIALS_TIMEOUT). A bad value is a UsageError (exit 2) before anything starts.
 */
export async function appFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  flags: AppFlags = {},
): Promise<{ appFn: ApplicationFunction; handle: ReconcileAppHandle }> {
  const registry = await loadRegistryOptions(flags, env);
  const schedule = env["SCHEDULE"]?.trim() || DEFAULT_SCHEDULE;
  // Checked before Probot starts (its setup flow never loads the app): bad usage, exit 2.
  try {
    if (schedule !== "off") checkSchedule(schedule);
  } catch (error) {
    throw asUsageError(error);
  }
  const namespaces = flags.namespace ?? [];
  const cluster =
    flags.kubeconfig !== undefined || flags.context !== undefined || namespaces.length > 0
      ? {
          ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
          ...(flags.context === undefined ? {} : { context: flags.context }),
          ...(namespaces.length === 0 ? {} : { namespaces }),
        }
      : null;
  return createReconcileApp({
    registry,
    schedule: schedule === "off" ? null : schedule,
    debounceMs: 5_000,
    concurrency: 8,
    cluster,
    ...(flags.argocdNamespace === undefined ? {} : { argocdNamespace: flags.argocdNamespace }),
    gitHubHosts: gitHubHostsFromEnv(env),
  });
}

const app: ApplicationFunction = async (probot, options) => {
  const { appFn } = await appFromEnv();
  await appFn(probot, options);
};
export default app;
