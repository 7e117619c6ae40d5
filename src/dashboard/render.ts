/**
 * The dashboard issue's body: every target at a glance, grouped by Application — the tag on its
 * base branch, the newest eligible one (or why there is none), its open update PR, pin, hold and
 * errors, each error with its fix — and the repository's own problems (the repo config, the state
 * file) at the top. PURE and deterministic: the same inputs give the same text byte for byte.
 * Everything from a registry, a file or a comment goes through escapeMarkdown; the body never
 * exceeds GitHub's limit, and is cut only between whole blocks, with a note.
 */
import { formatImageRef } from "../image-ref/index.js";
import type { Target } from "../model/index.js";
import { DASHBOARD_MARKER, escapeMarkdown } from "../plan/index.js";
import type { DesiredPr, ManagedPr, PlanProblem, TargetOutcome } from "../plan/index.js";
import { activeHold, type State } from "../state/index.js";
import { renderBox } from "./boxes.js";

/** GitHub refuses an issue body over 65,536 characters. */
export const DASHBOARD_MAX_LENGTH = 65_536;

/** A PR action's outcome, as far as the dashboard needs it (github/'s ActionResult fits). */
export interface DashboardPrResult {
  readonly branch: string;
  readonly ok: boolean;
  readonly number: number | null;
}

export interface DashboardInput {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly outcomes: readonly TargetOutcome[];
  readonly desired: readonly DesiredPr[];
  /** The app's PRs as the pass read them (before its writes). */
  readonly managed: readonly ManagedPr[];
  /** What the pass's writes made (a new PR's number). */
  readonly results: readonly DashboardPrResult[];
  readonly problems: readonly PlanProblem[];
  /** Pins and holds; null when the state could not be read (`stateProblem` says why). */
  readonly state: State | null;
  readonly stateProblem?: string | null;
  /** True when the repo config could not be read: no PR was changed this pass. */
  readonly configBroken?: boolean;
  /** Default DASHBOARD_MAX_LENGTH (smaller in tests). */
  readonly maxLength?: number;
}

/** Text from outside, inert and cut to `max` characters (before escaping, so a cut never halves an escape). */
function shown(value: string, max = 200): string {
  const chars = [...value];
  return escapeMarkdown(chars.length > max ? `${chars.slice(0, max).join("")}…` : value);
}

function imageOf(target: Target): string {
  return formatImageRef({ ...target.image, tag: null, digest: null });
}

function groupOf(target: Target): string {
  if (target.app !== null) return `Application ${target.app.namespace}/${target.app.name}`;
  const cut = target.id.lastIndexOf("/");
  return `Repo-config target ${cut > 0 ? target.id.slice(0, cut) : target.id}`;
}

function problemLine(problem: PlanProblem): string {
  // The file and the image are left out where the message names them already.
  const where = [problem.file, problem.image].filter(
    (part): part is string => part !== null && part !== "" && !problem.message.includes(part),
  );
  const prefix = problem.severity === "warning" ? "warning" : "error";
  return `- **${prefix}**${where.length === 0 ? "" : ` (${where.map((part) => shown(part)).join(", ")})`}: ${shown(problem.message, 1_000)}`;
}

/** The open update PR of each target: a PR this pass made, else the open one it found. */
function prNumbers(input: DashboardInput): Map<string, number> {
  const byBranch = new Map<string, number>();
  for (const managed of input.managed) if (managed.pr?.state === "open") byBranch.set(managed.branch, managed.pr.number);
  for (const result of input.results)
    if (result.ok && result.number !== null && result.number > 0) byBranch.set(result.branch, result.number);
  const byTarget = new Map<string, number>();
  for (const desired of input.desired) {
    const number = byBranch.get(desired.branch);
    if (number === undefined) continue;
    for (const target of desired.metadata.targets) byTarget.set(target.id, number);
  }
  return byTarget;
}

