/**
 * plan/: PURE. Per-target outcomes → file changes, desired pull requests, and the actions that
 * bring GitHub's pull requests to them.
 */
export type * from "./types.js";
export { applyTargetEdit } from "./apply-target-edit.js";
export { composeChanges } from "./compose-changes.js";
export type { Composition } from "./compose-changes.js";
