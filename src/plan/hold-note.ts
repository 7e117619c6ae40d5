/**
 * The note a hold after a rollback leaves on the update PR that brought the rolled-back tag in:
 * which target, the rolled-back tag, what the base branch has now and what happens next. PURE;
 * every value is escaped.
 */
import { escapeMarkdown } from "./escape-markdown.js";

export interface HoldNote {
  readonly target: string;
  /** The tag this PR brought in, now rolled back. */
  readonly above: string;
  /** The target's tag on the base branch now (null: not known this pass). */
  readonly current: string | null;
  readonly until: "newer" | "unpin";
  /** Where the rollback was seen (the base commit). */
  readonly link: string;
}

/** The key of a hold's note: one note per target and rolled-back tag. */
export function holdNoteKey(note: Pick<HoldNote, "target" | "above">): string {
  return `hold ${note.target} ${note.above}`;
}

const SAFE_LINK = /^https?:\/\/[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+$/;

export function renderHoldNote(note: HoldNote): string {
  const target = escapeMarkdown(note.target);
  const above = escapeMarkdown(note.above);
  const now = note.current === null ? "another tag" : escapeMarkdown(note.current);
  const where = SAFE_LINK.test(note.link) ? ` ([the commit](${note.link}))` : "";
  const next =
    note.until === "newer"
      ? `From now on argocd-image-pr proposes only tags newer than ${above} for it, and never ${above} again. Comment \`/unpin\` here to lift the hold.`
      : `argocd-image-pr proposes no update for it until someone comments \`/unpin\` (the repository's \`holdUntil: unpin\`).`;
  return [
    `**Held after a rollback.** The base branch moved ${target} back from ${above}, which this pull request brought in, to ${now}${where}.`,
    next,
  ].join("\n\n");
}
