/**
 * The checkout's read side as a RepoReader (plan/'s port): file texts through the workspace (its
 * cache, UTF-8 and symlink rules), directory entries with their types, paths kept inside the root.
 */
import { readdir } from "node:fs/promises";
import type { RepoEntry, RepoReader } from "./types.js";
import { resolveInside, type Workspace } from "./workspace.js";

export function checkoutReader(workspace: Workspace): RepoReader {
  const lists = new Map<string, Promise<RepoEntry[] | null>>();
  return {
    read: (file) => workspace.read(file),
    list(dir) {
      let pending = lists.get(dir);
      if (pending === undefined) {
        pending = readdir(resolveInside(workspace.root, dir), { withFileTypes: true })
          .then((entries) =>
            entries.map((entry): RepoEntry => ({ name: entry.name, type: entry.isFile() ? "file" : entry.isDirectory() ? "dir" : entry.isSymbolicLink() ? "symlink" : "other" })),
          )
          .catch((error: unknown) => {
            if (error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR")) return null;
            throw error;
          });
        lists.set(dir, pending);
      }
      return pending;
    },
  };
}
