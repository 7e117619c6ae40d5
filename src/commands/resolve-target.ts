/**
 * A dashboard command's target → the target id it names among the repository's ids. PURE.
 * `ns/app/alias` names `ns/app/alias`; `app/alias` names the one Application `*\/app/alias` or the
 * repo-config target `app/alias` — more than one is ambiguous (the reply asks for the namespace).
 */
import type { CommandTarget } from "./parse-comment.js";

export type ResolvedTarget =
  | { readonly kind: "found"; readonly id: string }
  | { readonly kind: "unknown" }
  | { readonly kind: "ambiguous"; readonly ids: readonly string[] };

export function resolveCommandTarget(target: CommandTarget, ids: readonly string[]): ResolvedTarget {
  if (target.namespace !== null) {
    const id = `${target.namespace}/${target.application}/${target.alias}`;
    return ids.includes(id) ? { kind: "found", id } : { kind: "unknown" };
  }
  const short = `${target.application}/${target.alias}`;
  const matches = [...new Set(ids.filter((id) => id === short || (id.endsWith(`/${short}`) && id.split("/").length === 3)))].sort();
  if (matches.length === 0) return { kind: "unknown" };
  if (matches.length > 1) return { kind: "ambiguous", ids: matches };
  return { kind: "found", id: matches[0] ?? short };
}
