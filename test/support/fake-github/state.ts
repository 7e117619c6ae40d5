/** The fake GitHub's records: what GitHub keeps besides git (users, issues, pulls, labels, checks). */

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type MergeMethod = "merge" | "squash" | "rebase";

export interface UserRecord {
  readonly login: string;
  readonly id: number;
  readonly nodeId: string;
  readonly type: "User" | "Bot" | "Organization";
}

export interface LabelRecord {
  readonly id: number;
  readonly nodeId: string;
  name: string;
  color: string;
  description: string | null;
}

export interface ReactionRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly user: string;
  readonly content: string;
  readonly createdAt: string;
}

export interface CommentRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly issueNumber: number;
  readonly user: string;
  body: string;
  readonly createdAt: string;
  updatedAt: string;
  readonly reactions: ReactionRecord[];
}

export interface ReviewRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly user: string;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  readonly body: string;
  readonly commitId: string;
  readonly submittedAt: string;
}

export interface AutoMergeRecord {
  readonly enabledBy: string;
  readonly mergeMethod: MergeMethod;
  readonly commitTitle: string;
  readonly commitMessage: string;
  readonly enabledAt: string;
}

export interface PullRecord {
  readonly headRef: string;
  baseRef: string;
  /** The head commit; followed while open, frozen once closed. */
  headSha: string;
  /** The base head when the PR was opened or last merged/closed (GitHub's base.sha). */
  baseSha: string;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: string | null;
  mergeCommitSha: string | null;
  draft: boolean;
  maintainerCanModify: boolean;
  autoMerge: AutoMergeRecord | null;
  readonly reviews: ReviewRecord[];
  /** logins asked for a review and not yet reviewed */
  readonly requestedReviewers: string[];
}

export interface IssueRecord {
  readonly number: number;
  readonly id: number;
  readonly nodeId: string;
  title: string;
  body: string | null;
  readonly user: string;
  state: "open" | "closed";
  stateReason: "completed" | "reopened" | "not_planned" | null;
  /** label names, in the order they were added */
  labels: string[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  readonly pull: PullRecord | undefined;
}

export interface StatusRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly context: string;
  readonly state: "success" | "failure" | "pending" | "error";
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly createdAt: string;
}

export interface CheckRunRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly name: string;
  readonly headSha: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required" | null;
  readonly startedAt: string;
  completedAt: string | null;
  readonly suiteId: number;
}

export interface CheckSuiteRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly headSha: string;
  readonly headBranch: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

/** A webhook GitHub would have delivered, with the payload's action. */
export interface FakeEvent {
  readonly name: string;
  readonly action: string | undefined;
  readonly repo: string;
  readonly payload: Record<string, unknown>;
}

/** Second-precision ISO 8601, as GitHub writes timestamps. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`fake:${prefix}:${id}`).toString("base64url")}`;
}
