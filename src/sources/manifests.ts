/** Application / ImageUpdater manifests read from YAML files (app-of-apps repos, offline runs). */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";

import { parseAllDocuments } from "yaml";

import type { TargetProblem } from "../model/index.js";
import { classifyResource, type Resources } from "./resources.js";

/** Multi-document YAML → Applications and ImageUpdaters; other kinds are ignored. */
export function parseManifests(text: string, file: string): Resources {
  const out: Resources = { applications: [], imageUpdaters: [], problems: [] };
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      out.problems.push({
        app: null,
        image: null,
        file,
        message: `${file}: document ${index + 1} is not valid YAML (${doc.errors[0]?.message.split("\n")[0] ?? "parse error"}); it was skipped`,
      });
      return;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    const items = isList(value) ? value.items : [value];
    for (const item of items) {
      const classified = classifyResource(item, file);
      switch (classified.kind) {
        case "application":
          out.applications.push(classified.value);
          break;
        case "image-updater":
          out.imageUpdaters.push(classified.value);
          break;
        case "problem":
          out.problems.push(classified.problem);
          break;
        case "ignored":
          break;
      }
    }
  });
  return out;
}

function isList(value: unknown): value is { items: unknown[] } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Record<string, unknown>)["kind"] === "string" &&
    ((value as Record<string, unknown>)["kind"] as string).endsWith("List") &&
    Array.isArray((value as Record<string, unknown>)["items"])
  );
}

const SKIP_DIRS = new Set([".git", "node_modules"]);

async function collect(entry: string, files: string[], problems: TargetProblem[]): Promise<void> {
  let info;
  try {
    info = await stat(entry);
  } catch (error) {
    problems.push({
      app: null,
      image: null,
      file: entry,
      message: `cannot read "${entry}": ${error instanceof Error ? error.message : String(error)}; check the path`,
    });
    return;
  }
  if (info.isFile()) {
    files.push(entry);
    return;
  }
  if (!info.isDirectory()) return;
  const names = (await readdir(entry, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const dirent of names) {
    const full = path.join(entry, dirent.name);
    if (dirent.isDirectory()) {
      if (!SKIP_DIRS.has(dirent.name)) await collect(full, files, problems);
    } else if (dirent.isFile() && /\.ya?ml$/i.test(dirent.name)) files.push(full);
  }
}

export interface ReadManifestsOptions {
  /**
   * Files are named relative to this directory (the GitOps checkout) in targets and problems,
   * which is what a kind "application" target's path must be. Default: the current directory.
   */
  readonly root?: string;
}

/** Files or directories (recursive, `*.yaml` / `*.yml`, skipping `.git` and `node_modules`). */
export async function readManifestsFromPaths(paths: string[], options: ReadManifestsOptions = {}): Promise<Resources> {
  const out: Resources = { applications: [], imageUpdaters: [], problems: [] };
  const files: string[] = [];
  for (const entry of paths) await collect(entry, files, out.problems);
  const root = path.resolve(options.root ?? process.cwd());
  for (const file of [...new Set(files)]) {
    const relative = path.relative(root, path.resolve(file));
    const name = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      out.problems.push({ app: null, image: null, file: name, message: `cannot read "${name}": ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const parsed = parseManifests(text, name);
    out.applications.push(...parsed.applications);
    out.imageUpdaters.push(...parsed.imageUpdaters);
    out.problems.push(...parsed.problems);
  }
  return out;
}
