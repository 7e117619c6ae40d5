/**
 * A command applied to the state as stored: compare-and-swap through the state store, one audit
 * commit per change, and at most once per audit link — a record already carrying the link means a
 * handler carried the command out before (and died before saying so), so nothing is written again.
 * For every trigger that acts like a command (a comment, a dashboard checkbox): give each act its
 * own link (a comment's html_url; for an edit, something that names that edit).
 */
import type { StateStore } from "../github/index.js";
import type { Command } from "../commands/index.js";
import { applyCommand, type Audit, type CommandContext, type State } from "../state/index.js";

export interface StoredCommandResult {
  /** The state changed (one commit on the state branch). */
  readonly changed: boolean;
  /** A pass should follow: the state changed now, or had changed before under this link. */
  readonly pass: boolean;
  /** Markdown for the reply; values from outside are escaped. */
  readonly reply: string;
}

export const ALREADY_DONE_REPLY = "This command was carried out already; nothing more changed.";

export async function storeCommand(store: StateStore, command: Command, context: CommandContext): Promise<StoredCommandResult> {
  const stored = await store.update((state) => {
    if (carriesLink(state, context.audit.link)) return { state: null, result: { changed: false, pass: true, reply: ALREADY_DONE_REPLY } };
    const result = applyCommand(state, command, context);
    if (!result.changed) return { state: null, result: { changed: false, pass: false, reply: result.reply } };
    return {
      state: result.state,
      message: auditMessage(command, context.targets, context.audit),
      result: { changed: true, pass: true, reply: result.reply },
    };
  });
  return stored.result;
}

/** Whether a record of the state came from `link`: it was acted on already. */
function carriesLink(state: State, link: string): boolean {
  return Object.values(state.targets).some(
    (target) =>
      target.pin?.link === link ||
      target.holds.some((hold) => hold.link === link || hold.lifted?.link === link) ||
      target.refused.some((refusal) => refusal.link === link),
  );
}

/** The state commit's message: what, for which targets, by whom, where — the audit log's line. */
function auditMessage(command: Command, ids: readonly string[], audit: Audit): string {
  const what = command.kind === "pin" ? `pin at ${command.tag}` : command.kind;
  return `${what}: ${ids.join(", ")}\n\nBy ${audit.by} at ${audit.at}: ${audit.link}\n`;
}
