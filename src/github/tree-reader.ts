/**
 * A RepoReader over one commit, through the Git Data API: one recursive tree read, blobs fetched
 * when first read and kept by sha (immutable, so never asked twice). Symlinks are followed inside
 * the repository, as the CLI's checkout does; submodules and other entries are never read.
 */
import path from "node:path";
import { ConfigError } from "../errors/index.js";
import type { RepoEntry, RepoReader } from "../plan/index.js";
import type { GitHubClient } from "./client.js";
import type { ConditionalCache } from "./conditional.js";
import { gitHubError } from "./errors.js";

export interface TreeEntry {
  readonly path: string;
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
}

export interface CommitTree {
  readonly sha: string;
  readonly treeSha: string;
  readonly entries: ReadonlyMap<string, TreeEntry>;
}

export interface RepoCoordinates {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly cache: ConditionalCache;
  /** Blob texts by sha, shared by every snapshot of the repository. */
  readonly blobs: Map<string, Promise<string>>;
}

interface RawTree {
  readonly sha: string;
  readonly truncated: boolean;
  readonly tree: readonly { path?: string; mode?: string; type?: string; sha?: string }[];
}

/** The whole tree of `commitSha`, in one request (conditional: an unchanged tree costs a 304). */
export async function readCommitTree(at: RepoCoordinates, commitSha: string, treeSha: string): Promise<CommitTree> {
  const full = `${at.owner}/${at.repo}`;
  let raw: RawTree;
  try {
    raw = await at.cache.get<RawTree>(at.client, "GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
      owner: at.owner,
      repo: at.repo,
      tree_sha: treeSha,
      recursive: "1",
    });
  } catch (error) {
    throw gitHubError(full, `reading the tree of ${commitSha.slice(0, 12)}`, error);
  }
  if (raw.truncated) {
    throw gitHubError(
      full,
      `reading the tree of ${commitSha.slice(0, 12)}`,
      new Error("GitHub truncated the recursive tree (more than 100,000 entries or 7 MB)"),
    );
  }
  const entries = new Map<string, TreeEntry>();
  for (const item of raw.tree) {
    if (typeof item.path !== "string" || typeof item.sha !== "string" || typeof item.mode !== "string") continue;
    const type = item.type === "tree" ? "tree" : item.type === "commit" ? "commit" : "blob";
    entries.set(item.path, { path: item.path, mode: item.mode, type, sha: item.sha });
  }
  return { sha: commitSha, treeSha: raw.sha, entries };
}

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ConfigError(`"${file}" is not UTF-8 text`, { context: { file }, hint: "convert the file to UTF-8 (YAML files are UTF-8)" });
  }
}

function blobText(at: RepoCoordinates, sha: string, file: string): Promise<string> {
  let pending = at.blobs.get(sha);
  if (pending === undefined) {
    pending = at.client
      .request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", { owner: at.owner, repo: at.repo, file_sha: sha })
      .then((response) => {
        const data = response.data as { content: string; encoding: string };
        const bytes = data.encoding === "base64" ? Buffer.from(data.content, "base64") : Buffer.from(data.content, "utf8");
        return decodeUtf8(bytes, file);
      })
      .catch((error: unknown) => {
        at.blobs.delete(sha);
        if (error instanceof ConfigError) throw error;
        throw gitHubError(`${at.owner}/${at.repo}`, `reading ${file}`, error);
      });
    at.blobs.set(sha, pending);
  }
  return pending;
}

function normalize(file: string): string | null {
  const joined = path.posix.normalize(file.replace(/^\/+/, ""));
  if (joined === ".") return "";
  if (joined.startsWith("../") || joined === "..") return null;
  return joined.replace(/\/+$/, "");
}

const MAX_LINKS = 8;

/** The RepoReader of a commit tree; `sha` is the commit's. */
export function treeReader(at: RepoCoordinates, tree: CommitTree): RepoReader & { readonly sha: string; readonly tree: CommitTree } {
  const outside = (file: string): ConfigError =>
    new ConfigError(`path "${file}" points outside the repository`, {
      context: { file },
      hint: "paths in Applications and the repo config are relative to the GitOps repo's root",
    });

  /** Follow symlinks in every component of `file`; null when some component does not exist. */
  async function resolve(file: string, depth = 0): Promise<string | null> {
    const clean = normalize(file);
    if (clean === null) throw outside(file);
    if (clean === "") return "";
    const parts = clean.split("/");
    let current = "";
    for (let i = 0; i < parts.length; i += 1) {
      current = current === "" ? (parts[i] ?? "") : `${current}/${parts[i] ?? ""}`;
      const entry = tree.entries.get(current);
      if (entry === undefined) return null;
      if (entry.mode === "120000") {
        if (depth >= MAX_LINKS) throw new ConfigError(`"${file}": too many levels of symbolic links`, { context: { file } });
        const target = await blobText(at, entry.sha, current);
        const joined = normalize(path.posix.join(path.posix.dirname(current), target));
        if (target.startsWith("/") || joined === null) {
          throw new ConfigError(`path "${file}" is a symbolic link that leads outside the repository`, {
            context: { file },
            hint: "replace the link with the file",
          });
        }
        const rest = parts.slice(i + 1).join("/");
        return resolve(rest === "" ? joined : `${joined}/${rest}`, depth + 1);
      }
    }
    return current;
  }

  return {
    sha: tree.sha,
    tree,
    async read(file) {
      const real = await resolve(file);
      if (real === null) return null;
      const entry = tree.entries.get(real);
      if (real === "" || entry?.type === "tree") {
        throw new ConfigError(`"${file}" is a directory, not a file`, {
          context: { file },
          hint: "name the file to edit, or give the directory as path: for a kustomization",
        });
      }
      if (entry === undefined || entry.type !== "blob") return null;
      return blobText(at, entry.sha, file);
    },
    async list(dir) {
      const real = await resolve(dir);
      if (real === null) return null;
      if (real !== "" && tree.entries.get(real)?.type !== "tree") return null;
      const prefix = real === "" ? "" : `${real}/`;
      const out: RepoEntry[] = [];
      for (const entry of tree.entries.values()) {
        if (!entry.path.startsWith(prefix)) continue;
        const name = entry.path.slice(prefix.length);
        if (name === "" || name.includes("/")) continue;
        const type: RepoEntry["type"] =
          entry.mode === "120000" ? "symlink" : entry.type === "tree" ? "dir" : entry.type === "commit" ? "other" : "file";
        out.push({ name, type });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },
  };
}
