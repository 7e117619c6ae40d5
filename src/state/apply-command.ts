/**
 * A command applied to the state: the new state and the reply that says what changed. PURE.
 * Only /pin, /unpin and /rollback change the state; /recheck and /help only reply. The caller has
 * checked the author's permission and resolved the targets (the PR's, or the dashboard's named one).
 */
import type { Command, CommentPlace } from "../commands/index.js";
import { helpReply, quoteInput } from "../commands/index.js";
import { activeHold } from "./derive.js";
import { emptyTargetState, type Audit, type HoldUntil, type State, type TargetState } from "./schema.js";

export interface CommandContext {
  /** The targets the command applies to: the update PR's, or the one a dashboard command names. */
  readonly targets: readonly string[];
  /** Who commented, when, the comment's link, and the why (the comment's command line). */
  readonly audit: Audit;
  /** For /rollback: the merged update PR and the tags it brought in, per target. */
  readonly rollback?: {
    readonly pr: number;
    readonly to: ReadonlyMap<string, string>;
    /** The tags the PR replaced, per target (null: it added the image's first tag): what the revert restores. */
    readonly from?: ReadonlyMap<string, string | null>;
  };
  readonly holdUntil: HoldUntil;
  readonly place: CommentPlace;
}

export interface CommandResult {
  readonly state: State;
  readonly changed: boolean;
  /** Markdown for the reply comment; values from outside are escaped. */
  readonly reply: string;
}

/** A value in a reply: escaped prose, never a code span (where markdown's escapes would show). */
function shown(value: string): string {
  return quoteInput(value, 200);
}

function withTarget(state: State, id: string, change: (t: TargetState) => TargetState): State {
  return { version: 1, targets: { ...state.targets, [id]: change(state.targets[id] ?? emptyTargetState()) } };
}

function unchanged(state: State, reply: string): CommandResult {
  return { state, changed: false, reply };
}

export function applyCommand(state: State, command: Command, context: CommandContext): CommandResult {
  switch (command.kind) {
    case "help":
      return unchanged(state, helpReply(context.place));
    case "recheck":
      return unchanged(state, "Rechecking: the repository's pass runs now.");
    case "pin": {
      const [id, ...others] = context.targets;
      if (id === undefined) return unchanged(state, "Nothing changed: this pull request updates no image the app knows.");
      if (others.length > 0)
        return unchanged(
          state,
          `Nothing changed: this pull request updates ${context.targets.length} images; pin one from the dashboard, e.g. /pin &lt;application&gt;/&lt;alias&gt; ${quoteInput(command.tag)}.`,
        );
      const current = state.targets[id]?.pin;
      if (current?.tag === command.tag)
        return unchanged(state, `${shown(id)} is already pinned at ${shown(command.tag)} (by ${quoteInput(current.by, 39)}).`);
      const next = withTarget(state, id, (t) => ({ ...t, pin: { tag: command.tag, ...context.audit } }));
      const was = current === undefined ? "" : ` (was ${shown(current.tag)})`;
      return {
        state: next,
        changed: true,
        reply: `Pinned ${shown(id)} at ${shown(command.tag)}${was}. The next pass sets that tag where the base branch holds another, and proposes no other update until \`/unpin\`.`,
      };
    }
    case "unpin": {
      const lifted: string[] = [];
      let next = state;
      for (const id of context.targets) {
        const target = next.targets[id];
        const hold = activeHold(target);
        if (target === undefined || (target.pin === undefined && hold === null)) continue;
        const { pin: _pin, ...rest } = target;
        const holds = hold === null ? target.holds : [...target.holds.slice(0, -1), { ...hold, lifted: context.audit }];
        next = withTarget(next, id, () => ({ ...rest, holds }));
        lifted.push(
          `${shown(id)}${target.pin === undefined ? "" : ` (pin ${shown(target.pin.tag)})`}${hold === null ? "" : ` (hold above ${shown(hold.above)})`}`,
        );
      }
      if (lifted.length === 0) return unchanged(state, "Nothing changed: no pin or hold to lift here.");
      return { state: next, changed: true, reply: `Lifted ${lifted.join(", ")}. Normal updates resume on the next pass.` };
    }
    case "rollback": {
      const rollback = context.rollback;
      if (rollback === undefined || rollback.to.size === 0)
        return unchanged(state, "Nothing changed: `/rollback` works on a merged update pull request of the app.");
      let next = state;
      const held: string[] = [];
      for (const [id, tag] of [...rollback.to].sort(([a], [b]) => a.localeCompare(b))) {
        const target = next.targets[id];
        if (target?.holds.some((h) => h.above === tag && h.pr === rollback.pr && h.lifted === undefined)) continue;
        next = withTarget(next, id, (t) => ({
          ...t,
          holds: [
            ...t.holds,
            {
              above: tag,
              until: context.holdUntil,
              pr: rollback.pr,
              ...(typeof rollback.from?.get(id) === "string" ? { restore: rollback.from.get(id) as string } : {}),
              ...context.audit,
            },
          ],
        }));
        held.push(`${shown(id)} above ${shown(tag)}`);
      }
      const until = context.holdUntil === "unpin" ? "no update is proposed until `/unpin`" : "only newer tags are proposed";
      if (held.length === 0) return unchanged(state, `Already held; a pull request reverting #${rollback.pr} follows.`);
      return {
        state: next,
        changed: true,
        reply: `Holding ${held.join(", ")}: ${until}. A pull request reverting #${rollback.pr} follows.`,
      };
    }
  }
}
