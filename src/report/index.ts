/**
 * report/: the plan as people and scripts read it. Pure: a PlanResult in, a string or a JSON value out.
 */
import type { PlanProblem, PlanResult, PlanSkip, PlannedUpdate } from "../pipeline/types.js";

/** The stable JSON shape of `plan --format json` (documented in the README). */
export interface PlanJson {
  readonly updates: ReadonlyArray<{
    /** The target's stable id: `<namespace>/<application>/<alias>`, or `<repo-config name>/<alias>`. */
    readonly target: string;
    readonly app: string | null;
    readonly alias: string;
    readonly image: string;
    readonly file: string;
    readonly kind: PlannedUpdate["kind"];
    readonly from: string | null;
    readonly to: string;
    readonly digest: string | null;
    readonly strategy: PlannedUpdate["strategy"];
    readonly reason: string;
    /** For a reviewer: the new tag's manifest digest, build date and source, when the image says. */
    readonly imageDigest: string | null;
    readonly created: string | null;
    readonly sourceUrl: string | null;
    readonly revision: string | null;
  }>;
  /** `target` is null for a problem with a declaration that made no target. */
  readonly errors: readonly ProblemJson[];
  readonly warnings: readonly ProblemJson[];
  readonly skipped: readonly SkipJson[];
  readonly stats: PlanResult["stats"];
}

type ProblemJson = Required<Pick<PlanProblem, "target">> & Pick<PlanProblem, "app" | "image" | "file" | "message">;
type SkipJson = Required<Pick<PlanSkip, "target">> & Pick<PlanSkip, "app" | "image" | "reason">;

function problemJson(problem: PlanProblem): ProblemJson {
  return { target: problem.target ?? null, app: problem.app, image: problem.image, file: problem.file, message: problem.message };
}

export function planToJson(result: PlanResult): PlanJson {
  return {
    updates: result.updates.map((u) => ({
      target: u.targetId,
      app: u.app,
      alias: u.alias,
      image: u.image,
      file: u.file,
      kind: u.kind,
      from: u.from,
      to: u.to,
      digest: u.digest,
      strategy: u.strategy,
      reason: u.reason,
      imageDigest: u.imageDigest,
      created: u.created,
      sourceUrl: u.sourceUrl,
      revision: u.revision,
    })),
    errors: result.errors.map(problemJson),
    warnings: result.warnings.map(problemJson),
    skipped: result.skipped.map((s) => ({ target: s.target ?? null, app: s.app, image: s.image, reason: s.reason })),
    stats: result.stats,
  };
}

export interface TableStyle {
  /** ANSI colours (only on a TTY). */
  readonly color: boolean;
}

const ANSI = { red: "\u001b[31m", green: "\u001b[32m", yellow: "\u001b[33m", dim: "\u001b[2m", bold: "\u001b[1m", reset: "\u001b[0m" };

function paint(style: TableStyle, code: keyof typeof ANSI, text: string): string {
  return style.color ? `${ANSI[code]}${text}${ANSI.reset}` : text;
}

function groupKey(app: string | null): string {
  return app ?? "(repo config)";
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function shortDigest(digest: string | null): string {
  return digest === null ? "" : ` @${digest.slice(0, 19)}…`;
}

/** "built 2026-10-03 09:00 UTC, sha256:0123456789ab…, https://github.com/o/web @ 1a2b3c4": what the image says of itself. */
function provenance(u: PlannedUpdate): string | null {
  const parts = [
    u.created === null ? null : `built ${u.created.slice(0, 16).replace("T", " ")} UTC`,
    u.imageDigest === null || u.imageDigest === u.digest ? null : `${u.imageDigest.slice(0, 19)}…`,
    u.sourceUrl === null ? null : `${u.sourceUrl}${u.revision === null ? "" : ` @ ${u.revision.slice(0, 12)}`}`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? null : parts.join(", ");
}

/** The plan for people: grouped by Application, `from → to`, the reason, then what was skipped and what failed. */
export function formatPlanTable(result: PlanResult, style: TableStyle): string {
  const lines: string[] = [];
  const groups = new Map<string, PlannedUpdate[]>();
  for (const update of result.updates) {
    const key = groupKey(update.app);
    groups.set(key, [...(groups.get(key) ?? []), update]);
  }
  for (const [app, updates] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(paint(style, "bold", app));
    for (const u of updates) {
      const change = `${u.from ?? "(none)"} → ${paint(style, "green", u.to)}${shortDigest(u.digest)}`;
      lines.push(`  ${u.alias}  ${u.image}  ${change}`);
      lines.push(`    ${paint(style, "dim", `${u.file} (${u.kind})`)}`);
      lines.push(`    ${u.reason}`);
      const about = provenance(u);
      if (about !== null) lines.push(`    ${paint(style, "dim", about)}`);
    }
  }
  if (result.updates.length === 0) lines.push(result.stats.targets === 0 && result.skipped.length === 0 ? "No targets." : "No updates.");
  if (result.upToDate.length > 0) {
    lines.push("", paint(style, "bold", "Up to date"));
    for (const q of result.upToDate) {
      lines.push(`  ${groupKey(q.app)}  ${q.alias}  ${q.image}:${q.current ?? "(none)"}  ${paint(style, "dim", q.reason)}`);
    }
  }
  if (result.skipped.length > 0) {
    lines.push("", paint(style, "bold", "Skipped"));
    for (const s of result.skipped) {
      lines.push(`  ${groupKey(s.app)}${s.image === null ? "" : `  ${s.image}`}  ${paint(style, "yellow", s.reason)}`);
    }
  }
  const problems = (title: string, color: "red" | "yellow", list: readonly PlanProblem[]): void => {
    if (list.length === 0) return;
    lines.push("", paint(style, "bold", title));
    for (const problem of list) {
      const where = [problem.app, problem.image, problem.file].filter((part) => part !== null).join("  ");
      // A problem about no app, image or file (no targets at all) gets no empty heading line.
      if (where !== "") lines.push(`  ${where}`);
      lines.push(`    ${paint(style, color, problem.message)}`);
    }
  };
  problems("Warnings", "yellow", result.warnings);
  problems("Errors", "red", result.errors);
  const { stats } = result;
  lines.push(
    "",
    [
      plural(result.updates.length, "update"),
      `${result.upToDate.length} up to date`,
      `${result.skipped.length} skipped`,
      plural(result.warnings.length, "warning"),
      plural(result.errors.length, "error"),
    ].join(", ") +
      ` — ${plural(stats.targets, "target")}, ${plural(stats.images, "image")}, ` +
      `${plural(stats.registryRequests, "registry request")}` +
      (stats.cachedTagDetails > 0 ? ` (${plural(stats.cachedTagDetails, "tag")} from the cache)` : "") +
      `, ${stats.durationMs} ms` +
      (result.written ? `; ${plural(result.changes.length, "file")} written` : ""),
  );
  return `${lines.join("\n")}\n`;
}

export { formatTags } from "./tags.js";
export { formatReconcile, reconcileToJson } from "./reconcile.js";
