/**
 * The state → what the engine may propose, per target id. PURE.
 */
import type { TargetConstraints } from "../strategy/index.js";
import { activeHold } from "./derive.js";
import type { State } from "./schema.js";

export function constraintsFromState(state: State): Map<string, TargetConstraints> {
  const result = new Map<string, TargetConstraints>();
  for (const id of Object.keys(state.targets).sort()) {
    const target = state.targets[id];
    if (target === undefined) continue;
    const hold = activeHold(target);
    const refused = [...new Set(target.refused.map((r) => r.tag))].sort();
    const constraints: TargetConstraints = {
      ...(target.pin === undefined ? {} : { pin: { tag: target.pin.tag, source: `/pin by ${target.pin.by}`, link: target.pin.link } }),
      ...(hold?.restore === undefined
        ? {}
        : { restore: { tag: hold.restore, above: hold.above, pr: hold.pr, source: `/rollback by ${hold.by}`, link: hold.link } }),
      ...(hold === null
        ? {}
        : hold.until === "newer"
          ? { above: hold.above }
          : { frozen: { reason: `rolled back from ${hold.above}, held until /unpin` } }),
      ...(refused.length === 0 ? {} : { refused }),
    };
    if (Object.keys(constraints).length > 0) result.set(id, constraints);
  }
  return result;
}
