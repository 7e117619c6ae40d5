/**
 * Whether an Application runs an image, as far as its files in git tell — argocd-image-updater
 * skips an image the live Application does not run (unless `force-update`), and an Application
 * read from a file has no live status to ask. The files searched are the app's own: a kustomize
 * target's kustomization and the local `resources` / `bases` / `components` it builds from, a Helm
 * target's chart directory (values, templates, vendored subcharts). The image counts as run when
 * its repository path appears in one of them (a lenient test: it only ever skips an image that
 * none of them names). Null when the files cannot tell (a chart from a Helm repository, an
 * Application manifest, a plain manifest — whose own file is all there is).
 */
import posix from "node:path/posix";

import { parseDocument } from "yaml";

import { kustomizationFileName } from "../editors/index.js";
import type { Target } from "../model/index.js";
import type { RepoReader } from "./types.js";

const MAX_FILES = 500;
const MANIFEST = /\.(ya?ml|json|tpl|txt)$/i;

export interface ImageSearch {
  /** Files that name the image. */
  readonly found: readonly string[];
  /** Where it looked (directories and files), for the message. */
  readonly searched: readonly string[];
}

function needle(target: Target): string {
  return target.image.repository.replace(/^library\//, "");
}

async function filesUnder(reader: RepoReader, dir: string, out: string[], recursive: boolean): Promise<void> {
  const entries = (await reader.list(dir)) ?? [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (out.length >= MAX_FILES) return;
    const full = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if ((entry.type === "file" || entry.type === "symlink") && MANIFEST.test(entry.name)) out.push(full);
    else if (entry.type === "dir" && recursive && !entry.name.startsWith(".")) await filesUnder(reader, full, out, true);
  }
}

/** A kustomization's local inputs (directories and files), followed transitively, bounded. */
async function kustomizeFiles(reader: RepoReader, start: string, searched: string[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0 && files.length < MAX_FILES && seen.size < 100) {
    const dir = queue.shift() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    searched.push(dir === "" ? "." : dir);
    const entries = (await reader.list(dir)) ?? [];
    const name = kustomizationFileName(entries.filter((e) => e.type !== "dir").map((e) => e.name));
    await filesUnder(reader, dir, files, false);
    if (name === null) continue;
    const text = (await reader.read(posix.join(dir, name))) ?? "";
    const doc = parseDocument(text);
    const value: unknown = doc.errors.length > 0 ? null : doc.toJS();
    if (typeof value !== "object" || value === null) continue;
    for (const key of ["resources", "bases", "components"]) {
      const list = (value as Record<string, unknown>)[key];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (typeof item !== "string" || /^[a-z][a-z0-9+.-]*:\/\//i.test(item) || item.startsWith("github.com/")) continue;
        const path = posix.normalize(posix.join(dir, item)).replace(/\/+$/, "");
        if (path.startsWith("..")) continue;
        if ((await reader.list(path)) !== null) queue.push(path === "." ? "" : path);
        else if (!files.includes(path)) files.push(path);
      }
    }
  }
  return files;
}

/** Where the target's image appears among its Application's files, or null when they cannot tell. */
export async function searchAppFiles(target: Target, file: string, reader: RepoReader): Promise<ImageSearch | null> {
  const searched: string[] = [];
  let files: string[];
  switch (target.write.kind) {
    case "kustomize": {
      const start = /\.ya?ml$|(^|\/)Kustomization$/.test(target.write.path) ? posix.dirname(target.write.path) : target.write.path;
      // A directory that does not exist says nothing about the image: reading it reports that.
      if ((await reader.list(start === "." ? "" : start)) === null) return null;
      files = await kustomizeFiles(reader, start === "." ? "" : start, searched);
      break;
    }
    case "helm": {
      const chart = posix.dirname(file);
      const dir = chart === "." ? "" : chart;
      if ((await reader.read(posix.join(dir, "Chart.yaml"))) === null) return null;
      searched.push(dir === "" ? "." : dir);
      files = [];
      await filesUnder(reader, dir, files, true);
      break;
    }
    case "application":
    case "argocd-source":
    case "manifest":
      return null;
  }
  const wanted = needle(target);
  const found: string[] = [];
  for (const candidate of new Set([file, ...files])) {
    const text = await reader.read(candidate).catch(() => null);
    if (text !== null && text.includes(wanted)) found.push(candidate);
  }
  return { found, searched };
}
