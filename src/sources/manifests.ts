/** Application / ImageUpdater manifests read from YAML files (app-of-apps repos, offline runs). */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

import { parseAllDocuments } from "yaml";

import { ConfigError, describeError } from "../errors/index.js";
import { describeFileError, MAX_FILE_BYTES, MAX_MANIFEST_FILE_BYTES, readRegularTextFile } from "../files/index.js";
import type { TargetProblem } from "../model/index.js";
import type { RepoEntry, RepoReader } from "../plan/index.js";
import { describeYamlError, quoteForMessage } from "../text/index.js";
import { classifyResource, qualifiedName, type Application, type ImageUpdater, type Resources } from "./resources.js";

/**
 * Whether a document's raw text may hold a kind we read (or report: ApplicationSet, a miscased
 * kind). Conservative: any `kind:` naming one, quoted or not, block or flow style, in any case;
 * a document that fails it cannot be one of ours (short of a kind spelled through an alias or an
 * escape), and skipping it spares the full parse, which is slow on huge values files.
 */
const CANDIDATE = /\bkind["']?\s*:\s*["']?(?:Application(?:Set)?|ImageUpdater)\b/i;

/**
 * The documents of a stream, split at `---` lines. A line starting with `---` and a blank is a
 * document marker wherever it appears (YAML forbids one inside a scalar), so the split is exact.
 * With directives (`%YAML`, `%TAG`), which belong to the document after them, the file stays whole.
 * `first` is the number of the chunk's first document (a leading chunk of only comments is none).
 */
function splitDocuments(text: string): { text: string; first: number }[] {
  if (/^%/m.test(text)) return [{ text, first: 1 }];
  const starts = [0];
  for (const match of text.matchAll(/^---(?=[ \t\r]|$)/gm)) if (match.index > 0) starts.push(match.index);
  const chunks = starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
  const leading = chunks[0] ?? "";
  const offset = leading.startsWith("---") || /^[ \t]*[^\s#]/m.test(leading) ? 1 : 0;
  return chunks.map((chunk, i) => ({ text: chunk, first: i + offset }));
}

/** Multi-document YAML → Applications and ImageUpdaters; other kinds are ignored. */
export function parseManifests(text: string, file: string): Resources {
  const out: Resources = { applications: [], imageUpdaters: [], problems: [], applicationSets: [] };
  // A document of an unrendered chart fails for reasons that point nowhere useful ("expected
  // string, received object"); its `{{` says what it is. Said once per file.
  let template = false;
  const looksLikeTemplate = (chunk: string): boolean => {
    if (!chunk.includes("{{")) return false;
    if (!template) {
      template = true;
      out.problems.push({
        app: null,
        image: null,
        file,
        message: `${file} looks like an unrendered Helm template ({{ … }}); pass the output of helm template to --apps, or leave templates/ out`,
      });
    }
    return true;
  };
  for (const chunk of splitDocuments(text)) {
    if (!CANDIDATE.test(chunk.text)) continue;
    if (chunk.text.length > MAX_FILE_BYTES) {
      // Parsing is slow on this scale (see MAX_FILE_BYTES); no Application is anywhere near it.
      out.problems.push({
        app: null,
        image: null,
        file,
        message: `${file}: document ${chunk.first} is ${(chunk.text.length / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit on one Application or ImageUpdater document; it was skipped`,
      });
      continue;
    }
    parseAllDocuments(chunk.text).forEach((doc, index) => {
      if (doc.errors.length > 0) {
        if (looksLikeTemplate(chunk.text)) return;
        const first = doc.errors[0];
        const exhausted = first !== undefined && /Maximum call stack/.test(first.message);
        out.problems.push({
          app: null,
          image: null,
          file,
          message: exhausted
            ? `${file}: document ${chunk.first + index} was skipped: ${describeYamlError(first)}`
            : `${file}: document ${chunk.first + index} is not valid YAML (${first?.message.split("\n")[0] ?? "parse error"}); it was skipped`,
        });
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        // An alias bomb, or nesting too deep for the stack: this document only.
        out.problems.push({
          app: null,
          image: null,
          file,
          message: `${file}: document ${chunk.first + index} was skipped: ${describeYamlError(error)}`,
        });
        return;
      }
      const items = isList(value) ? value.items : [value];
      for (const item of items) {
        const classified = classifyResource(item, file);
        switch (classified.kind) {
          case "application":
            out.applications.push(classified.value);
            break;
          case "image-updater":
            out.imageUpdaters.push(classified.value);
            out.problems.push(...classified.warnings);
            break;
          case "application-set":
            out.applicationSets?.push(classified.value);
            break;
          case "problem":
            if ((classified.problem.severity ?? "error") === "error" && looksLikeTemplate(chunk.text)) break;
            out.problems.push(classified.problem);
            break;
          case "ignored":
            break;
        }
      }
    });
  }
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
const MANIFEST_FILE = /\.ya?ml$/i;

/** A manifest file found under a path: its name in targets and problems, and how to read it. */
interface ManifestFile {
  readonly name: string;
  load(): Promise<string | null>;
}

function problemText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The YAML files under `entry`. A path given by name is read whatever it is (reading says what is
 * wrong with it); inside a directory, `*.yaml` / `*.yml` files, and FIFOs, sockets or devices so
 * named, which reading then refuses by name instead of skipping them unsaid. Links are not followed.
 */
async function collect(entry: string, files: string[], problems: TargetProblem[]): Promise<void> {
  let info;
  try {
    info = await stat(entry);
  } catch (error) {
    problems.push({
      app: null,
      image: null,
      file: entry,
      message: `cannot read "${quoteForMessage(entry)}": ${describeFileError(error)}; check the path`,
    });
    return;
  }
  if (!info.isDirectory()) {
    files.push(entry);
    return;
  }
  let names;
  try {
    names = (await readdir(entry, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } catch (error) {
    problems.push({
      app: null,
      image: null,
      file: entry,
      message: `cannot read the directory "${quoteForMessage(entry)}": ${describeFileError(error)}; the Applications in it were not read`,
    });
    return;
  }
  for (const dirent of names) {
    const full = path.join(entry, dirent.name);
    if (dirent.isDirectory()) {
      if (!SKIP_DIRS.has(dirent.name)) await collect(full, files, problems);
    } else if (!dirent.isSymbolicLink() && MANIFEST_FILE.test(dirent.name)) files.push(full);
  }
}

async function collectFromDisk(paths: readonly string[], root: string | undefined, problems: TargetProblem[]): Promise<ManifestFile[]> {
  const files: string[] = [];
  for (const entry of paths) await collect(entry, files, problems);
  const base = path.resolve(root ?? process.cwd());
  return [...new Set(files)].map((file) => {
    const relative = path.relative(base, path.resolve(file));
    const name = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
    // Regular files only, up to MAX_MANIFEST_FILE_BYTES: a FIFO here would block the pass forever.
    return { name, load: () => readRegularTextFile(file, { name, maxBytes: MAX_MANIFEST_FILE_BYTES }) };
  });
}

/** `./apps/`, `apps` → `apps`; `.` or `/` → the root, `""`. */
function repoPath(value: string): string {
  const trimmed = value
    .replace(/\\/g, "/")
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  return trimmed === "." ? "" : trimmed;
}

/**
 * As `collect` over a RepoReader: a directory is walked (sorted, `*.yaml` / `*.yml`, skipping `.git`
 * and `node_modules`; links inside it are not followed, as on disk), any other path is a file.
 */
async function collectFromRepo(reader: RepoReader, dir: string, files: string[], problems: TargetProblem[], top: boolean): Promise<void> {
  let entries: readonly RepoEntry[] | null;
  try {
    entries = await reader.list(dir);
  } catch (error) {
    problems.push({ app: null, image: null, file: dir, message: `cannot read "${dir}": ${problemText(error)}; check the path` });
    return;
  }
  if (entries === null) {
    if (top) files.push(dir);
    return;
  }
  for (const entry of [...entries].sort((a, b) => a.name.localeCompare(b.name))) {
    const full = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.type === "dir") {
      if (!SKIP_DIRS.has(entry.name)) await collectFromRepo(reader, full, files, problems, false);
    } else if ((entry.type === "file" || entry.type === "other") && MANIFEST_FILE.test(entry.name)) files.push(full); // "other" (a FIFO…): reading names it
  }
}

async function collectFromReader(reader: RepoReader, paths: readonly string[], problems: TargetProblem[]): Promise<ManifestFile[]> {
  const files: string[] = [];
  for (const entry of paths) await collectFromRepo(reader, repoPath(entry), files, problems, true);
  return [...new Set(files)].map((name) => ({ name, load: () => reader.read(name) }));
}

export interface ReadManifestsOptions {
  /**
   * Files are named relative to this directory (the GitOps checkout) in targets and problems,
   * which is what a kind "application" target's path must be. Default: the current directory.
   */
  readonly root?: string;
}

export interface ManifestPaths {
  /** Repo-relative files or directories, read through the reader (a checkout, or a commit's tree). */
  readonly repo?: { readonly reader: RepoReader; readonly paths: readonly string[] };
  /** Files or directories on disk, outside the repository (the CLI's --apps elsewhere). */
  readonly disk?: { readonly paths: readonly string[]; readonly root?: string };
}

/** Every file's text (null: absent), or what loading it threw, in file order; at most `concurrency` loads at once. */
async function loadAll(files: readonly ManifestFile[], concurrency: number): Promise<({ text: string | null } | { error: unknown })[]> {
  const results = new Array<{ text: string | null } | { error: unknown }>(files.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let index = next++; index < files.length; index = next++) {
      const file = files[index];
      if (file === undefined) continue;
      results[index] = await file.load().then(
        (text) => ({ text }),
        (error: unknown) => ({ error }),
      );
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return results;
}

/**
 * Application / ImageUpdater manifests under the given paths: directories recursively (`*.yaml` /
 * `*.yml`, skipping `.git` and `node_modules`), each file once. A path that cannot be read is a
 * problem naming it; the others are read.
 */
export async function readManifests(paths: ManifestPaths): Promise<Resources> {
  const out: Resources = { applications: [], imageUpdaters: [], problems: [], applicationSets: [] };
  const files = [
    ...(paths.disk === undefined ? [] : await collectFromDisk(paths.disk.paths, paths.disk.root, out.problems)),
    ...(paths.repo === undefined ? [] : await collectFromReader(paths.repo.reader, paths.repo.paths, out.problems)),
  ];
  // Read a few at a time (an app-of-apps folder holds thousands), then parse in file order.
  const loaded = await loadAll(files, 16);
  for (const [index, { name }] of files.entries()) {
    const result = loaded[index];
    if (result === undefined || "error" in result) {
      // A refused file (a FIFO, over the size limit…) says what it is itself.
      const error: unknown = result?.error;
      out.problems.push({
        app: null,
        image: null,
        file: name,
        message:
          error instanceof ConfigError
            ? `${describeError(error)}; the Applications in it were not read`
            : `cannot read "${name}": ${problemText(error)}`,
      });
      continue;
    }
    const text = result.text;
    if (text === null) {
      out.problems.push({
        app: null,
        image: null,
        file: name,
        message: `cannot read "${name}": there is no such file or directory in the repository; check the path`,
      });
      continue;
    }
    const parsed = parseManifests(text, name);
    out.applications.push(...parsed.applications);
    out.imageUpdaters.push(...parsed.imageUpdaters);
    out.problems.push(...parsed.problems);
    out.applicationSets?.push(...(parsed.applicationSets ?? []));
  }
  out.applications = withoutDuplicates("Application", out.applications, out.problems);
  out.imageUpdaters = withoutDuplicates("ImageUpdater", out.imageUpdaters, out.problems);
  return out;
}

/** Files or directories on disk (recursive, `*.yaml` / `*.yml`, skipping `.git` and `node_modules`). */
export async function readManifestsFromPaths(paths: string[], options: ReadManifestsOptions = {}): Promise<Resources> {
  return readManifests({ disk: { paths, ...(options.root === undefined ? {} : { root: options.root }) } });
}

/** Repo-relative files or directories read through a RepoReader, exactly as readManifestsFromPaths reads a checkout. */
export async function readManifestsFromRepo(reader: RepoReader, paths: readonly string[]): Promise<Resources> {
  return readManifests({ repo: { reader, paths } });
}

/**
 * Resources defined more than once (a copy-paste under --apps): the API server would keep one of
 * them, and which one is a guess, so every copy is dropped with an error naming the files.
 */
function withoutDuplicates<T extends Application | ImageUpdater>(kind: T["kind"], resources: T[], problems: TargetProblem[]): T[] {
  const byName = new Map<string, T[]>();
  for (const resource of resources) {
    const key = qualifiedName(resource.metadata);
    byName.set(key, [...(byName.get(key) ?? []), resource]);
  }
  const duplicated = new Set<string>();
  for (const [key, copies] of byName) {
    if (copies.length < 2) continue;
    duplicated.add(key);
    const files = [...new Set(copies.map((copy) => copy.file ?? "(unknown file)"))];
    const where =
      files.length === 1
        ? `${copies.length} times in ${files[0] ?? ""}`
        : `in ${files.length === 2 ? "both " : ""}${files.slice(0, -1).join(", ")} and ${files[files.length - 1] ?? ""}`;
    problems.push({
      app: kind === "Application" ? key : null,
      image: null,
      file: copies[0]?.file ?? null,
      message: `${kind} ${key} is defined ${where}; keep one (it was skipped)`,
    });
  }
  return resources.filter((resource) => !duplicated.has(qualifiedName(resource.metadata)));
}
