/**
 * Ticks on the dashboard issue act like the commands. An `issues` `edited` webhook on the app's
 * dashboard, by a person (the app's own edits and other bots' are ignored): the boxes newly ticked
 * (the body before, `changes.body.from`, against the body now) → the editor's permission, asked of
 * GitHub → "recheck" asks for the repository's pass; "lift the pin / hold" is `/unpin` for those
 * targets, stored as a command is (storeCommand: compare-and-swap, once per edit; audit: the
 * editor, the time, a link naming the edit). Someone
 * without write permission gets the short refusal and nothing changes. Either way the next pass
 * redraws the body, boxes unticked.
 */
import { quoteInput, refusalReply } from "../commands/index.js";
import { tickedBoxes, type DashboardTick } from "../dashboard/index.js";
import { describeError } from "../errors/index.js";
import { createStateStore, mayCommand, readPermission, type GitHubClient } from "../github/index.js";
import type { Logger } from "../log/index.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../plan/index.js";
import { storeCommand } from "./stored-command.js";
import type { RepoTrigger } from "./triggers.js";

/** The webhook the dashboard's ticks come by (app.yml subscribes to `issues`). */
export const DASHBOARD_EVENTS = ["issues.edited"] as const;

export interface DashboardEdit {
  readonly trigger: RepoTrigger;
  readonly issueNumber: number;
  readonly issueUrl: string;
  /** Names this edit (the issue's link and the edit's time): the audit link, so a redelivered edit is acted on once. */
  readonly editLink: string;
  /** The person who edited the body: the one whose permission counts. */
  readonly editor: string;
  readonly ticks: readonly DashboardTick[];
}

type Payload = Readonly<Record<string, unknown>>;

function object(value: unknown): Payload | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Payload) : null;
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The ticks an `issues` webhook carries, or null when it is not a person's edit of the app's dashboard. Pure. */
export function dashboardEditOf(payload: Payload, botLogin: string | null): DashboardEdit | null {
  if (text(payload["action"]) !== "edited") return null;
  const installationId = Number(object(payload["installation"])?.["id"]);
  const issue = object(payload["issue"]);
  const sender = object(payload["sender"]);
  const [owner, repo] = text(object(payload["repository"])?.["full_name"])?.split("/") ?? [];
  const editor = text(sender?.["login"]);
  const number = Number(issue?.["number"]);
  const url = text(issue?.["html_url"]);
  if (!Number.isInteger(installationId) || owner === undefined || repo === undefined || editor === null || url === null) return null;
  if (issue === null || !Number.isInteger(number) || issue["pull_request"] !== undefined) return null;
  // Bots never command: the app's own edits (redrawing the body) least of all.
  if (text(sender?.["type"]) === "Bot" || editor === botLogin || editor.endsWith("[bot]")) return null;
  const author = object(issue["user"]);
  if (botLogin !== null ? text(author?.["login"]) !== botLogin : text(author?.["type"]) !== "Bot") return null;
  const labels = Array.isArray(issue["labels"]) ? issue["labels"].map((label) => text(object(label)?.["name"])) : [];
  const body = text(issue["body"]);
  if (!labels.includes(DASHBOARD_LABEL) || body === null || !body.startsWith(DASHBOARD_MARKER)) return null;
  const before = text(object(object(payload["changes"])?.["body"])?.["from"]);
  if (before === null) return null;
  const ticks = tickedBoxes(before, body);
  const at = text(issue["updated_at"]) ?? "";
  const editLink = `${url}#dashboard-edit-${encodeURIComponent(at).slice(0, 100)}`;
  return ticks.length === 0
    ? null
    : { trigger: { installationId, owner, repo }, issueNumber: number, issueUrl: url, editLink, editor, ticks };
}

export interface DashboardEditDeps {
  readonly client: GitHubClient;
  readonly log: Logger;
  readonly now: () => Date;
  /** Ask for the repository's pass (debounced, as any trigger). */
  readonly requestPass: (trigger: RepoTrigger) => void;
}

/** Act on the ticks: refuse, or lift pins and holds and ask for a pass. Returns what was done, for logs and tests. */
export async function actOnDashboardEdit(edit: DashboardEdit, deps: DashboardEditDeps): Promise<"refused" | "done"> {
  const { client, log } = deps;
  const { owner, repo } = edit.trigger;
  const permission = await readPermission(client, owner, repo, edit.editor);
  if (!mayCommand(permission)) {
    log.info({ repo: `${owner}/${repo}`, editor: edit.editor, permission }, "dashboard ticks refused: no write permission");
    await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: edit.issueNumber,
      body: refusalReply(edit.editor),
    });
    return "refused";
  }
  const replies: string[] = [];
  const unpin = edit.ticks.filter((tick) => tick.action === "unpin").map((tick) => tick.target);
  if (unpin.length > 0) {
    const why = `ticked "lift the pin / hold" on the dashboard for ${unpin.join(", ")}`;
    const audit = { by: edit.editor, at: deps.now().toISOString(), link: edit.editLink, why: [...why].slice(0, 2000).join("") };
    try {
      const stored = await storeCommand(
        createStateStore({ client, owner, repo, log }),
        { kind: "unpin", target: null },
        { targets: unpin, audit, holdUntil: "newer", place: "dashboard" },
      );
      if (stored.changed) replies.push(stored.reply);
    } catch (error) {
      log.error({ repo: `${owner}/${repo}`, targets: unpin, error: describeError(error) }, "dashboard unpin not stored");
      replies.push(
        `Nothing changed: lifting ${unpin.map((id) => quoteInput(id, 200)).join(", ")} could not be stored — ${quoteInput(describeError(error), 500)}`,
      );
    }
  }
  // The pass first, so a change stored takes effect even if the reply fails.
  deps.requestPass(edit.trigger);
  // Said only when something changed: a redelivered webhook, or a box with nothing left to lift, stays quiet.
  if (replies.length > 0)
    await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: edit.issueNumber,
      body: replies.join("\n\n"),
    });
  return "done";
}
