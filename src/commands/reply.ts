/**
 * The replies the app posts to a command. PURE. Whatever came from the comment (a tag, a target, a
 * line) is shown only through plan/'s escapeMarkdown, shortened: a reply can never mention anyone,
 * link, render HTML or carry control characters from the input.
 */
import { escapeMarkdown } from "../plan/index.js";
import { commandUsage, type CommandName, type CommentPlace, type ParsedComment } from "./parse-comment.js";

const NAMES: readonly CommandName[] = ["pin", "unpin", "rollback", "recheck", "help"];

const WHAT: Readonly<Record<CommandName, string>> = {
  pin: "freeze the image at that tag; if the branch holds another, the app opens (or turns the open) pull request to set it. No other update is proposed while pinned.",
  unpin: "lift the pin (and a hold after a rollback); updates resume on the next pass.",
  rollback: "on a merged update pull request: open a pull request that reverts it, and hold the image below the reverted tag.",
  recheck: "run the repository's pass now.",
  help: "list these commands.",
};

/** A value from the comment, shown inert and cut to `max` characters. */
export function quoteInput(value: string, max = 80): string {
  const chars = [...value];
  const cut = chars.length > max ? `${chars.slice(0, max).join("")}…` : value;
  return escapeMarkdown(cut);
}

/** The `/help` reply: every command and its usage where it was asked. */
export function helpReply(place: CommentPlace): string {
  const rows = NAMES.map((name) => `- \`${commandUsage(name, place)}\` — ${WHAT[name]}`);
  const where =
    place === "dashboard"
      ? "On the dashboard, name the target as `<application>/<alias>` (or `<namespace>/<application>/<alias>`)."
      : "On an update pull request, the command applies to its image.";
  return ["Commands (only people with write, maintain or admin permission can run them):", "", ...rows, "", where].join("\n");
}

/** The reply to a malformed command: what is wrong and the correct usage; nothing was changed. */
export function malformedReply(parsed: Extract<ParsedComment, { kind: "malformed" }>): string {
  return [`Nothing changed: ${parsed.problem}.`, "", `Usage: \`${parsed.usage}\``, "", "Comment `/help` for every command."].join("\n");
}

/** The reply to a command naming a target the repository does not have (or several). */
export function unknownTargetReply(written: string, candidates: readonly string[]): string {
  const named = quoteInput(written);
  if (candidates.length > 0) {
    return [
      `Nothing changed: ${named} matches several targets; add the namespace:`,
      "",
      ...candidates.slice(0, 20).map((id) => `- ${quoteInput(id, 200)}`),
    ].join("\n");
  }
  return `Nothing changed: there is no target ${named} in this repository. Name it as \`<application>/<alias>\` or \`<namespace>/<application>/<alias>\`, as the dashboard lists them.`;
}

/** The reply to a tag the registry does not list for the image. */
export function unknownTagReply(tag: string, image: string): string {
  return `Nothing changed: the registry has no tag ${quoteInput(tag)} for ${quoteInput(image, 200)}.`;
}

/** The short, polite refusal to someone without write permission. */
export function refusalReply(login: string): string {
  return `Sorry, ${quoteInput(login, 39)}: only people with write, maintain or admin permission on this repository can command the app. Nothing changed.`;
}
