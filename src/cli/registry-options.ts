/** Registry client options from the CLI: `--registries` and `--docker-config` files, and the deadlines. */
import { UsageError, asUsageError, describeError } from "../errors/index.js";
import { readRegularTextFile } from "../files/index.js";
import { parseDockerConfig, parseRegistriesConfig } from "../registry/index.js";
import type { RegistryClientOptions } from "../registry/index.js";
import { quoteForMessage } from "../text/index.js";

/** Regular files only, up to MAX_FILE_BYTES: a FIFO given as --registries would block forever. */
async function readFlagFile(file: string, flag: string): Promise<string> {
  let text: string | null;
  try {
    text = await readRegularTextFile(file, { name: file });
  } catch (error) {
    throw new UsageError(`cannot use the ${flag} file: ${describeError(error)}`, {
      context: { file },
      hint: `check the path given to ${flag}`,
    });
  }
  if (text === null) {
    throw new UsageError(`cannot read ${flag} file "${quoteForMessage(file)}": it does not exist`, {
      context: { file },
      hint: `check the path given to ${flag}`,
    });
  }
  return text;
}

function fromEnv(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** The longest deadline accepted, so that a typo (`3000` meant as ms) cannot make a pass wait an hour. */
const MAX_DEADLINE_SECONDS = 600;

/** A deadline in seconds (`30`, `2.5`), from a flag or, when the flag is absent, its variable. */
function deadlineMs(flagValue: string | undefined, flag: string, variable: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = flagValue ?? fromEnv(variable, env);
  if (raw === undefined) return undefined;
  const value = raw.trim();
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_DEADLINE_SECONDS)) {
    const origin = flagValue === undefined ? variable : flag;
    throw new UsageError(`${origin} must be a number of seconds from 0.1 to ${MAX_DEADLINE_SECONDS}, not "${value.slice(0, 40)}"`, {
      context: { key: origin, value: value.slice(0, 40) },
      hint: `e.g. ${flag} 30`,
    });
  }
  return Math.max(100, Math.round(seconds * 1000));
}

export interface RegistryFlags {
  readonly registries?: string;
  readonly dockerConfig?: string;
  /** `--registry-timeout`: seconds per registry request. */
  readonly registryTimeout?: string;
  /** `--credentials-timeout`: seconds an `ext:` credential script may run. */
  readonly credentialsTimeout?: string;
}

/**
 * Flags win; ARGOCD_IMAGE_PR_REGISTRIES / ARGOCD_IMAGE_PR_DOCKER_CONFIG (file paths),
 * ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT / ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT (seconds) are the defaults.
 */
export async function loadRegistryOptions(flags: RegistryFlags, env: NodeJS.ProcessEnv = process.env): Promise<RegistryClientOptions> {
  const options: { -readonly [K in keyof RegistryClientOptions]: RegistryClientOptions[K] } = {};
  const timeoutMs = deadlineMs(flags.registryTimeout, "--registry-timeout", "ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT", env);
  if (timeoutMs !== undefined) options.timeoutMs = timeoutMs;
  const credentialsTimeoutMs = deadlineMs(flags.credentialsTimeout, "--credentials-timeout", "ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT", env);
  if (credentialsTimeoutMs !== undefined) options.credentialsTimeoutMs = credentialsTimeoutMs;
  const registries = flags.registries ?? fromEnv("ARGOCD_IMAGE_PR_REGISTRIES", env);
  const dockerConfig = flags.dockerConfig ?? fromEnv("ARGOCD_IMAGE_PR_DOCKER_CONFIG", env);
  // A file a flag names that cannot be used is bad usage: the CLI exits 2 before planning anything.
  try {
    if (registries !== undefined) {
      options.config = parseRegistriesConfig(await readFlagFile(registries, "--registries"), registries);
    }
    if (dockerConfig !== undefined) {
      const text = await readFlagFile(dockerConfig, "--docker-config");
      parseDockerConfig(text, dockerConfig); // checked here, so an error names the file
      options.dockerConfigJson = text;
    }
  } catch (error) {
    throw asUsageError(error);
  }
  return options;
}
