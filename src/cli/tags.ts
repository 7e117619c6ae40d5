/**
 * `argocd-image-pr tags <image>`: list an image's tags as the app sees them, with metadata on
 * request. Like argocd-image-updater's `test` command, for debugging registry access.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { ConfigError } from "../errors/index.js";
import { formatImageRef, parseImageRef } from "../image-ref/index.js";
import { createRegistryClient, parseRegistriesConfig, type RegistryClientOptions } from "../registry/index.js";

export interface TagsOptions {
  readonly registries?: string;
  readonly dockerConfig?: string;
  readonly platform?: string;
  readonly metadata?: boolean;
  readonly format: "table" | "json";
}

export interface TagRow {
  readonly tag: string;
  readonly digest?: string | null;
  readonly created?: string | null;
  readonly platforms?: readonly string[];
}

export interface TagsResult {
  readonly image: string;
  readonly tags: readonly TagRow[];
}

async function readConfigFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${error instanceof Error && "code" in error ? String(error.code) : "error"}`, {
      context: { file: path },
      hint: "check the path",
    });
  }
}

/** List the tags (and metadata) of `image`. Throws AppError subclasses. */
export async function listImageTags(image: string, options: TagsOptions): Promise<TagsResult> {
  const ref = parseImageRef(image);
  const clientOptions: RegistryClientOptions = {};
  if (options.registries) clientOptions.config = parseRegistriesConfig(await readConfigFile(options.registries, "registries file"), options.registries);
  if (options.dockerConfig) clientOptions.dockerConfigJson = await readConfigFile(options.dockerConfig, "Docker config");
  const client = createRegistryClient(clientOptions);
  try {
    const tags = await client.listTags(ref);
    const name = formatImageRef({ ...ref, tag: null, digest: null });
    if (!options.metadata) return { image: name, tags: tags.map((tag) => ({ tag })) };
    const rows = await Promise.all(
      tags.map(async (tag): Promise<TagRow> => {
        const d = await client.getTagDetails(ref, tag, options.platform ? { platform: options.platform } : {});
        return { tag, digest: d.digest, created: d.created, platforms: d.platforms };
      }),
    );
    return { image: name, tags: rows };
  } finally {
    await client.close();
  }
}

export function formatTags(result: TagsResult, format: "table" | "json", metadata: boolean): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (!metadata) return result.tags.map((t) => `${t.tag}\n`).join("");
  const rows = [["TAG", "DIGEST", "CREATED", "PLATFORMS"], ...result.tags.map((t) => [t.tag, t.digest ?? "-", t.created ?? "-", (t.platforms ?? []).join(",") || "-"])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join("  ").trimEnd() + "\n").join("");
}

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
      const options: TagsOptions = {
        format,
        metadata: raw["metadata"] === true,
        ...(typeof raw["registries"] === "string" ? { registries: raw["registries"] } : {}),
        ...(typeof raw["dockerConfig"] === "string" ? { dockerConfig: raw["dockerConfig"] } : {}),
        ...(typeof raw["platform"] === "string" ? { platform: raw["platform"] } : {}),
      };
      const result = await listImageTags(image, options);
      process.stdout.write(formatTags(result, format, options.metadata ?? false));
    });
}
