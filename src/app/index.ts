/** app/: the Probot app's triggers — webhooks and the schedule — wired to reconcile passes. */
export { createReconcileApp } from "./reconcile-app.js";
export type { ReconcileAppHandle, ReconcileAppOptions } from "./reconcile-app.js";
export { TRIGGER_EVENTS, triggersOf } from "./triggers.js";
export type { RepoTrigger } from "./triggers.js";
export { COMMENT_EVENTS, createCommentHandler } from "./comment-app.js";
export type { CommentWiring } from "./comment-app.js";
export { CLAIM_LEASE_MS, handleCommentCommand, replyMarker, screenComment } from "./comment-commands.js";
export type { CommandTargets, CommentCommandDeps, CommentOutcome } from "./comment-commands.js";
export { parseCommentEvent } from "./comment-event.js";
export type { CommentEvent } from "./comment-event.js";
export { ALREADY_DONE_REPLY, storeCommand } from "./stored-command.js";
export type { StoredCommandResult } from "./stored-command.js";
