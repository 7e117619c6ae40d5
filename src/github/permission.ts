/**
 * Who may command the app: asked of GitHub (`GET collaborators/{user}/permission`), never guessed
 * from a webhook's payload. Write, maintain and admin may; triage, read and none may not.
 */
import type { GitHubClient } from "./client.js";
import { gitHubError, isStatus } from "./errors.js";

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

const ROLES: readonly RepoPermission[] = ["admin", "maintain", "write", "triage", "read", "none"];

/** `login`'s role on the repository; "none" for someone GitHub does not know or who is no collaborator. */
export async function readPermission(client: GitHubClient, owner: string, repo: string, login: string): Promise<RepoPermission> {
  try {
    const { data } = await client.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner,
      repo,
      username: login,
    });
    // role_name carries maintain and triage, which the legacy `permission` folds into write and read.
    const role = ROLES.find((name) => name === data.role_name) ?? ROLES.find((name) => name === data.permission);
    return role ?? "none";
  } catch (error) {
    if (isStatus(error, 404)) return "none";
    throw gitHubError(`${owner}/${repo}`, `reading ${login}'s permission`, error);
  }
}

export function mayCommand(permission: RepoPermission): boolean {
  return permission === "admin" || permission === "maintain" || permission === "write";
}
