import { GitHubError } from "../errors/index.js";

export interface HttpFailure {
  readonly status: number;
  readonly message: string;
}

/** The status and GitHub's message of a failed Octokit call, or null for anything else. */
export function httpFailure(error: unknown): HttpFailure | null {
  if (typeof error !== "object" || error === null || !("status" in error) || typeof error.status !== "number") return null;
  const message = error instanceof Error ? error.message : String(error);
  return { status: error.status, message };
}

export function isStatus(error: unknown, ...statuses: number[]): boolean {
  const failure = httpFailure(error);
  return failure !== null && statuses.includes(failure.status);
}

/** A GitHubError naming the repository, the call and what to do; never a token or header. */
export function gitHubError(repo: string, what: string, error: unknown): GitHubError {
  const failure = httpFailure(error);
  const status = failure === null ? "" : ` (HTTP ${failure.status})`;
  const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
  const hint =
    failure?.status === 401
      ? "the token or app credentials are not valid for this GitHub"
      : failure?.status === 403 || failure?.status === 404
        ? "check that the app is installed on the repository (or the token can read and write it): contents, pull requests and issues"
        : undefined;
  return new GitHubError(`${repo}: ${what} failed${status}: ${message.split("\n")[0]?.slice(0, 300) ?? ""}`, {
    context: { repo },
    cause: error,
    ...(hint === undefined ? {} : { hint }),
  });
}
