/**
 * state/: PURE. The app's per-repository state (pins, holds after a rollback, refused tags), its
 * schema, what the repository's history adds to it, commands applied to it, and the constraints it
 * hands the engine. Stored by github/'s state store.
 */
export {
  Audit,
  emptyState,
  emptyTargetState,
  HoldRecord,
  HoldUntil,
  parseState,
  PinRecord,
  RefusalRecord,
  serializeState,
  State,
  STATE_VERSION,
  TargetState,
} from "./schema.js";
export { activeHold, deriveState } from "./derive.js";
export type { BaseTag, Derivation, DeriveInput, StateEvent, UpdatePr } from "./derive.js";
export { applyCommand } from "./apply-command.js";
export type { CommandContext, CommandResult } from "./apply-command.js";
export { constraintsFromState } from "./constraints.js";
