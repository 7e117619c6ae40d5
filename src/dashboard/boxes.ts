/**
 * The dashboard's checkboxes: each carries what it does and its target id in a hidden marker, so a
 * tick is read back from the body alone. PURE.
 */

/** What a ticked box asks for: a pass for the repository, or lifting a target's pin and hold. */
export type DashboardBoxAction = "recheck" | "unpin";

export interface DashboardTick {
  readonly action: DashboardBoxAction;
  readonly target: string;
}

const BOX_PREFIX = "argocd-image-pr:box";

/** An id inside an HTML comment: percent-encoded, `-` included, so it can never close the comment (`-->`). */
function encodeId(id: string): string {
  return encodeURIComponent(id).replace(/-/g, "%2D");
}

function decodeId(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** One checkbox line: `- [ ] <!-- argocd-image-pr:box <action> <id> --> label`. `label` is markdown already made inert. */
export function renderBox(action: DashboardBoxAction, target: string, label: string): string {
  return `- [ ] <!-- ${BOX_PREFIX} ${action} ${encodeId(target)} --> ${label}`;
}

// A list item (`-`, `*` or `+`, up to three spaces of indent), its box, then the marker.
const BOX_LINE = /^ {0,3}[-*+] \[([ xX])\] <!-- argocd-image-pr:box (recheck|unpin) ([A-Za-z0-9%._~!*'()]{1,2048}) -->/;

interface Box extends DashboardTick {
  readonly ticked: boolean;
}

function boxesOf(body: string): Box[] {
  const boxes: Box[] = [];
  for (const line of body.split(/\r?\n/)) {
    const match = BOX_LINE.exec(line);
    if (match === null) continue;
    const target = decodeId(match[3] ?? "");
    if (target === null || target === "") continue;
    boxes.push({ action: match[2] === "unpin" ? "unpin" : "recheck", target, ticked: match[1] !== " " });
  }
  return boxes;
}

const keyOf = (tick: DashboardTick): string => `${tick.action} ${tick.target}`;

/**
 * The boxes ticked in `after` that were there unticked in `before` (the body the edit replaced), in
 * the body's order, each once. A box that was not in `before` is not a tick: only the app's own
 * boxes act, not lines a person pasted in already ticked.
 */
export function tickedBoxes(before: string | null, after: string): DashboardTick[] {
  const unticked = new Set(
    boxesOf(before ?? "")
      .filter((box) => !box.ticked)
      .map(keyOf),
  );
  const seen = new Set<string>();
  const ticks: DashboardTick[] = [];
  for (const box of boxesOf(after)) {
    const key = keyOf(box);
    if (!box.ticked || !unticked.has(key) || seen.has(key)) continue;
    seen.add(key);
    ticks.push({ action: box.action, target: box.target });
  }
  return ticks;
}
