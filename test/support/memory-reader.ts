/** A RepoReader over files in memory (path → text); directories are implied by the paths. */
import type { RepoReader } from "../../src/plan/index.js";

export function memoryReader(files: Record<string, string>): RepoReader {
  return {
    read: async (path) => files[path] ?? null,
    list: async (dir) => {
      const prefix = dir === "" ? "" : `${dir}/`;
      const names = new Map<string, "file" | "dir">();
      for (const path of Object.keys(files)) {
        if (!path.startsWith(prefix)) continue;
        const [name, ...rest] = path.slice(prefix.length).split("/");
        if (name !== undefined && name !== "") names.set(name, rest.length > 0 ? "dir" : "file");
      }
      return names.size === 0 ? null : [...names].map(([name, type]) => ({ name, type }));
    },
  };
}
