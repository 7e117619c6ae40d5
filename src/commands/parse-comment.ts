/**
 * A comment body → the command it holds, or nothing. PURE. A command is a line that starts with
 * `/pin`, `/unpin`, `/rollback`, `/recheck` or `/help` (up to three spaces before it, as markdown
 * allows), outside fenced code blocks, block quotes and HTML comments: `> /pin 1.2.3` quoted from
 * an earlier comment is not a command. The first command line counts; bots never command.
 * Linear in the body's length; a body over 65,536 characters is not read (GitHub allows no more).
 */
import { isValidTag } from "../image-ref/index.js";

export type CommandName = "pin" | "unpin" | "rollback" | "recheck" | "help";

/**
 * Which target a dashboard command names: `<application>/<alias>` or `<namespace>/<application>/<alias>`
 * (a repo-config target: `<name>/<alias>`, written like an Application without namespace).
 */
export interface CommandTarget {
  readonly namespace: string | null;
  readonly application: string;
  readonly alias: string;
}

export type Command =
  | { readonly kind: "pin"; readonly target: CommandTarget | null; readonly tag: string }
  | { readonly kind: "unpin"; readonly target: CommandTarget | null }
  | { readonly kind: "rollback" }
  | { readonly kind: "recheck"; readonly target: CommandTarget | null }
  | { readonly kind: "help" };

export type ParsedComment =
  | { readonly kind: "none" }
  | { readonly kind: "command"; readonly command: Command; readonly line: number }
  /** A command word with arguments that do not fit: reply with `usage`, change nothing. */
  | { readonly kind: "malformed"; readonly name: CommandName; readonly problem: string; readonly usage: string; readonly line: number };

/** Where the comment was made: an update PR (the target is the PR's), or the dashboard issue (it must be named). */
export type CommentPlace = "pull-request" | "dashboard";

export interface CommentAuthor {
  /** GitHub's `user.type`: "User", "Bot" or "Organization". Only users command. */
  readonly type: string;
}

export const MAX_COMMENT_LENGTH = 65_536;

const NAMES: readonly CommandName[] = ["pin", "unpin", "rollback", "recheck", "help"];

function commandName(word: string): CommandName | null {
  return NAMES.find((name) => name === word) ?? null;
}

/** The usage line of each command, for the place it is written in. */
export function commandUsage(name: CommandName, place: CommentPlace): string {
  const target = place === "dashboard" ? "<application>/<alias> " : "";
  switch (name) {
    case "pin":
      return `/pin ${target}<tag>`;
    case "unpin":
      return `/unpin${place === "dashboard" ? " <application>/<alias>" : ""}`;
    case "rollback":
      return "/rollback";
    case "recheck":
      return `/recheck${place === "dashboard" ? " [<application>/<alias>]" : ""}`;
    case "help":
      return "/help";
  }
}

// An Application or namespace name (DNS-1123 subdomain, ≤ 253) and an image alias (image-updater's).
const NAME = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;
const REPO_CONFIG_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const ALIAS = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,252}$/;

/** `app/alias` or `ns/app/alias` → a target, or null when it is not one. */
export function parseCommandTarget(text: string): CommandTarget | null {
  const parts = text.split("/");
  if (parts.length === 2) {
    const [application = "", alias = ""] = parts;
    return REPO_CONFIG_NAME.test(application) && ALIAS.test(alias) ? { namespace: null, application, alias } : null;
  }
  if (parts.length === 3) {
    const [namespace = "", application = "", alias = ""] = parts;
    return NAME.test(namespace) && NAME.test(application) && ALIAS.test(alias) ? { namespace, application, alias } : null;
  }
  return null;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const COMMAND = /^ {0,3}\/([a-z]+)(?=\s|$)([^]*)$/;

function malformed(name: CommandName, problem: string, place: CommentPlace, line: number): ParsedComment {
  return { kind: "malformed", name, problem, usage: commandUsage(name, place), line };
}

function parseArguments(name: CommandName, args: readonly string[], place: CommentPlace, line: number): ParsedComment {
  const command = (c: Command): ParsedComment => ({ kind: "command", command: c, line });
  const targetOf = (text: string): CommandTarget | null | "bad" => {
    const target = parseCommandTarget(text);
    return target === null ? "bad" : target;
  };
  switch (name) {
    case "help":
    case "rollback":
      if (args.length > 0) return malformed(name, `/${name} takes no arguments`, place, line);
      if (name === "rollback" && place === "dashboard")
        return malformed(name, "/rollback works on a merged update pull request; comment it there", place, line);
      return command(name === "help" ? { kind: "help" } : { kind: "rollback" });
    case "pin": {
      const wanted = place === "dashboard" ? 2 : args.length === 2 ? 2 : 1;
      if (args.length !== wanted) {
        const problem =
          place === "dashboard" && args.length < 2
            ? "/pin on the dashboard needs the target and a tag"
            : args.length === 0
              ? "/pin needs a tag"
              : "/pin takes a target and one tag";
        return malformed(name, problem, place, line);
      }
      const tag = args[args.length - 1] ?? "";
      if (!isValidTag(tag))
        return malformed(
          name,
          "the tag is not a valid OCI tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')",
          place,
          line,
        );
      const target = args.length === 2 ? targetOf(args[0] ?? "") : null;
      if (target === "bad")
        return malformed(name, "the target is not <application>/<alias> or <namespace>/<application>/<alias>", place, line);
      return command({ kind: "pin", target, tag });
    }
    case "unpin":
    case "recheck": {
      const required = name === "unpin" && place === "dashboard";
      if (args.length > 1 || (required && args.length === 0)) {
        return malformed(
          name,
          args.length === 0 ? `/${name} on the dashboard needs the target` : `/${name} takes at most a target`,
          place,
          line,
        );
      }
      const target = args.length === 1 ? targetOf(args[0] ?? "") : null;
      if (target === "bad")
        return malformed(name, "the target is not <application>/<alias> or <namespace>/<application>/<alias>", place, line);
      return command(name === "unpin" ? { kind: "unpin", target } : { kind: "recheck", target });
    }
  }
}

/**
 * The command in `body`, if any. `author.type` other than "User" (a bot, the app itself) → none.
 * Lines are 1-based.
 */
export function parseComment(body: string, author: CommentAuthor, place: CommentPlace): ParsedComment {
  if (author.type !== "User" || body.length > MAX_COMMENT_LENGTH) return { kind: "none" };
  let fence: string | null = null;
  let inHtmlComment = false;
  const lines = body.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (inHtmlComment) {
      if (line.includes("-->")) inHtmlComment = false;
      continue;
    }
    const opening = FENCE.exec(line);
    if (fence !== null) {
      // A fence closes on the same character, at least as long, with nothing after it.
      if (
        opening !== null &&
        opening[1] !== undefined &&
        opening[1][0] === fence[0] &&
        opening[1].length >= fence.length &&
        line.trim() === opening[1]
      )
        fence = null;
      continue;
    }
    if (opening?.[1] !== undefined) {
      fence = opening[1];
      continue;
    }
    if (/^ {0,3}<!--/.test(line)) {
      if (!line.includes("-->", line.indexOf("<!--") + 4)) inHtmlComment = true;
      continue;
    }
    const match = COMMAND.exec(line);
    if (match === null) continue;
    const [, word = "", rest = ""] = match;
    const name = commandName(word);
    if (name === null) continue; // another tool's slash command
    const args = rest.trim() === "" ? [] : rest.trim().split(/\s+/);
    return parseArguments(name, args, place, index + 1);
  }
  return { kind: "none" };
}
