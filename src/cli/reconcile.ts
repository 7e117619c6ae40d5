/** `argocd-image-pr reconcile --repo OWNER/NAME…`: wiring only — one pass per repository, then exit 0 / 1 / 2 as plan. */
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { asUsageError } from "../errors/index.js";
import { gitHubHostsFromEnv } from "./github-hosts.js";

interface ReconcileFlags {
  repo: { owner: string; repo: string }[];
  dryRun: boolean;
  registries?: string;
  dockerConfig?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  argocdNamespace: string;
  format: "table" | "json";
  concurrency: number;
}

function repository(value: string, previous: { owner: string; repo: string }[] | undefined): { owner: string; repo: string }[] {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value.trim());
  if (match === null || match[2] === "." || match[2] === "..")
    throw new InvalidArgumentError(`"${value}" is not OWNER/NAME, e.g. example-org/gitops`);
  return [...(previous ?? []), { owner: match[1] ?? "", repo: match[2] ?? "" }];
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 256) throw new InvalidArgumentError("expected a whole number from 1 to 256");
  return parsed;
}

function format(value: string): "table" | "json" {
  if (value === "table" || value === "json") return value;
  throw new InvalidArgumentError('expected "table" or "json"');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerReconcileCommand(program: Command): void {
  program
    .command("reconcile")
    .description("run one pass for each repository: open, update, rebase or close its image-update pull requests, then exit")
    .requiredOption("--repo <owner/name>", "the GitOps repository on GitHub; repeatable", repository)
    .option("--dry-run", "make every read, print every write it would make, make none", false)
    .option("--registries <file>", "registries configuration (argocd-image-updater's registries.conf format)")
    .option("--docker-config <file>", "Docker config JSON with registry credentials")
    .option("--kubeconfig <file>", "also read Applications from the cluster of this kubeconfig")
    .option("--context <name>", "kubeconfig context")
    .option("--namespace <ns>", "namespace to read Applications from; repeatable (default: all)", collect, [])
    .option("--argocd-namespace <ns>", "Argo CD's control-plane namespace", "argocd")
    .option("--format <format>", "table | json", format, "table")
    .option("--concurrency <n>", "targets evaluated at once", positiveInt, 8)
    .addHelpText(
      "after",
      "\nAuthentication: GITHUB_TOKEN, or APP_ID with PRIVATE_KEY or PRIVATE_KEY_PATH (the installation is looked up per repository).\nAPI: GITHUB_API_URL, else GHE_HOST and GHE_PROTOCOL (GitHub Enterprise Server), else https://api.github.com.\nExit codes: 0 done, 1 some targets or PRs failed (the rest were done), 2 bad usage or configuration.",
    )
    .action(async (flags: ReconcileFlags) => {
      // Loaded when the command runs, so `--help` stays light.
      const [{ default: pino }, { repoClientsFromEnv }, { reconcileRepos }, { formatReconcile, reconcileToJson }, { loadRegistryOptions }] =
        await Promise.all([
          import("pino"),
          import("../github/index.js"),
          import("../pipeline/index.js"),
          import("../report/index.js"),
          import("./registry-options.js"),
        ]);
      const log = pino({ level: process.env["LOG_LEVEL"] ?? "warn" }, pino.destination(2));
      const registry = await loadRegistryOptions(flags);
      // Missing or unusable credentials are bad usage: exit 2, nothing done.
      let clients: ReturnType<typeof repoClientsFromEnv>;
      try {
        clients = repoClientsFromEnv({ env: process.env, log });
      } catch (error) {
        throw asUsageError(error);
      }
      const wantCluster = flags.kubeconfig !== undefined || flags.context !== undefined || flags.namespace.length > 0;
      const result = await reconcileRepos({
        repos: flags.repo,
        clients,
        registry,
        cluster: wantCluster
          ? {
              ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
              ...(flags.context === undefined ? {} : { context: flags.context }),
              ...(flags.namespace.length === 0 ? {} : { namespaces: flags.namespace }),
            }
          : null,
        argocdNamespace: flags.argocdNamespace,
        gitHubHosts: gitHubHostsFromEnv(process.env),
        concurrency: flags.concurrency,
        dryRun: flags.dryRun,
        log,
      });
      process.stdout.write(
        flags.format === "json"
          ? `${JSON.stringify(reconcileToJson(result), null, 2)}\n`
          : formatReconcile(result, { dryRun: flags.dryRun }),
      );
      process.exitCode = result.failed ? 1 : 0;
    });
}
