/**
 * How the app recognises its own commit on an update branch after a restart, from GitHub alone:
 * the commit message ends with a trailer naming the group and a fingerprint of the exact files
 * (path and git blob sha) the commit sets. A commit that someone else made, amended or added on
 * top fails the check — that PR is then hands-off.
 */
import { createHash } from "node:crypto";
import type { BranchCommit } from "./pr-types.js";

const TRAILER = "Argocd-Image-Pr";
const TRAILER_LINE = /(?:^|\n)Argocd-Image-Pr: (\S+) ([0-9a-f]{16})\s*$/;

/** The git blob id of a file's text (what a tree entry's `sha` is). */
export function gitBlobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** A fingerprint of a commit's changes: path → blob sha (null: removed). */
export function filesFingerprint(files: ReadonlyMap<string, string | null>): string {
  const lines = [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, sha]) => `${path}\0${sha ?? "-"}\n`);
  return createHash("sha256").update(lines.join(""), "utf8").digest("hex").slice(0, 16);
}

/** The trailer line ending every commit the app makes for `key`. Keys never hold whitespace (they are encoded). */
export function commitTrailer(key: string, files: ReadonlyMap<string, string | null>): string {
  return `${TRAILER}: ${encodeURIComponent(key)} ${filesFingerprint(files)}`;
}

/** The group whose commit `commit` is — one parent, our trailer, exactly the files the trailer says — or null. */
export function ownCommitKey(commit: BranchCommit): string | null {
  if (commit.parents.length !== 1) return null;
  const match = TRAILER_LINE.exec(commit.message);
  if (match === null || match[2] !== filesFingerprint(commit.files)) return null;
  try {
    return decodeURIComponent(match[1] ?? "");
  } catch {
    return null;
  }
}

/** True when `commit` is the app's one commit for `key`. */
export function isOwnCommit(commit: BranchCommit, key: string): boolean {
  return ownCommitKey(commit) === key;
}
