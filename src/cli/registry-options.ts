/** Registry client options from the CLI's `--registries` and `--docker-config` files. */
import { ConfigError, describeError } from "../errors/index.js";
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
    throw new ConfigError(`cannot use the ${flag} file: ${describeError(error)}`, { context: { file }, hint: `check the path given to ${flag}` });
  }
  if (text === null) {
    throw new ConfigError(`cannot read ${flag} file "${quoteForMessage(file)}": it does not exist`, { context: { file }, hint: `check the path given to ${flag}` });
  }
  return text;
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
  if (registries !== undefined) {
    options.config = parseRegistriesConfig(await readFlagFile(registries, "--registries"), registries);
  }
  if (dockerConfig !== undefined) {
    const text = await readFlagFile(dockerConfig, "--docker-config");
    parseDockerConfig(text, dockerConfig); // checked here, so an error names the file
    options.dockerConfigJson = text;
  }
  return options;
}
