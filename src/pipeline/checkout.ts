/**
 * The CLI's checkout of the GitOps repo: a RepoReader (what the engine reads) plus what only the
 * CLI does — write files (--write) and name the `origin` remote. The GitHub app implements
 * RepoReader over a commit instead. Reads are cached for the pass; writes go through a temporary
 * file and a rename, so a file is either wholly old or wholly new.
 */
import { execFile } from "node:child_process";
import { access, constants, readdir, realpath, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Dirent } from "node:fs";
import { ConfigError } from "../errors/index.js";
import { describeFileError, MAX_MANIFEST_FILE_BYTES, readRegularFile } from "../files/index.js";
import { quoteForMessage } from "../text/index.js";
import type { RepoEntry, RepoReader } from "./types.js";

const execFileAsync = promisify(execFile);

export interface Checkout extends RepoReader {
  /** The checkout's directory (absolute). */
  readonly root: string;
  /** Replace the file's text (through a symlink inside the checkout, keeping the file's mode). */
  write(file: string, text: string): Promise<void>;
  /** The `origin` remote URL, or null when there is none (or no git). */
  originUrl(): Promise<string | null>;
}

function entryType(dirent: Dirent): RepoEntry["type"] {
  if (dirent.isFile()) return "file";
  if (dirent.isDirectory()) return "dir";
  if (dirent.isSymbolicLink()) return "symlink";
  return "other";
}

/** Repo-relative POSIX path → absolute path, refusing anything that escapes the checkout. */
export function resolveInside(root: string, file: string): string {
  if (file.includes("\u0000")) {
    throw new ConfigError(`path "${quoteForMessage(file)}" contains a NUL character`, {
      context: { file },
      hint: "no file name can hold one; fix the path in the Application or the repo config",
    });
  }
  const absolute = path.resolve(root, file);
  const relative = path.relative(root, absolute);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new ConfigError(`path "${file}" points outside the repository`, {
      context: { file },
      hint: "paths in Applications and the repo config are relative to the GitOps repo's root",
    });
  }
  return absolute;
}

/**
 * Where `file` really is: symlinks followed, and refused when they lead outside the checkout (a
 * repo could otherwise make --write change any file the user can write). A file that does not
 * exist yet is placed in its parent directory's real path.
 */
async function realInside(
  root: string,
  file: string,
  realRoot: Promise<string> = realpath(root),
  options: { existing?: boolean } = {},
): Promise<string> {
  const absolute = resolveInside(root, file);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    // `existing`: the caller reads, so a file that is not there is not-found, wherever it would be.
    if (!isNotFound(error) || options.existing === true) throw error;
    real = path.join(await realpath(path.dirname(absolute)), path.basename(absolute));
  }
  const relative = path.relative(await realRoot, real);
  if (relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new ConfigError(`path "${file}" is a symbolic link that leads outside the repository`, {
      context: { file },
      hint: "replace the link with the file, or point the target at a file inside the repository",
    });
  }
  return real;
}

/**
 * UTF-8 only, BOM kept: a file in another encoding would come back with U+FFFD where its bytes were,
 * and an edit would write that back — every byte but the tag's must survive, so it is refused.
 */
function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ConfigError(`"${file}" is not UTF-8 text`, {
      context: { file },
      hint: "convert the file to UTF-8 (YAML files are UTF-8), e.g. with iconv -f latin1 -t utf-8",
    });
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

/** A file system error on `file` (a symlink loop, no permission…) as a ConfigError naming it. */
function unusable(file: string, error: unknown): unknown {
  if (error instanceof ConfigError || isNotFound(error)) return error;
  return new ConfigError(`cannot read "${quoteForMessage(file)}" in the repository: ${describeFileError(error)}`, {
    context: { file },
    cause: error,
  });
}

/**
 * A file --write must leave alone: one nobody may write (no w bit, which even root honours here),
 * or one this user cannot write. Replacing it through a rename would succeed regardless.
 */
async function readOnlyReason(real: string): Promise<string | null> {
  const info = await stat(real).catch(() => null);
  if (info === null) return null;
  if ((info.mode & 0o222) === 0) return `it is read-only (mode ${(info.mode & 0o777).toString(8).padStart(4, "0")})`;
  const writable = await access(real, constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable ? null : "this user may not write it";
}

export function openCheckout(root: string): Checkout {
  const texts = new Map<string, Promise<string | null>>();
  // The checkout's own real path, once per pass rather than once per file read.
  let rootReal: Promise<string> | null = null;
  const realRoot = (): Promise<string> => {
    rootReal ??= realpath(root);
    rootReal.catch(() => (rootReal = null));
    return rootReal;
  };
  return {
    root,
    read(file) {
      let pending = texts.get(file);
      if (!pending) {
        // A file that does not exist (most `.argocd-source-…` probes) costs one realpath, no more.
        pending = realInside(root, file, realRoot(), { existing: true })
          .then(async (real) => {
            // Regular files only (a FIFO would block the pass forever), up to MAX_MANIFEST_FILE_BYTES
            // (Application bundles); files to edit are held to MAX_FILE_BYTES where they are edited.
            const bytes = await readRegularFile(real, {
              name: file,
              maxBytes: MAX_MANIFEST_FILE_BYTES,
              directoryHint: "name the file to edit, or give the directory as path: for a kustomization",
            });
            return bytes === null ? null : decodeUtf8(bytes, file);
          })
          .catch((error: unknown) => {
            if (isNotFound(error)) return null;
            throw unusable(file, error);
          });
        texts.set(file, pending);
      }
      return pending;
    },
    async list(dir) {
      try {
        const entries = await readdir(resolveInside(root, dir), { withFileTypes: true });
        return entries.map((dirent) => ({ name: dirent.name, type: entryType(dirent) }));
      } catch (error) {
        if (isNotFound(error)) return null;
        throw unusable(dir, error);
      }
    },
    async write(file, text) {
      // Through a symlink to its target (the link stays a link), keeping the file's mode.
      const real = await realInside(root, file, realRoot());
      // Never into .git/ nor the repo config, even through a symlink: the gathering refuses such targets by name first.
      const realRelative = path.relative(await realRoot(), real).split(path.sep);
      if (realRelative.some((segment) => segment.toLowerCase() === ".git")) {
        throw new ConfigError(`${quoteForMessage(file)} leads into .git/, which argocd-image-pr never edits`, { context: { file } });
      }
      if (realRelative.join("/") === ".github/argocd-image-pr.yml") {
        throw new ConfigError(`${quoteForMessage(file)} leads to the repo config, which argocd-image-pr never edits`, {
          context: { file },
        });
      }
      const readOnly = await readOnlyReason(real);
      if (readOnly !== null) {
        throw new ConfigError(`${quoteForMessage(file)} was left untouched: ${readOnly}`, {
          context: { file },
          hint: "make it writable (chmod u+w) for --write to change it",
        });
      }
      const mode = (await stat(real).catch(() => null))?.mode;
      const temporary = `${real}.argocd-image-pr-${process.pid}.tmp`;
      await writeFile(temporary, text, { encoding: "utf8", ...(mode === undefined ? {} : { mode: mode & 0o7777 }) });
      try {
        await rename(temporary, real);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      texts.set(file, Promise.resolve(text));
    },
    async originUrl() {
      try {
        const { stdout } = await execFileAsync("git", ["-C", root, "remote", "get-url", "origin"]);
        const url = stdout.trim();
        return url === "" ? null : url;
      } catch {
        return null;
      }
    },
  };
}
