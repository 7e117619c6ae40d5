/**
 * The body a reviewer reads: per image, where it runs, what changes and why, and how to undo it.
 * Every value from a registry, a file or the configuration goes through escapeMarkdown; links are
 * built only from values that passed a strict shape (GitHub repository URL, hex revision).
 */
import { escapeMarkdown } from "./escape-markdown.js";
import { renderPrMetadata } from "./pr-metadata.js";
import type { PrMetadata } from "./pr-types.js";
import type { PlannedUpdate } from "./types.js";

/** One image of the PR, with what the body shows beyond the engine's update. */
export interface PrBodyImage {
  readonly update: PlannedUpdate;
  /** `namespace/name` of the Application, or the repo-config target's name. */
  readonly owner: string;
  /** `server-or-name / namespace`, when the Application says. */
  readonly destination: string | null;
  readonly constraint: string | null;
  /** Revision (`org.opencontainers.image.revision`) of the image the file runs now, when known. */
  readonly fromRevision: string | null;
}

export interface PrBodyInput {
  readonly group: string;
  readonly base: string;
  readonly images: readonly PrBodyImage[];
  readonly automerge: boolean;
  readonly metadata: PrMetadata;
}

const GITHUB_REPO = /^https:\/\/github\.com\/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?\/?$/;
const REVISION = /^[0-9a-f]{7,64}$/;

function esc(value: string): string {
  return escapeMarkdown(value);
}

function shortImage(image: string): string {
  return image.split("/").pop() ?? image;
}

function version(tag: string | null, digest: string | null): string {
  if (tag === null) return digest === null ? "(none)" : `@${digest}`;
  return digest === null ? tag : `${tag}@${digest.slice(0, 19)}…`;
}

function builtAt(created: string | null): string | null {
  if (created === null) return null;
  const date = new Date(created);
  if (Number.isNaN(date.getTime())) return null;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A link to what is in this deploy: the compare view between the two revisions, or the new commit. */
function sourceCell(update: PlannedUpdate, fromRevision: string | null): string | null {
  if (update.sourceUrl === null) return null;
  const repo = GITHUB_REPO.exec(update.sourceUrl);
  const revision = update.revision !== null && REVISION.test(update.revision) ? update.revision : null;
  if (repo === null || revision === null) {
    return update.revision === null ? esc(update.sourceUrl) : `${esc(update.sourceUrl)} at ${esc(update.revision)}`;
  }
  const base = `https://github.com/${repo[1] ?? ""}/${repo[2] ?? ""}`;
  const name = `${esc(repo[1] ?? "")}/${esc(repo[2] ?? "")}`;
  if (fromRevision !== null && REVISION.test(fromRevision) && fromRevision !== revision) {
    return `[${name}: ${fromRevision.slice(0, 12)}…${revision.slice(0, 12)}](${base}/compare/${fromRevision}...${revision}) (what is in this deploy)`;
  }
  return `[${name}@${revision.slice(0, 12)}](${base}/commit/${revision})`;
}

/** A link from the state (validated there as http(s) without spaces or brackets), safe inside markdown's `(…)`. */
const SAFE_LINK = /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$/;

function decidedCell(intent: NonNullable<PlannedUpdate["intent"]>): string {
  const where = intent.link !== null && SAFE_LINK.test(intent.link) ? ` ([where](${intent.link}))` : "";
  switch (intent.kind) {
    case "pin":
      return `pinned: ${esc(intent.source)}${where}; no other update is proposed until \`/unpin\``;
    case "rollback":
      return `rolled back${intent.reverts === null ? "" : `, reverting #${intent.reverts}`}: ${esc(intent.source)}${where}; held: only tags newer than the rolled-back one are proposed after it`;
  }
}

function imageSection(image: PrBodyImage): string {
  const { update } = image;
  const rows: [string, string][] = [[update.app === null ? "Target" : "Application", esc(image.owner)]];
  if (image.destination !== null) rows.push(["Destination", esc(image.destination)]);
  rows.push(
    ["File", `${esc(update.file)} (${esc(update.kind)})`],
    ["Image", esc(update.image)],
    ["Change", `${esc(version(update.from, update.fromDigest))} → ${esc(version(update.to, update.digest))}`],
    ["Strategy", image.constraint === null ? esc(update.strategy) : `${esc(update.strategy)}, constraint ${esc(image.constraint)}`],
    ["Why this tag", esc(update.reason)],
  );
  if (update.intent !== undefined) rows.push(["Decided by", decidedCell(update.intent)]);
  if (update.imageDigest !== null) rows.push(["Digest", esc(update.imageDigest)]);
  const built = builtAt(update.created);
  if (built !== null) rows.push(["Built", esc(built)]);
  const source = sourceCell(update, image.fromRevision);
  if (source !== null) rows.push(["Source", source]);
  const table = rows.map(([name, value]) => `| ${name} | ${value} |`).join("\n");
  return `### ${esc(shortImage(update.image))} ${esc(update.from ?? "(none)")} → ${esc(update.to)}\n\n| | |\n|---|---|\n${table}`;
}

export function renderPrBody(input: PrBodyInput): string {
  const count = input.images.length;
  const intents = new Set(input.images.map((image) => image.update.intent?.kind ?? "policy"));
  const what = `${count === 1 ? "one image" : `${count} images`} of **${esc(input.group)}** on ${esc(input.base)}`;
  const only = intents.size === 1 ? [...intents][0] : "mixed";
  const intro =
    only === "pin"
      ? `This pull request sets ${what} to the tag a person pinned.`
      : only === "rollback"
        ? `This pull request rolls ${what} back to the tag ${count === 1 ? "it" : "they"} ran before, as a person asked (\`/rollback\`).`
        : only === "policy"
          ? `This pull request updates ${what}, as its image-update policy decides.`
          : `This pull request updates ${what}, as its image-update policy and people's pins or rollbacks decide.`;
  const automerge = input.automerge
    ? "It is labelled `argocd-image-pr:automerge`: it merges once its checks pass (remove the label to stop that)."
    : "Add the label `argocd-image-pr:automerge` to have it merged once its checks pass.";
  return [
    intro,
    ...input.images.map(imageSection),
    "### Rolling back",
    "Revert this pull request after it is merged: Argo CD then deploys the previous tag again.",
    "---",
    `<sub>Kept current by argocd-image-pr: a newer tag updates this pull request in place. ${automerge} If you push to its branch, the app stops changing it.</sub>`,
    renderPrMetadata(input.metadata),
  ].join("\n\n");
}
