/**
 * github/: the only module that calls GitHub (and the only one importing Octokit, through
 * Probot): a read port over a commit, the managed PRs, executing plan/'s actions. Imports only
 * plan/'s types and functions, never sources/, registry/ or strategy/.
 */
export { countRequests, createGitHubClient, requestStats, writeGroup } from "./client.js";
export type { ClientTuning, CreateClientOptions, GitHubClient, RequestStats } from "./client.js";
export { createGitHubRepoPort } from "./repo-port.js";
export type { ActionResult, AppPr, ExecuteOptions, GitHubRepoPort, RepoPortOptions, Snapshot } from "./repo-port.js";
export { gitHubError, httpFailure, isStatus } from "./errors.js";
export { apiBaseUrl, privateKeyFrom, repoClientsFromEnv } from "./auth.js";
export type { RepoClients, RepoClientsOptions } from "./auth.js";
export { createStateStore, STATE_BRANCH, STATE_FILE } from "./state-store.js";
export type { StateChange, StateStore, StateStoreOptions, StateUpdateResult, StoredState } from "./state-store.js";
export { mayCommand, readPermission } from "./permission.js";
export type { RepoPermission } from "./permission.js";
export { createCommentPort } from "./comment-port.js";
export type { Acknowledgement, CommentIssue, CommentPort, CommentPortOptions, CommentPull } from "./comment-port.js";
export { createDashboardIssue, DASHBOARD_ISSUE_TITLE } from "./dashboard-issue.js";
export type { DashboardIssue, DashboardIssueOptions, DashboardSyncResult } from "./dashboard-issue.js";
export { ConditionalCache } from "./conditional.js";
