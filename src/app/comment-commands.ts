/**
 * Commands in comments: `/pin`, `/unpin`, `/rollback`, `/recheck`, `/help` on an update PR of the
 * app or on its dashboard issue. One new comment by a person → at most one reaction, one reply and
 * one change of the state, however often (and to however many processes) the webhook is delivered:
 *
 * 1. Cheap filters first, without a call: a new comment, by a person (never a bot, never the app),
 *    holding a command line.
 * 2. Where: read from GitHub, not the payload — an update PR (head `argocd-image-pr/…` in this
 *    repository, a valid metadata block) or the dashboard (labelled, opened by the app). Else ignored.
 * 3. Once: a reply of the app carrying this comment's marker means it was answered; the `eyes`
 *    reaction is the claim (GitHub adds it once: the handler that added it answers; another finds
 *    it there and stands back, unless it is older than a lease — the first handler died).
 * 4. Permission asked of GitHub, then the command: usage replies for what is malformed, unknown
 *    or not in the registry; the state changed with compare-and-swap (a no-op when a record
 *    already carries this comment's link); a reply saying what changed; a pass requested.
 * Any failure after the claim → a reply that says what failed and to comment again; the state is
 * written in one swap or not at all.
 */
import { describeError } from "../errors/index.js";
import type { CommentPort, RepoPermission, StateStore } from "../github/index.js";
import { mayCommand } from "../github/index.js";
import {
  helpReply,
  malformedReply,
  parseComment,
  quoteInput,
  refusalReply,
  resolveCommandTarget,
  unknownTagReply,
  unknownTargetReply,
  type Command,
  type CommandName,
  type CommandTarget,
} from "../commands/index.js";
import { formatImageRef } from "../image-ref/index.js";
import type { Logger } from "../log/index.js";
import type { Target } from "../model/index.js";
import type { RepoTargets } from "../pipeline/index.js";
import { BRANCH_PREFIX, DASHBOARD_LABEL, parsePrMetadata, type PrMetadata } from "../plan/index.js";
import { applyCommand, emptyState, type Audit, type CommandContext } from "../state/index.js";
import type { CommentEvent } from "./comment-event.js";
import { storeCommand } from "./stored-command.js";

/** A claim (the reaction) older than this without a reply is taken over: its handler died. */
export const CLAIM_LEASE_MS = 5 * 60_000;

/** The repository's targets, for commands that name or check one. */
export interface CommandTargets {
  gather(): Promise<RepoTargets>;
  /** The tags the registry lists for the target's image, with its credentials. */
  tags(target: Target): Promise<readonly string[]>;
  /** The tag each target runs on its base branch now (id → tag), as a pass reads it. */
  current(targets: readonly Target[], defaultBranch: string): Promise<ReadonlyMap<string, string | null>>;
}

export interface CommentCommandDeps {
  readonly port: CommentPort;
  readonly state: StateStore;
  readonly targets: CommandTargets;
  /** The app's own login (`<slug>[bot]`), or null when it could not be read (then any bot is taken for it). */
  readonly appLogin: string | null;
  /** Ask for the repository's (debounced) pass. */
  readonly requestPass: () => void;
  readonly now: () => number;
  readonly log: Logger;
}

export type CommentOutcome =
  | { readonly kind: "ignored"; readonly reason: string }
  | {
      readonly kind: "answered";
      /** null: the comment was refused, malformed, or failed before its command ran. */
      readonly command: CommandName | null;
      readonly changed: boolean;
      readonly replyId: number;
    };

type Place =
  | { readonly kind: "pull-request"; readonly number: number; readonly metadata: PrMetadata; readonly merged: boolean }
  | { readonly kind: "dashboard"; readonly number: number };

interface Answer {
  readonly reply: string;
  readonly command: CommandName | null;
  readonly changed: boolean;
  readonly pass: boolean;
}

/** The hidden line in every reply that says which comment it answers. */
export function replyMarker(commentId: number): string {
  return `<!-- argocd-image-pr:reply comment=${commentId} -->`;
}

function ignored(reason: string): CommentOutcome {
  return { kind: "ignored", reason };
}

