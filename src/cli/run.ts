/** `argocd-image-pr run`: the Probot server (webhooks, the schedule, Probot's setup flow when no app is registered). Wiring only. */
import type { Command } from "commander";
import { UsageError } from "../errors/index.js";
import type { AppFlags } from "../index.js";

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("start the GitHub App: webhooks at /api/github/webhooks and a pass of every installed repository on SCHEDULE")
    .option(
      "--registries <file>",
      "registries configuration (argocd-image-updater's registries.conf format; env ARGOCD_IMAGE_PR_REGISTRIES)",
    )
    .option("--docker-config <file>", "Docker config JSON with registry credentials (env ARGOCD_IMAGE_PR_DOCKER_CONFIG)")
    .option("--registry-timeout <seconds>", "deadline of each registry request (default 30; env ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT)")
    .option(
      "--credentials-timeout <seconds>",
      "deadline of an ext: credential script (default 30; env ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT)",
    )
    .option("--kubeconfig <file>", "also read Applications from the cluster of this kubeconfig (those whose source is the repository)")
    .option("--context <name>", "kubeconfig context")
    .option(
      "--namespace <ns>",
      "namespace to read Applications from; repeatable (default: all; alone: the in-cluster service account)",
      collect,
      [],
    )
    .option("--argocd-namespace <ns>", "Argo CD's control-plane namespace", "argocd")
    .addHelpText(
      "after",
      "\nSettings (environment, see .env.example): APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL,\nGHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server, SCHEDULE (cron, default */2 * * * *; off: webhooks only),\nARGOCD_IMAGE_PR_REGISTRIES and ARGOCD_IMAGE_PR_DOCKER_CONFIG for registry credentials, ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT and\nARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT (seconds).\nWithout APP_ID and a private key, Probot's setup page (http://localhost:3000) registers the app from ./app.yml\n(not with NODE_ENV=production: then they are required).",
    )
    .action(async (flags: AppFlags) => {
      requireAppInProduction(process.env);
      const [{ run }, { appFromEnv }] = await Promise.all([import("probot"), import("../index.js")]);
      const { appFn } = await appFromEnv(process.env, flags);
      await run(appFn);
      // The server keeps the process alive; stop it with SIGTERM / Ctrl-C.
      await new Promise<never>(() => undefined);
    });
}

/**
 * Probot serves its setup flow only outside production; with NODE_ENV=production (the container
 * image) a missing app is bad configuration, said before Probot starts.
 */
function requireAppInProduction(env: NodeJS.ProcessEnv): void {
  if (env["NODE_ENV"] !== "production") return;
  const missing = [
    ...(env["APP_ID"]?.trim() ? [] : ["APP_ID"]),
    ...(env["PRIVATE_KEY"]?.trim() || env["PRIVATE_KEY_PATH"]?.trim() ? [] : ["PRIVATE_KEY or PRIVATE_KEY_PATH"]),
  ];
  if (missing.length === 0) return;
  throw new UsageError(`${missing.join(" and ")} must be set to run with NODE_ENV=production`, {
    context: { key: missing[0] ?? "APP_ID" },
    hint: "take them from the GitHub App's settings page, or register the app first with Probot's setup flow: run without NODE_ENV=production and open http://localhost:3000",
  });
}
