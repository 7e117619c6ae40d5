/**
 * The Probot app (`probot run ./dist/index.js`, or `argocd-image-pr run`). Wiring only: settings
 * from the environment into the reconcile app.
 */
import type { ApplicationFunction } from "probot";
import { createReconcileApp } from "./app/index.js";
import type { ReconcileAppHandle } from "./app/index.js";
import { loadRegistryOptions } from "./cli/registry-options.js";
import { asUsageError } from "./errors/index.js";
import { checkSchedule, DEFAULT_SCHEDULE } from "./scheduler/index.js";

export { createReconcileApp } from "./app/index.js";

/**
 * The app as the environment configures it: SCHEDULE (cron, default every 2 minutes; `off`), the
 * registry settings `plan` reads (ARGOCD_IMAGE_PR_REGISTRIES, _DOCKER_CONFIG, _REGISTRY_TIMEOUT,
 * _CREDENTIALS_TIMEOUT). A bad value is a UsageError (exit 2) before anything starts.
 */
export async function appFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ appFn: ApplicationFunction; handle: ReconcileAppHandle }> {
  const registry = await loadRegistryOptions({}, env);
  const schedule = env["SCHEDULE"]?.trim() || DEFAULT_SCHEDULE;
  // Checked before Probot starts (its setup flow never loads the app): bad usage, exit 2.
  try {
    if (schedule !== "off") checkSchedule(schedule);
  } catch (error) {
    throw asUsageError(error);
  }
  return createReconcileApp({ registry, schedule: schedule === "off" ? null : schedule, debounceMs: 5_000, concurrency: 8 });
}

const app: ApplicationFunction = async (probot, options) => {
  const { appFn } = await appFromEnv();
  await appFn(probot, options);
};
export default app;