/**
 * Why a comment is no command, without asking GitHub anything; null when it may be one. Edited and
 * deleted comments never run; bots (the app included) never command; a body without a command line
 * (or over GitHub's 65,536 characters) holds none.
 */
export function screenComment(event: CommentEvent, appLogin: string | null): string | null {
  if (event.action !== "created") return `a comment ${event.action}, not created: commands run once, when written`;
  const user = event.comment.user;
  if (user === null || user.type !== "User" || user.login === appLogin) return "not a person's comment";
  // Whether a body holds a command line does not depend on the place; its arguments do.
  if (parseComment(event.comment.body ?? "", user, "pull-request").kind === "none") return "no command";
  return null;
}

export async function handleCommentCommand(event: CommentEvent, deps: CommentCommandDeps): Promise<CommentOutcome> {
  const screened = screenComment(event, deps.appLogin);
  if (screened !== null) return ignored(screened);
  const { comment } = event;
  const login = comment.user?.login ?? "";
  const body = comment.body ?? "";

  const place = await placeOf(event, deps);
  if (place === null) return ignored("not an update pull request of the app, nor its dashboard");
  const marker = replyMarker(comment.id);
  if (await deps.port.hasReply(place.number, marker, deps.appLogin)) return ignored("answered already");
  const claim = await deps.port.react(comment.id, "eyes");
  if (!claim.created && deps.now() - Date.parse(claim.at) < CLAIM_LEASE_MS) return ignored("another delivery is answering it");

  const log = deps.log.child({ issue: place.number, comment: comment.id });
  let answer: Answer;
  try {
    answer = await answerComment(event, login, body, place, deps);
  } catch (error) {
    log.warn({ error: describeError(error) }, "comment command failed; replying so");
    answer = { reply: failureReply(error), command: null, changed: false, pass: false };
  }
  // The pass first: a state already changed takes effect even when the reply cannot be posted.
  if (answer.pass) deps.requestPass();
  const replyId = await deps.port.reply(place.number, `${answer.reply}\n\n${marker}`);
  log.info({ command: answer.command, changed: answer.changed, pass: answer.pass }, "comment command answered");
  return { kind: "answered", command: answer.command, changed: answer.changed, replyId };
}

async function placeOf(event: CommentEvent, deps: CommentCommandDeps): Promise<Place | null> {
  const number = event.issue.number;
  if (event.issue.pull_request !== undefined) {
    const pull = await deps.port.pull(number);
    if (pull === null || !pull.sameRepository || !pull.headRef.startsWith(BRANCH_PREFIX)) return null;
    const metadata = parsePrMetadata(pull.body);
    return metadata === null ? null : { kind: "pull-request", number, metadata, merged: pull.merged };
  }
  const issue = await deps.port.issue(number);
  if (issue === null || issue.isPull) return null;
  const byApp = deps.appLogin === null ? issue.authorType === "Bot" : issue.author === deps.appLogin;
  const labelled = issue.labels.some((label) => label.toLowerCase() === DASHBOARD_LABEL.toLowerCase());
  return byApp && labelled ? { kind: "dashboard", number } : null;
}

