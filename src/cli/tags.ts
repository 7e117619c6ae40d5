/**
 * `argocd-image-pr tags <image>`: list an image's tags as the app sees them, with metadata on
 * request. Like argocd-image-updater's `test` command, for debugging registry access. The engine
 * is imported when the command runs, so `--help` loads only commander.
 */
import type { Command } from "commander";
import { asUsageError } from "../errors/index.js";
import { createCliLogger } from "./logger.js";

/** Register the `tags` command on the program. */
export function registerTagsCommand(program: Command): void {
  program
    .command("tags")
    .description("list the tags of an image as the app sees them")
    .argument("<image>", "image reference, e.g. ghcr.io/org/app or nginx")
    .option("--registries <file>", "registries.conf (argocd-image-updater format)")
    .option("--docker-config <file>", "Docker config JSON with credentials (.dockerconfigjson)")
    .option("--platform <platform>", "platform for metadata, e.g. linux/arm64/v8")
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
