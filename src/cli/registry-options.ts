/** Registry client options from the CLI's `--registries` and `--docker-config` files. */
import { readFile } from "node:fs/promises";
import { UsageError, asUsageError, describeError } from "../errors/index.js";
import { parseDockerConfig, parseRegistriesConfig } from "../registry/index.js";
import type { RegistryClientOptions } from "../registry/index.js";

async function readFlagFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${flag} file "${file}": ${describeError(error)}`, {
      context: { file },
      hint: `check the path given to ${flag}`,
    });
  }
}

function fromEnv(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Flags win; ARGOCD_IMAGE_PR_REGISTRIES / ARGOCD_IMAGE_PR_DOCKER_CONFIG (file paths) are the defaults. */
export async function loadRegistryOptions(
  flags: { readonly registries?: string; readonly dockerConfig?: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<RegistryClientOptions> {
  const options: { -readonly [K in keyof RegistryClientOptions]: RegistryClientOptions[K] } = {};
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
