/** Registry client options from the CLI's `--registries` and `--docker-config` files. */
import { readFile } from "node:fs/promises";
import { ConfigError, describeError } from "../errors/index.js";
import { parseRegistriesConfig } from "../registry/index.js";
import type { RegistryClientOptions } from "../registry/index.js";

async function readFlagFile(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${flag} file "${file}": ${describeError(error)}`, {
      context: { file },
      hint: `check the path given to ${flag}`,
    });
  }
}

export async function loadRegistryOptions(flags: {
  readonly registries?: string;
  readonly dockerConfig?: string;
}): Promise<RegistryClientOptions> {
  const options: { -readonly [K in keyof RegistryClientOptions]: RegistryClientOptions[K] } = {};
  if (flags.registries !== undefined) {
    options.config = parseRegistriesConfig(await readFlagFile(flags.registries, "--registries"), flags.registries);
  }
  if (flags.dockerConfig !== undefined) {
    options.dockerConfigJson = await readFlagFile(flags.dockerConfig, "--docker-config");
  }
  return options;
}
