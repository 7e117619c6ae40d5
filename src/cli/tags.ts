/**
 * `argocd-image-pr tags <image>`: list an image's tags as the app sees them, with metadata on
 * request. Like argocd-image-updater's `test` command, for debugging registry access. The engine
 * is imported when the command runs, so `--help` loads only commander.
 */
import { InvalidArgumentError, type Command } from "commander";
import { asUsageError } from "../errors/index.js";
import { createCliLogger } from "./logger.js";

/** `os/arch[/variant]`, as `platforms` takes it: `linux` alone names no architecture. */
function platformArgument(value: string): string {
  if (/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(value)) return value;
  throw new InvalidArgumentError(`"${value.slice(0, 60)}" is not os/arch[/variant]; e.g. linux/amd64 or linux/arm64/v8`);
}

/** Register the `tags` command on the program. */
export function registerTagsCommand(program: Command): void {
  program
    .command("tags")
    .description("list the tags of an image as the app sees them")
    .argument("<image>", "image reference, e.g. ghcr.io/org/app or nginx")
    .option("--registries <file>", "registries.conf (argocd-image-updater format)")
    .option("--docker-config <file>", "Docker config JSON with credentials (.dockerconfigjson)")
    .option("--platform <platform>", "platform for metadata, e.g. linux/arm64/v8", platformArgument)
    .option("--registry-timeout <seconds>", "deadline of each registry request (default 30; env ARGOCD_IMAGE_PR_REGISTRY_TIMEOUT)")
    .option(
      "--credentials-timeout <seconds>",
      "deadline of an ext: credential script (default 30; env ARGOCD_IMAGE_PR_CREDENTIALS_TIMEOUT)",
    )
    .option("--metadata", "also show digest, created date and platforms of each tag")
    .option("--format <format>", "table or json", "table")
    .action(async (image: string, raw: Record<string, unknown>) => {
      const format = raw["format"];
      if (format !== "table" && format !== "json") {
        program.error(`error: --format must be table or json, not "${String(format)}"`, { exitCode: 2, code: "argocd-image-pr.usage" });
      }
      const metadata = raw["metadata"] === true;
      const [{ listImageTags }, { formatTags }, { loadRegistryOptions }, { parseImageRef }] = await Promise.all([
        import("../pipeline/index.js"),
        import("../report/index.js"),
        import("./registry-options.js"),
        import("../image-ref/index.js"),
      ]);
      // The image argument is the user's input: one that is not an image reference is bad usage.
      try {
        parseImageRef(image);
      } catch (error) {
        throw asUsageError(error);
      }
      const log = await createCliLogger({ json: format === "json" });
      const registry = await loadRegistryOptions({
        ...(typeof raw["registries"] === "string" ? { registries: raw["registries"] } : {}),
        ...(typeof raw["dockerConfig"] === "string" ? { dockerConfig: raw["dockerConfig"] } : {}),
        ...(typeof raw["registryTimeout"] === "string" ? { registryTimeout: raw["registryTimeout"] } : {}),
        ...(typeof raw["credentialsTimeout"] === "string" ? { credentialsTimeout: raw["credentialsTimeout"] } : {}),
      });
      const platform = raw["platform"];
      const result = await listImageTags(image, {
        registry: { log, ...registry },
        metadata,
        ...(typeof platform === "string" ? { platform } : {}),
      });
      process.stdout.write(formatTags(result, format, metadata));
    });
}
