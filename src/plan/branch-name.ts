/**
 * The deterministic branch of a PR group: `argocd-image-pr/<slug>`. The slug is a valid git ref
 * component (git-check-ref-format) of bounded length; when the group's name had to be changed to
 * get there (cut, or characters replaced), a hash of the name is appended so that two groups never
 * share a branch. The state branch's name is reserved: a group named `state` is hashed too.
 */
import { createHash } from "node:crypto";
import { BRANCH_PREFIX, STATE_BRANCH } from "./pr-types.js";

/** Longest slug; with the prefix, well under GitHub's and every filesystem's limits. */
export const MAX_SLUG_LENGTH = 80;
const HASH_LENGTH = 8;

function shortHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, HASH_LENGTH);
}

/** `[A-Za-z0-9._-]` runs, no `..`, no leading or trailing `.`/`-`, no `.lock` ending. */
function sanitize(group: string): string {
  return group
    .normalize("NFKC")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+|[.-]+$/g, "")
    .replace(/\.lock$/i, "-lock");
}

/** The state branch's slug (any case: some clients' file systems fold it): a group never gets it. */
const RESERVED = STATE_BRANCH.slice(BRANCH_PREFIX.length).toLowerCase();

export function branchSlug(group: string): string {
  const clean = sanitize(group);
  if (clean === group && clean.length <= MAX_SLUG_LENGTH && clean !== "" && clean.toLowerCase() !== RESERVED) return clean;
  const room = MAX_SLUG_LENGTH - HASH_LENGTH - 1;
  const cut = clean.slice(0, room).replace(/[.-]+$/, "");
  return cut === "" ? shortHash(group) : `${cut}-${shortHash(group)}`;
}

export function branchFor(group: string): string {
  return `${BRANCH_PREFIX}${branchSlug(group)}`;
}