async function answerComment(event: CommentEvent, login: string, body: string, place: Place, deps: CommentCommandDeps): Promise<Answer> {
  const reply = (text: string, command: CommandName | null = null): Answer => ({ reply: text, command, changed: false, pass: false });
  const permission: RepoPermission = await deps.port.permission(login);
  if (!mayCommand(permission)) return reply(refusalReply(login));
  const parsed = parseComment(body, { type: "User" }, place.kind);
  if (parsed.kind === "malformed") return reply(malformedReply(parsed));
  if (parsed.kind === "none") return reply(helpReply(place.kind));
  const { command } = parsed;
  if (command.kind === "help") return reply(helpReply(place.kind), "help");

  const named = namedTarget(command);
  const needsTargets = command.kind === "pin" || command.kind === "rollback" || (place.kind === "dashboard" && named !== null);
  const repo = needsTargets ? await deps.targets.gather() : null;
  let ids: readonly string[];
  if (place.kind === "pull-request") ids = place.metadata.targets.map((target) => target.id);
  else if (named === null) ids = [];
  else {
    const resolved = resolveCommandTarget(
      named,
      (repo?.targets ?? []).map((target) => target.id),
    );
    switch (resolved.kind) {
      case "unknown":
        return reply(unknownTargetReply(writtenTarget(named), []), command.kind);
      case "ambiguous":
        return reply(unknownTargetReply(writtenTarget(named), resolved.ids), command.kind);
      case "found":
        ids = [resolved.id];
    }
  }

  // /rollback reverts what the base still runs: a target a later change moved on from is left as it is.
  let rolledBack = place.kind === "pull-request" ? place.metadata.targets : [];
  if (command.kind === "rollback" && place.kind === "pull-request" && place.merged && repo !== null) {
    const known = repo.targets.filter((target) => rolledBack.some((t) => t.id === target.id));
    const current = await deps.targets.current(known, repo.defaultBranch);
    const moved = rolledBack.filter((t) => current.get(t.id) !== t.to);
    rolledBack = rolledBack.filter((t) => current.get(t.id) === t.to);
    if (rolledBack.length === 0) return reply(movedOnReply(place.number, moved, current), "rollback");
  }

  const audit: Audit = {
    by: login,
    at: event.comment.created_at,
    link: event.comment.html_url,
    why: commandLine(body, parsed.line),
  };
  const context: CommandContext = {
    targets: ids,
    audit,
    holdUntil: repo?.config?.holdUntil ?? "newer",
    place: place.kind,
    ...(command.kind === "rollback" && place.kind === "pull-request" && place.merged
      ? {
          rollback: {
            pr: place.number,
            to: new Map(rolledBack.map((target) => [target.id, target.to])),
            from: new Map(rolledBack.map((target) => [target.id, target.from])),
          },
        }
      : {}),
  };
  if (command.kind === "recheck") return { ...reply(applyCommand(emptyState(), command, context).reply, "recheck"), pass: true };

  const [only, ...others] = ids;
  if (command.kind === "pin" && only !== undefined && others.length === 0) {
    const target = repo?.targets.find((t) => t.id === only);
    if (target === undefined) return reply(unknownTargetReply(only, []), "pin");
    const tags = await deps.targets.tags(target);
    if (!tags.includes(command.tag))
      return reply(unknownTagReply(command.tag, formatImageRef({ ...target.image, tag: null, digest: null })), "pin");
  }

  const stored = await storeCommand(deps.state, command, context);
  return { reply: stored.reply, command: command.kind, changed: stored.changed, pass: stored.pass };
}

function namedTarget(command: Command): CommandTarget | null {
  return command.kind === "pin" || command.kind === "unpin" || command.kind === "recheck" ? command.target : null;
}

function writtenTarget(target: CommandTarget): string {
  return [target.namespace, target.application, target.alias].filter((part) => part !== null).join("/");
}

/** The command's line as the audit's why: one line, no control characters, at most 2,000 characters. */
function commandLine(body: string, line: number): string {
  const text = (body.split(/\r\n|\r|\n/)[line - 1] ?? "").trim();
  return [...text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, " ").trim()].slice(0, 2000).join("");
}

/** /rollback on a PR whose tags the base no longer runs: nothing to revert; what to do instead. */
function movedOnReply(
  number: number,
  moved: readonly { readonly id: string; readonly to: string }[],
  current: ReadonlyMap<string, string | null>,
): string {
  const lines = moved.map((t) => {
    const now = current.get(t.id);
    const runs = now === undefined ? "could not be read" : now === null ? "names no tag" : `runs ${quoteInput(now)}`;
    return `- ${quoteInput(t.id, 200)}: #${number} brought in ${quoteInput(t.to)}; the base branch ${runs} now`;
  });
  return [
    `Nothing changed: the base branch no longer runs what #${number} brought in, so there is nothing of it to revert.`,
    "",
    ...lines,
    "",
    "Comment `/rollback` on the update that is deployed now, or `/pin <tag>` here to go back to any tag through review.",
  ].join("\n");
}

function failureReply(error: unknown): string {
  return [
    `Nothing changed: the command could not be carried out — ${quoteInput(describeError(error), 600)}.`,
    "",
    "Comment it again in a few minutes; if it keeps failing, the app's log has the details.",
  ].join("\n");
}
