/**
 * The app's state per repository: pins, holds after a rollback and refused tags, per target id.
 * Versioned; every record says who, when, where (a link to the comment, commit or pull request)
 * and why. Parsed once at the edge (the state file on its branch) into these types.
 */
import { z } from "zod";
import { StateError } from "../errors/index.js";
import { isValidTag } from "../image-ref/index.js";

const Tag = z.string().refine(isValidTag, "not a valid tag");
const Link = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s<>"]+$/, "a link (http or https)");

/** Who, when, where, why. `by` is a GitHub login (the app's own for what it derived). */
export const Audit = z.strictObject({
  by: z.string().min(1).max(100),
  at: z.iso.datetime(),
  link: Link,
  why: z.string().max(2000),
});
export type Audit = z.infer<typeof Audit>;

export const PinRecord = z.strictObject({ tag: Tag, ...Audit.shape });
export type PinRecord = z.infer<typeof PinRecord>;

/** How long a hold after a rollback lasts: until a newer tag is on the base branch, or until /unpin. */
export const HoldUntil = z.enum(["newer", "unpin"]);
export type HoldUntil = z.infer<typeof HoldUntil>;

export const HoldRecord = z.strictObject({
  /** The rolled-back tag: only newer ones are proposed (none at all while `until` is "unpin"). */
  above: Tag,
  until: HoldUntil,
  /** The app's update PR that brought the rolled-back tag in. */
  pr: z.number().int().positive().nullable(),
  /**
   * Set by /rollback: the tag to go back to (what that PR replaced). While the base branch still
   * holds `above`, the pass proposes `restore`; once the base moved off `above`, the hold is a plain hold.
   */
  restore: Tag.optional(),
  ...Audit.shape,
  /** Set when the hold ended (/unpin, or a newer tag on the base branch); kept so it is not re-recorded. */
  lifted: Audit.optional(),
});
export type HoldRecord = z.infer<typeof HoldRecord>;

export const RefusalRecord = z.strictObject({
  tag: Tag,
  /** The update PR closed without merging. */
  pr: z.number().int().positive(),
  ...Audit.shape,
});
export type RefusalRecord = z.infer<typeof RefusalRecord>;

export const TargetState = z.strictObject({
  pin: PinRecord.optional(),
  holds: z.array(HoldRecord).max(200),
  refused: z.array(RefusalRecord).max(2000),
});
export type TargetState = z.infer<typeof TargetState>;

export const State = z.strictObject({
  version: z.literal(1),
  targets: z.record(z.string().min(1).max(512), TargetState),
});
export type State = z.infer<typeof State>;

export const STATE_VERSION = 1;

export function emptyState(): State {
  return { version: 1, targets: {} };
}

export function emptyTargetState(): TargetState {
  return { holds: [], refused: [] };
}

/** The state in `text` (the state file), or a StateError naming `where`, what is wrong and the fix. */
export function parseState(text: string, where: string): State {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateError(`${where} is not JSON`, {
      cause: error,
      context: { file: where },
      hint: "restore it from the branch's history (git log on the state branch) or delete the branch to start over",
    });
  }
  if (typeof raw === "object" && raw !== null && "version" in raw && raw.version !== STATE_VERSION) {
    throw new StateError(`${where} has state version ${JSON.stringify(raw.version)}, this app reads version ${STATE_VERSION}`, {
      context: { file: where },
      hint: "run the app version that wrote it, or a newer one",
    });
  }
  const parsed = State.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined ? "" : ` at ${issue.path.map(String).join(".") || "(top)"}: ${issue.message}`;
    throw new StateError(`${where} is not a valid state file${at}`, {
      context: { file: where },
      hint: "restore it from the branch's history (git log on the state branch)",
    });
  }
  return parsed.data;
}

/**
 * The state as stored: validated again (nothing invalid is ever written), keys in a stable order
 * (targets by id, each record's fields in schema order), a final newline — so diffs read well and
 * equal states serialise to equal text.
 */
export function serializeState(state: State): string {
  const normal = State.parse(state);
  const targets = Object.fromEntries(
    Object.keys(normal.targets)
      .sort()
      .map((id) => [id, normal.targets[id]]),
  );
  return `${JSON.stringify({ version: normal.version, targets }, null, 2)}\n`;
}
