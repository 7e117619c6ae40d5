import { parseVersion } from "../strategy/index.js";
import type { UpdateType } from "./pr-types.js";

/** How far `from` → `to` moves, in semver terms; `other` when either is not a version. */
export function updateTypeOf(from: string | null, to: string): UpdateType {
  if (from === null) return "other";
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (a === null || b === null) return "other";
  if (a.major !== b.major) return "major";
  if (a.minor !== b.minor) return "minor";
  return "patch";
}
