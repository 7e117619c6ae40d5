/**
 * plan/: PURE. Per-target outcomes → file changes, desired pull requests, and the actions that
 * bring GitHub's pull requests to them.
 */
export type * from "./types.js";
