/**
 * pipeline/: one pass, the only orchestrator. `runPlan` is what `argocd-image-pr plan` runs; the
 * GitHub app composes the same steps over a commit: gatherTargets(options, { reader, originUrl })
 * → evaluateTargets → plan/'s composeChanges over the base branch.
 */
export { openCheckout } from "./checkout.js";
export type { Checkout } from "./checkout.js";
export { evaluateTargets } from "./evaluate-targets.js";
export type { EvaluateDeps, EvaluateOptions } from "./evaluate-targets.js";
export { gatherTargets, REPO_CONFIG_FILE } from "./gather.js";
export type { ClusterOptions, GatherOptions, RepoConfigSource, RepoSource } from "./gather.js";
export { planCheckout } from "./plan-checkout.js";
export type { PlanCheckoutDeps, PlanCheckoutOptions } from "./plan-checkout.js";
export { gatherOptionsFor, runPlan } from "./run-plan.js";
export type { RunPlanOptions } from "./run-plan.js";
export { readKustomizationTree, renderedImage } from "./rendered-image.js";
export type { RenderedTarget, TextReader } from "./rendered-image.js";
export type * from "./types.js";
export { APP_REPO_CONFIG_FILE, DEFAULT_APP_LOGIN, reconcileRepo } from "./reconcile-repo.js";
export type { GatheredTargets, ReconcileEngine, ReconcileInput, ReconcileReport, StateWrite } from "./reconcile-repo.js";
export { createReconcileEngine } from "./reconcile-engine.js";
export type { ReconcileEngineOptions } from "./reconcile-engine.js";
export { createRepoLock } from "./repo-lock.js";
export type { RepoLock } from "./repo-lock.js";
export { prSettingsFrom } from "./pr-settings.js";
export { reconcileRepos } from "./reconcile-repos.js";
export type { ReconcileReposOptions, ReconcileReposResult, RepoPassResult } from "./reconcile-repos.js";
export { listImageTags } from "./tags.js";
export type { ListTagsOptions, TagRow, TagsResult } from "./tags.js";
export { currentTags, gatherRepoTargets, listTargetTags } from "./repo-targets.js";
export type { RepoTargets } from "./repo-targets.js";
