/** app/: the Probot app's triggers — webhooks and the schedule — wired to reconcile passes. */
export { createReconcileApp } from "./reconcile-app.js";
export type { ReconcileAppHandle, ReconcileAppOptions } from "./reconcile-app.js";
export { TRIGGER_EVENTS, triggersOf } from "./triggers.js";
export type { RepoTrigger } from "./triggers.js";