function targetBlock(
  outcome: TargetOutcome,
  input: DashboardInput,
  prs: ReadonlyMap<string, number>,
  problems: readonly PlanProblem[],
): string {
  const { target } = outcome;
  const lines = [`**${shown(target.alias)}** · ${shown(imageOf(target))} · id ${shown(target.id)}`, ""];
  const branch = shown(target.git.branch ?? input.defaultBranch);
  switch (outcome.kind) {
    case "update": {
      const from = outcome.update.from === null ? "none" : shown(outcome.update.from);
      const pr = prs.get(target.id);
      lines.push(`- on ${branch}: ${from}`, `- newest eligible: **${shown(outcome.update.to)}**${pr === undefined ? "" : ` in #${pr}`}`);
      break;
    }
    case "up-to-date":
      lines.push(
        `- on ${branch}: ${outcome.quiet.current === null ? "none" : shown(outcome.quiet.current)}`,
        `- up to date: ${shown(outcome.quiet.reason, 500)}`,
      );
      break;
    case "skipped":
      lines.push(`- skipped: ${shown(outcome.skip.reason, 500)}`);
      break;
    case "failed":
      lines.push(`- could not be decided this pass`);
      break;
  }
  const stored = input.state?.targets[target.id];
  if (stored?.pin !== undefined)
    lines.push(`- pinned at **${shown(stored.pin.tag)}** by ${shown(stored.pin.by, 39)}: ${shown(stored.pin.why, 300)}`);
  else if (target.pin !== undefined)
    lines.push(
      `- pinned at **${shown(target.pin.tag)}** in the repo config${target.pin.reason === null ? "" : `: ${shown(target.pin.reason, 300)}`}`,
    );
  const hold = activeHold(stored);
  if (hold !== null)
    lines.push(
      `- held ${hold.until === "unpin" ? "(no update until lifted)" : "(only newer tags)"} above **${shown(hold.above)}**${hold.pr === null ? "" : ` since #${hold.pr}`}: ${shown(hold.why, 300)}`,
    );
  lines.push(...problems.map(problemLine));
  lines.push("", renderBox("recheck", target.id, "recheck"));
  if (stored?.pin !== undefined || hold !== null) lines.push(renderBox("unpin", target.id, "lift the pin / hold"));
  return lines.join("\n");
}

function order(a: TargetOutcome, b: TargetOutcome): number {
  const ga = groupOf(a.target);
  const gb = groupOf(b.target);
  if (ga !== gb) return ga < gb ? -1 : 1;
  return a.target.id < b.target.id ? -1 : a.target.id > b.target.id ? 1 : 0;
}

function problemOrder(a: PlanProblem, b: PlanProblem): number {
  const ka = `${a.severity ?? "error"}\u0000${a.file ?? ""}\u0000${a.message}`;
  const kb = `${b.severity ?? "error"}\u0000${b.file ?? ""}\u0000${b.message}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function renderDashboard(input: DashboardInput): string {
  const max = input.maxLength ?? DASHBOARD_MAX_LENGTH;
  const outcomes = [...input.outcomes].sort(order);
  const ids = new Set(outcomes.map((o) => o.target.id));
  const byTarget = new Map<string, PlanProblem[]>();
  const repoProblems: PlanProblem[] = [];
  const seen = new Set<string>();
  for (const problem of input.problems) {
    const key = `${problem.target ?? ""}\u0000${problem.severity ?? "error"}\u0000${problem.file ?? ""}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (problem.target !== null && problem.target !== undefined && ids.has(problem.target))
      byTarget.set(problem.target, [...(byTarget.get(problem.target) ?? []), problem]);
    else repoProblems.push(problem);
  }
  repoProblems.sort(problemOrder);
  for (const list of byTarget.values()) list.sort(problemOrder);

  const head = [
    DASHBOARD_MARKER,
    `Every image target argocd-image-pr keeps current in ${shown(input.repo)}, as of the last pass. Tick a box to act: **recheck** runs the repository's pass now, **lift the pin / hold** is \`/unpin\` for that target. Only people with write, maintain or admin permission can; the next pass redraws the boxes.`,
  ].join("\n\n");
  const blocks: { readonly kind: "problem" | "target"; readonly text: string }[] = [];
  const repoLevel: string[] = [];
  if (input.stateProblem !== null && input.stateProblem !== undefined)
    repoLevel.push(`- **error** (the state file): ${shown(input.stateProblem, 1_000)}; pins and holds are not shown`);
  if (input.configBroken === true)
    repoLevel.push("- **error**: the repo config could not be read, so no pull request was changed this pass");
  repoLevel.push(...repoProblems.map(problemLine));
  repoLevel.forEach((line, i) => blocks.push({ kind: "problem", text: i === 0 ? `## Problems\n\n${line}` : line }));

  if (outcomes.length === 0)
    blocks.push({
      kind: "target",
      text: `## Targets\n\n${input.configBroken === true ? "None read: the repo config above cannot be used." : "No image targets were found on the base branch."}`,
    });
  let group: string | null = null;
  const prs = prNumbers(input);
  for (const outcome of outcomes) {
    const name = groupOf(outcome.target);
    const block = targetBlock(outcome, input, prs, byTarget.get(outcome.target.id) ?? []);
    const heading = name === group ? "" : `${group === null ? "## Targets\n\n" : ""}### ${shown(name, 300)}\n\n`;
    blocks.push({ kind: "target", text: `${heading}${block}` });
    group = name;
  }

  // Whole blocks only; room is kept for the note that says what was left out.
  const reserve = 400;
  let body = head;
  const left = { problem: 0, target: 0 };
  for (const [i, block] of blocks.entries()) {
    const joiner = i > 0 && blocks[i - 1]?.kind === "problem" && block.kind === "problem" ? "\n" : "\n\n";
    if (left.problem + left.target === 0 && body.length + joiner.length + block.text.length + reserve <= max) body += joiner + block.text;
    else left[block.kind] += 1;
  }
  if (left.problem + left.target > 0) {
    const parts = [
      left.problem > 0 ? `${left.problem} more problem${left.problem === 1 ? "" : "s"}` : "",
      left.target > 0 ? `${left.target} more target${left.target === 1 ? "" : "s"}` : "",
    ].filter(Boolean);
    body += `\n\n---\n\n${parts.join(" and ")} not shown: an issue holds at most ${DASHBOARD_MAX_LENGTH.toLocaleString("en-US")} characters. \`argocd-image-pr plan\` lists every target.`;
  }
  return `${body}\n`;
}
