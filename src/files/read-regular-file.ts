/**
 * Reading a file someone else controls: only a regular file (a FIFO, a device or a socket where a
 * YAML file is expected would block or never end), only up to a size limit, and every failure
 * said in words that name the file and what to do, never as a raw Node error.
 */
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { Stats } from "node:fs";
import { ConfigError } from "../errors/index.js";
import { quoteForMessage } from "../text/index.js";

/**
 * The largest repository or configuration file argocd-image-pr reads (kustomization, values file,
 * manifest, override file, repo config, --registries, --docker-config): 1 MiB. The YAML parser
 * that keeps node ranges for exact edits reads 0.25–0.4 MB/s here (a 1 MiB values file: 3–4 s,
 * scripts/bench-file-limits.ts), so a 50 MB values file would hold a pass for minutes and take
 * gigabytes; past the limit the file is refused by name and the pass goes on.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The largest file read under --apps: 16 MiB, as CRD and install bundles often sit next to the
 * Applications; their documents are skipped unparsed. A single Application or ImageUpdater
 * document is still held to MAX_FILE_BYTES.
 */
export const MAX_MANIFEST_FILE_BYTES = 16 * 1024 * 1024;

export interface ReadFileOptions {
  /** How the file is named in messages (default: the path as given). */
  readonly name?: string;
  /** Default MAX_FILE_BYTES. */
  readonly maxBytes?: number;
  /** Appended to the message for a directory (e.g. how to name a file instead). */
  readonly directoryHint?: string;
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** Whether `error` is a file system "no such file" (the file, or a directory on its path). */
export function isNotFoundError(error: unknown): boolean {
  const code = codeOf(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * Why a path cannot be used, for a message that already names it: `permission denied (EACCES)…`.
 * Covers what Node throws for paths from outside: permissions, symlink loops, over-long names,
 * NUL characters, sockets, missing files.
 */
export function describeFileError(error: unknown): string {
  const code = codeOf(error);
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return "it does not exist";
    case "EACCES":
    case "EPERM":
      return "permission denied; give the user running argocd-image-pr read access (and search access to its directories)";
    case "ELOOP":
      return "it is a symbolic link that loops (or a chain of more than 40 links); point the link at a real file";
    case "ENAMETOOLONG":
      return "the path is too long for the file system; check the value";
    case "ENXIO":
      return "it is a socket or a device without a reader, not a file";
    case "EISDIR":
      return "it is a directory, not a file";
    case "EMFILE":
    case "ENFILE":
      return "too many files are open; lower --concurrency or raise the open-file limit (ulimit -n)";
    case "ERR_INVALID_ARG_VALUE":
    case "ERR_INVALID_ARG_TYPE":
      return "the path contains a NUL character, which no file name can hold; fix the value";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The error for a file over `max` bytes, for readers that check a size themselves (an edit of a blob). */
export function fileTooLarge(name: string, size: number, max = MAX_FILE_BYTES): ConfigError {
  return new ConfigError(
    `"${quoteForMessage(name, 200)}" is ${mebibytes(size)}, over the ${mebibytes(max)} limit on files argocd-image-pr reads; it was not read`,
    {
      context: { file: name },
      hint: "no manifest, values or configuration file needs to be that large: split it, or leave it out of what argocd-image-pr reads",
    },
  );
}

/**
 * The bytes of a regular file, or null when it does not exist. Opened non-blocking, so a FIFO
 * never waits for a writer; checked on the open descriptor (no race with a swap), and read no
 * further than the limit even if it grows. Anything else throws a ConfigError naming the file.
 */
export async function readRegularFile(file: string, options: ReadFileOptions = {}): Promise<Buffer | null> {
  const name = quoteForMessage(options.name ?? file, 200);
  const max = options.maxBytes ?? MAX_FILE_BYTES;
  const fail = (message: string, hint: string, cause?: unknown): ConfigError =>
    new ConfigError(message, { context: { file: options.name ?? file }, hint, ...(cause === undefined ? {} : { cause }) });
  if (file.includes("\u0000")) {
    throw fail(`cannot read "${name}": the path contains a NUL character`, "no file name can hold one; fix the value");
  }
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw fail(`cannot read "${name}": ${describeFileError(error)}`, "only regular files are read", error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const hint =
        info.isDirectory() && options.directoryHint !== undefined
          ? options.directoryHint
          : "only regular files are read; put the file itself there";
      throw fail(`"${name}" is ${kindOf(info)}, not ${info.isDirectory() ? "a file" : "a regular file"}`, hint);
    }
    const tooBig = (size: number): ConfigError => fileTooLarge(options.name ?? file, size, max);
    if (info.size > max) throw tooBig(info.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw tooBig(total);
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`cannot read "${name}": ${describeFileError(error)}`, "only regular files are read", error);
  } finally {
    await handle.close();
  }
}

/** readRegularFile as UTF-8 text (a BOM is kept; invalid bytes become U+FFFD). */
export async function readRegularTextFile(file: string, options: ReadFileOptions = {}): Promise<string | null> {
  const bytes = await readRegularFile(file, options);
  return bytes === null ? null : bytes.toString("utf8");
}
