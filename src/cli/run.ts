/** `argocd-image-pr run`: the Probot server (webhooks, the schedule, Probot's setup flow when no app is registered). Wiring only. */
import type { Command } from "commander";

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("start the GitHub App: webhooks at /api/github/webhooks and a pass of every installed repository on SCHEDULE")
    .addHelpText(
      "after",
      "\nSettings (environment, see .env.example): APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL,\nGHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server, SCHEDULE (cron, default */2 * * * *; off: webhooks only),\nARGOCD_IMAGE_PR_REGISTRIES and ARGOCD_IMAGE_PR_DOCKER_CONFIG for registry credentials.\nWithout APP_ID and a private key, Probot's setup page registers the app from app.yml.",
    )
    .action(async () => {
      const [{ run }, { appFromEnv }] = await Promise.all([import("probot"), import("../index.js")]);
      const { appFn } = await appFromEnv();
      await run(appFn);
      // The server keeps the process alive; stop it with SIGTERM / Ctrl-C.
      await new Promise<never>(() => undefined);
    });
}
