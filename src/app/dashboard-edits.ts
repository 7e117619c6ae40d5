/**
 * Ticks on the dashboard issue act like the commands. An `issues` `edited` webhook on the app's
 * dashboard, by a person (the app's own edits and other bots' are ignored): the boxes newly ticked
 * (the body before, `changes.body.from`, against the body now) → the editor's permission, asked of
 * GitHub → "recheck" asks for the repository's pass; "lift the pin / hold" is `/unpin` for that
 * target, stored with compare-and-swap (audit: the editor, the time, the issue's link). Someone
 * without write permission gets the short refusal and nothing changes. Either way the next pass
 * redraws the body, boxes unticked.
 */
import { quoteInput, refusalReply } from "../commands/index.js";
import { tickedBoxes, type DashboardTick } from "../dashboard/index.js";
import { describeError } from "../errors/index.js";
import { createStateStore, mayCommand, readPermission, type GitHubClient } from "../github/index.js";
import type { Logger } from "../log/index.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../plan/index.js";
import { applyCommand } from "../state/index.js";
import type { RepoTrigger } from "./triggers.js";

export interface DashboardEdit {
  readonly trigger: RepoTrigger;
  readonly issueNumber: number;
  readonly issueUrl: string;
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
  return ticks.length === 0 ? null : { trigger: { installationId, owner, repo }, issueNumber: number, issueUrl: url, editor, ticks };
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
  const store = createStateStore({ client, owner, repo, log });
  for (const tick of edit.ticks) {
    if (tick.action !== "unpin") continue;
    const audit = {
      by: edit.editor,
      at: deps.now().toISOString(),
      link: edit.issueUrl,
      why: `ticked "lift the pin / hold" for ${tick.target} on the dashboard`.slice(0, 2000),
    };
    try {
      const { result } = await store.update((state) => {
        const applied = applyCommand(
          state,
          { kind: "unpin", target: null },
          { targets: [tick.target], audit, holdUntil: "newer", place: "dashboard" },
        );
        return applied.changed
          ? {
              state: applied.state,
              message: `unpin ${tick.target}: ticked on the dashboard (#${edit.issueNumber}) by ${edit.editor}`,
              result: applied.reply,
            }
          : { state: null, result: null };
      });
      if (result !== null) replies.push(result);
    } catch (error) {
      log.error({ repo: `${owner}/${repo}`, target: tick.target, error: describeError(error) }, "dashboard unpin not stored");
      replies.push(`Nothing changed for ${quoteInput(tick.target, 200)}: ${quoteInput(describeError(error), 500)}`);
    }
  }
  // Said only when something changed: a redelivered webhook, or a box with nothing left to lift, stays quiet.
  if (replies.length > 0)
    await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner,
      repo,
      issue_number: edit.issueNumber,
      body: replies.join("\n\n"),
    });
  deps.requestPass(edit.trigger);
  return "done";
}
