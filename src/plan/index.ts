/**
 * plan/: PURE. Per-target outcomes → file changes, desired pull requests, and the actions that
 * bring GitHub's pull requests to them.
 */
export type * from "./types.js";
export type * from "./pr-types.js";
export { applyTargetEdit } from "./apply-target-edit.js";
export { composeChanges } from "./compose-changes.js";
export type { Composition } from "./compose-changes.js";
export {
  AUTOMERGE_LABEL,
  BRANCH_PREFIX,
  DASHBOARD_LABEL,
  DASHBOARD_MARKER,
  DEFAULT_PR_SETTINGS,
  PR_LABEL,
  STATE_BRANCH,
} from "./pr-types.js";
export { branchFor, branchSlug, MAX_SLUG_LENGTH } from "./branch-name.js";
export { escapeMarkdown } from "./escape-markdown.js";
export { parsePrMetadata, renderPrMetadata, withPrMetadata, PrMetadataSchema } from "./pr-metadata.js";
export { commitTrailer, gitBlobSha, isOwnCommit, ownCommitKey } from "./own-commit.js";
export { renderPrBody } from "./pr-body.js";
export type { PrBodyImage, PrBodyInput } from "./pr-body.js";
export { baseBranchOf, desiredPrs, groupOf } from "./desired-prs.js";
export type { DesiredPrsResult, PrBase } from "./desired-prs.js";
export { diffPrs } from "./diff-prs.js";
export type { DiffContext } from "./diff-prs.js";
export { globMatches } from "./glob.js";
export { updateTypeOf } from "./update-type.js";
export { holdNoteKey, renderHoldNote } from "./hold-note.js";
export type { HoldNote } from "./hold-note.js";
