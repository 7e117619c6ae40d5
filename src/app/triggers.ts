/**
 * Which repository a webhook asks a pass for, or none. The app's own actions (its pushes to its
 * branches, its PR edits and labels) never ask for one, so they cannot set off a loop of passes.
 * Pure: a parsed payload in, repositories out.
 */
import { BRANCH_PREFIX } from "../plan/index.js";

export interface RepoTrigger {
  readonly installationId: number;
  readonly owner: string;
  readonly repo: string;
}

/** The events that ask for a pass (app.yml lists them, and `issues` for the dashboard's ticks: app/dashboard-edits.ts). */
export const TRIGGER_EVENTS = ["push", "pull_request", "check_suite", "status", "installation", "installation_repositories"] as const;
const PR_ACTIONS = new Set(["closed", "reopened", "labeled", "unlabeled", "synchronize"]);

type Payload = Readonly<Record<string, unknown>>;

function object(value: unknown): Payload | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Payload) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function repoOf(payload: Payload, installationId: number): RepoTrigger | null {
  const repository = object(payload["repository"]);
  const full = text(repository?.["full_name"]);
  const [owner, repo] = full?.split("/") ?? [];
  return owner !== undefined && repo !== undefined ? { installationId, owner, repo } : null;
}

function fullNames(list: unknown, installationId: number): RepoTrigger[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const [owner, repo] = text(object(entry)?.["full_name"])?.split("/") ?? [];
    return owner !== undefined && repo !== undefined ? [{ installationId, owner, repo }] : [];
  });
}

/** `botLogin`: the app's own login (`<slug>[bot]`); its events are ignored. */
export function triggersOf(event: string, payload: Payload, botLogin: string | null): RepoTrigger[] {
  const installationId = Number(object(payload["installation"])?.["id"]);
  if (!Number.isInteger(installationId)) return [];
  const sender = text(object(payload["sender"])?.["login"]);
  if (botLogin !== null && sender === botLogin) return [];
  const action = text(payload["action"]);
  switch (event) {
    case "push": {
      // The app's own branches move only by the app (or by a person: the PR's synchronize says so);
      // the state branch (argocd-image-pr/state) is one of them: a stored command never sets off a pass by its push.
      const ref = text(payload["ref"]) ?? "";
      if (!ref.startsWith("refs/heads/") || ref.startsWith(`refs/heads/${BRANCH_PREFIX}`)) return [];
      const one = repoOf(payload, installationId);
      return one === null ? [] : [one];
    }
    case "pull_request": {
      const head = text(object(object(payload["pull_request"])?.["head"])?.["ref"]) ?? "";
      if (action === null || !PR_ACTIONS.has(action) || !head.startsWith(BRANCH_PREFIX)) return [];
      const one = repoOf(payload, installationId);
      return one === null ? [] : [one];
    }
    case "check_suite": {
      const suite = object(payload["check_suite"]);
      const branch = text(suite?.["head_branch"]) ?? "";
      if (action !== "completed" || !branch.startsWith(BRANCH_PREFIX)) return [];
      const one = repoOf(payload, installationId);
      return one === null ? [] : [one];
    }
    case "status": {
      const branches = Array.isArray(payload["branches"]) ? payload["branches"] : [];
      if (!branches.some((b) => (text(object(b)?.["name"]) ?? "").startsWith(BRANCH_PREFIX))) return [];
      const one = repoOf(payload, installationId);
      return one === null ? [] : [one];
    }
    case "installation":
      return action === "created" || action === "new_permissions_accepted" || action === "unsuspend"
        ? fullNames(payload["repositories"], installationId)
        : [];
    case "installation_repositories":
      return action === "added" ? fullNames(payload["repositories_added"], installationId) : [];
    default:
      return [];
  }
}
