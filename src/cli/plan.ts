/**
 * `argocd-image-pr plan`: wiring only — options in, runPlan, the report out. The engine is
 * imported when the command runs, so `--help` and usage errors load only commander.
 */
import { InvalidArgumentError } from "commander";
import type { Command } from "commander";
import { accessSync, constants, opendirSync, statSync } from "node:fs";
import path from "node:path";
// Light: the file checks and escaping of usage errors, not the engine.
import { describeFileError } from "../files/index.js";
import type { ClusterOptions } from "../pipeline/index.js";
import { gitHubHostsFromEnv } from "./github-hosts.js";
import { quoteForMessage } from "../text/index.js";
import { createCliLogger } from "./logger.js";

interface PlanFlags {
  repo: string;
  apps: string[];
  /** A file, or false for --no-config. */
  config?: string | false;
  registries?: string;
  dockerConfig?: string;
  registryTimeout?: string;
  credentialsTimeout?: string;
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  argocdNamespace: string;
  format: "table" | "json";
  write: boolean;
  concurrency: number;
  cacheDir?: string;
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 256) {
    throw new InvalidArgumentError("expected a whole number from 1 to 256");
  }
  return parsed;
}

/** Whether this user can list `dir` (root can whatever the mode says, so it is tried, not computed). */
function canList(dir: string): unknown {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    opendirSync(dir).closeSync();
    return null;
  } catch (error) {
    return error;
  }
}

function directory(value: string): string {
  const resolved = path.resolve(value);
  let info;
  try {
    info = statSync(resolved, { throwIfNoEntry: false });
  } catch (error) {
    throw new InvalidArgumentError(`"${quoteForMessage(value)}" cannot be used: ${describeFileError(error)}`);
  }
  if (!info?.isDirectory()) {
    throw new InvalidArgumentError(`"${quoteForMessage(value)}" is not a directory; give the checkout of the GitOps repo`);
  }
  const unreadable = canList(resolved);
  if (unreadable !== null) throw new InvalidArgumentError(`"${quoteForMessage(value)}" cannot be read: ${describeFileError(unreadable)}`);
  return resolved;
}

/** An --apps path: it must exist and be readable (what is inside a directory is checked as it is read). */
function appsPath(value: string, previous: string[]): string[] {
  let info;
  try {
    info = statSync(value, { throwIfNoEntry: false });
  } catch (error) {
    throw new InvalidArgumentError(`"${quoteForMessage(value)}" cannot be used: ${describeFileError(error)}`);
  }
  if (info === undefined)
    throw new InvalidArgumentError(
      `"${quoteForMessage(value)}" does not exist; give Application / ImageUpdater manifests (a file or a directory)`,
    );
  const unreadable = info.isDirectory() ? canList(value) : accessCheck(value);
  if (unreadable !== null) throw new InvalidArgumentError(`"${quoteForMessage(value)}" cannot be read: ${describeFileError(unreadable)}`);
  return [...previous, value];
}

function accessCheck(file: string): unknown {
  try {
    accessSync(file, constants.R_OK);
    return null;
  } catch (error) {
    return error;
  }
}

function format(value: string): "table" | "json" {
  if (value === "table" || value === "json") return value;
  throw new InvalidArgumentError('expected "table" or "json"');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function clusterOptions(flags: PlanFlags): ClusterOptions | null {
  const wanted = flags.kubeconfig !== undefined || flags.context !== undefined || flags.namespace.length > 0;
  if (!wanted) return null;
  return {
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    ...(flags.namespace.length === 0 ? {} : { namespaces: flags.namespace }),
  };
}

function progressReporter(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    // Cleared when done, so the table starts on a clean screen.
    process.stderr.write(done === total ? "\r\u001b[K" : `\rplanning: ${done}/${total} targets`);
  };
}

export function registerPlanCommand(program: Command): void {
  program
    .command("plan")
    .description("decide which image tags should change in a GitOps repo, and (with --write) edit the files")
    .option("--repo <dir>", "the checkout of the GitOps repo", directory, ".")
    .option("--apps <path>", "Application / ImageUpdater manifests (file or directory); repeatable", appsPath, [])
    .option("--config <file>", "repo config (default: .github/argocd-image-pr.yml in --repo, if present)")
    .option("--no-config", "ignore the repository's own .github/argocd-image-pr.yml")
    .option("--registries <file>", "registries configuration (argocd-image-updater's registries.conf format)")
    .option("--docker-config <file>", "Docker config JSON with registry credentials")
    .option("--registry-timeout <seconds>", "deadline of each registry request (default 30; env ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT)")
    .option(
      "--credentials-timeout <seconds>",
      "deadline of an ext: credential script (default 30; env ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT)",
    )
    .option("--kubeconfig <file>", "read Applications from the cluster of this kubeconfig")
    .option("--context <name>", "kubeconfig context")
    .option("--namespace <ns>", "namespace to read Applications from; repeatable (default: all)", collect, [])
    .option(
      "--argocd-namespace <ns>",
      "Argo CD's control-plane namespace; Applications elsewhere use .argocd-source-<ns>_<app>.yaml",
      "argocd",
    )
    .option("--format <format>", "table | json", format, "table")
    .option("--write", "apply the edits to the working tree", false)
    .option("--concurrency <n>", "targets planned at once", positiveInt, 8)
    .option(
      "--cache-dir <dir>",
      "keep tag details (digest, build date, platforms, labels) here between runs; a later run asks registries only for tag lists",
    )
    .action(async (flags: PlanFlags) => {
      const [{ runPlan }, { formatPlanTable, planToJson }, { loadRegistryOptions }] = await Promise.all([
        import("../pipeline/index.js"),
        import("../report/index.js"),
        import("./registry-options.js"),
      ]);
      const log = await createCliLogger({ json: flags.format === "json" });
      const registry = await loadRegistryOptions(flags);
      const progress = flags.format === "table" ? progressReporter() : undefined;
      const result = await runPlan({
        repoDir: path.resolve(flags.repo),
        appPaths: flags.apps,
        configFile: flags.config === false ? false : (flags.config ?? null),
        cluster: clusterOptions(flags),
        argocdNamespace: flags.argocdNamespace,
        gitHubHosts: gitHubHostsFromEnv(process.env),
        registry,
        concurrency: flags.concurrency,
        write: flags.write,
        log,
        ...(flags.cacheDir === undefined ? {} : { cacheDir: path.resolve(flags.cacheDir) }),
        ...(progress === undefined ? {} : { onProgress: progress }),
      });
      if (flags.format === "json") {
        process.stdout.write(`${JSON.stringify(planToJson(result), null, 2)}\n`);
      } else {
        process.stdout.write(formatPlanTable(result, { color: process.stdout.isTTY === true }));
      }
      process.exitCode = result.errors.length > 0 ? 1 : 0;
    });
}
