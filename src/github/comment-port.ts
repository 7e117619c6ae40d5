/**
 * CommentPort: what the comment-command handler asks of GitHub about one repository — where a
 * comment was made (the pull request or issue, read from GitHub rather than trusted from the
 * webhook), whether the app already answered it, the acknowledging reaction (GitHub answers 201
 * when it adds it and 200 when it was there: the first handler to react owns the comment), the
 * reply, and the commenter's permission.
 */
import type { GitHubClient } from "./client.js";
import { gitHubError, isStatus } from "./errors.js";
import { readPermission, type RepoPermission } from "./permission.js";

export interface CommentPull {
  readonly number: number;
  readonly headRef: string;
  /** The head branch is in this repository (not a fork). */
  readonly sameRepository: boolean;
  readonly merged: boolean;
  readonly body: string | null;
}

export interface CommentIssue {
  readonly number: number;
  readonly author: string;
  readonly authorType: string;
  readonly labels: readonly string[];
  readonly isPull: boolean;
}

export interface Acknowledgement {
  /** True when this call added the reaction; false when it was there already (another delivery's). */
  readonly created: boolean;
  /** When the reaction was first added. */
  readonly at: string;
}

export interface CommentPort {
  /** The pull request, or null when there is none of that number. */
  pull(number: number): Promise<CommentPull | null>;
  /** The issue (or pull request as an issue), or null when there is none of that number. */
  issue(number: number): Promise<CommentIssue | null>;
  /** Whether a comment on the issue by the app (`appLogin`; any bot when unknown) contains `marker`. */
  hasReply(issueNumber: number, marker: string, appLogin: string | null): Promise<boolean>;
  /** React to a comment (idempotent: a second call answers the first reaction). */
  react(commentId: number, content: "eyes"): Promise<Acknowledgement>;
  /** Comment on the issue; the new comment's id. */
  reply(issueNumber: number, body: string): Promise<number>;
  permission(login: string): Promise<RepoPermission>;
}

export interface CommentPortOptions {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
}

export function createCommentPort(options: CommentPortOptions): CommentPort {
  const { client, owner, repo } = options;
  const full = `${owner}/${repo}`;
  return {
    async pull(number) {
      try {
        const { data } = await client.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number });
        return {
          number: data.number,
          headRef: data.head.ref,
          sameRepository: data.head.repo?.full_name.toLowerCase() === data.base.repo.full_name.toLowerCase(),
          merged: data.merged_at !== null,
          body: data.body,
        };
      } catch (error) {
        if (isStatus(error, 404)) return null;
        throw gitHubError(full, `reading pull request #${number}`, error);
      }
    },
    async issue(number) {
      try {
        const { data } = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: number });
        return {
          number: data.number,
          author: data.user?.login ?? "",
          authorType: data.user?.type ?? "",
          labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))),
          isPull: data.pull_request !== undefined,
        };
      } catch (error) {
        if (isStatus(error, 404, 410)) return null;
        throw gitHubError(full, `reading issue #${number}`, error);
      }
    },
    async hasReply(issueNumber, marker, appLogin) {
      try {
        const comments = await client.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: issueNumber,
          per_page: 100,
        });
        return comments.some(
          (c) => (appLogin === null ? c.user?.type === "Bot" : c.user?.login === appLogin) && (c.body ?? "").includes(marker),
        );
      } catch (error) {
        throw gitHubError(full, `reading the comments of #${issueNumber}`, error);
      }
    },
    async react(commentId, content) {
      try {
        const response = await client.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
          owner,
          repo,
          comment_id: commentId,
          content,
        });
        return { created: response.status === 201, at: response.data.created_at };
      } catch (error) {
        throw gitHubError(full, `reacting to comment ${commentId}`, error);
      }
    },
    async reply(issueNumber, body) {
      try {
        const { data } = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          owner,
          repo,
          issue_number: issueNumber,
          body,
        });
        return Number(data.id);
      } catch (error) {
        throw gitHubError(full, `commenting on #${issueNumber}`, error);
      }
    },
    permission: (login) => readPermission(client, owner, repo, login),
  };
}
