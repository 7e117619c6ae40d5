/**
 * The end of a pass: the dashboard issue redrawn from the pass's report and the state — edited only
 * when its body changes, closed when the repo config turns it off. Its failure fails the pass's
 * report but never its PR actions, which are done by then.
 */
import { renderDashboard } from "../dashboard/index.js";
import { describeError } from "../errors/index.js";
import type { DashboardIssue, DashboardSyncResult, StoredState } from "../github/index.js";
import type { ManagedPr } from "../plan/index.js";
import type { State } from "../state/index.js";

/** What a pass needs to keep the dashboard: the issue, and where the state is read (null: the pass's own `report.state`). */
export interface DashboardSource {
  readonly issue: DashboardIssue;
  /** Where to read the state when the pass reads none itself (no `report.state`); absent: no pins or holds shown. */
  readonly state?: { read(): Promise<StoredState> } | null;
}

export interface DashboardPass {
  readonly managed: readonly ManagedPr[];
  /** The repo config's `dashboard:` (default true); null when the repo config could not be read. */
  readonly enabled: boolean | null;
}

interface ReportForDashboard {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly desired: Parameters<typeof renderDashboard>[0]["desired"];
  readonly results: Parameters<typeof renderDashboard>[0]["results"];
  readonly outcomes: Parameters<typeof renderDashboard>[0]["outcomes"];
  readonly problems: Parameters<typeof renderDashboard>[0]["problems"];
  readonly failed: boolean;
  /** The state the pass read, when it reads one (then the dashboard reads none of its own; its problem is in `problems`). */
  readonly state?: State | null;
}

export async function keepDashboard<R extends ReportForDashboard>(
  source: DashboardSource | undefined,
  report: R,
  pass: DashboardPass,
  dryRun: boolean,
): Promise<R & { readonly dashboard?: DashboardSyncResult }> {
  if (source === undefined) return report;
  if (pass.enabled === false) {
    const dashboard = await source.issue.sync(null, { dryRun });
    return { ...report, dashboard, failed: report.failed || !dashboard.ok };
  }
  let state: State | null = null;
  let stateProblem: string | null = null;
  if (report.state !== undefined) state = report.state;
  else if (source.state !== undefined && source.state !== null) {
    try {
      state = (await source.state.read()).state;
    } catch (error) {
      stateProblem = describeError(error);
    }
  }
  const body = renderDashboard({ ...report, managed: pass.managed, state, stateProblem, configBroken: pass.enabled === null });
  // With the repo config unreadable, whether the dashboard is wanted is unknown: an open one shows the problem, none is opened.
  const dashboard = await source.issue.sync(body, { dryRun, open: pass.enabled === true });
  return { ...report, dashboard, failed: report.failed || !dashboard.ok };
}
