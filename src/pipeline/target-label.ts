/**
 * How a target is named in messages, updates and skips — one form everywhere: `<namespace>/<name>`
 * for an Application (as sources name it in problems), the target's own `name` for a repo-config
 * target (never null, never the image's basename).
 */
import type { Target } from "../model/index.js";

export function targetLabel(target: Target): string {
  if (target.app !== null) return `${target.app.namespace}/${target.app.name}`;
  // A repo-config target's id is `<name>/<alias>`, and a name holds no "/".
  const slash = target.id.indexOf("/");
  return slash === -1 ? target.id : target.id.slice(0, slash);
}
