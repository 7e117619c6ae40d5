/**
 * A RepoReader over an in-memory map of repo-relative paths to texts, as the GitHub side gives a
 * commit's tree: directories are implied by the paths. `reads` records every read, to assert what
 * the engine asked for.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { RepoEntry, RepoReader } from "../../src/plan/index.js";

export interface MemoryRepo extends RepoReader {
  readonly files: ReadonlyMap<string, string>;
  readonly reads: string[];
}

export function memoryRepo(files: Readonly<Record<string, string>> | ReadonlyMap<string, string>): MemoryRepo {
  const map = new Map(files instanceof Map ? files : Object.entries(files));
  const reads: string[] = [];
  return {
    files: map,
    reads,
    read(path) {
      reads.push(path);
      return Promise.resolve(map.get(path) ?? null);
    },
    list(dir) {
      const prefix = dir === "" ? "" : `${dir}/`;
      const entries = new Map<string, RepoEntry>();
      for (const path of map.keys()) {
        if (!path.startsWith(prefix)) continue;
        const [name, ...rest] = path.slice(prefix.length).split("/");
        if (name === undefined || name === "") continue;
        entries.set(name, { name, type: rest.length > 0 ? "dir" : "file" });
      }
      return Promise.resolve(entries.size === 0 && dir !== "" ? null : [...entries.values()]);
    },
  };
}

/** Every file under `dir` (except .git), as a commit's tree would hold them. */
export function memoryRepoFromDir(dir: string): MemoryRepo {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.set(relative(dir, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  walk(dir);
  return memoryRepo(files);
}
