/** `reconcile`'s output: per repository, each PR action and its writes (all of them in a dry run), problems, and the API calls made. Pure. */
import type { ReconcileReposResult } from "../pipeline/index.js";

function verb(kind: string, dryRun: boolean): string {
  return dryRun ? `would ${kind}` : kind;
}

export function formatReconcile(result: ReconcileReposResult, options: { readonly dryRun: boolean }): string {
  const lines: string[] = [];
  for (const pass of result.passes) {
    if (pass.error !== undefined) {
      lines.push(`${pass.repo}`, `  error  ${pass.error}`);
      continue;
    }
    const { report } = pass;
    lines.push(
      `${pass.repo} (base ${report.defaultBranch}): ${report.desired.length} update PR${report.desired.length === 1 ? "" : "s"} wanted, ${report.actions.length} action${report.actions.length === 1 ? "" : "s"}`,
    );
    for (const outcome of report.results) {
      const number = outcome.number === null || outcome.number === 0 ? "" : ` #${outcome.number}`;
      lines.push(
        `  ${outcome.ok ? verb(outcome.kind, options.dryRun) : `FAILED ${outcome.kind}`}  ${outcome.branch}${number}${outcome.error === undefined ? "" : `: ${outcome.error}`}`,
      );
      if (options.dryRun) for (const write of outcome.writes) lines.push(`    ${write}`);
    }
    if (report.stateWrite !== null) {
      const [subject = "", ...rest] = report.stateWrite.message.trimEnd().split("\n");
      const where = report.stateWrite.commit === null ? "" : ` (${report.stateWrite.commit.slice(0, 12)})`;
      lines.push(`  ${options.dryRun ? "would write the state" : "wrote the state"}${where}  ${subject}`);
      for (const line of rest) if (line !== "") lines.push(`    ${line}`);
    }
    const dashboard = report.dashboard;
    if (dashboard !== undefined && (dashboard.writes.length > 0 || !dashboard.ok)) {
      const number = dashboard.number === null || dashboard.number === 0 ? "" : ` #${dashboard.number}`;
      lines.push(
        `  ${dashboard.ok ? verb("keep", options.dryRun) : "FAILED keep"}  dashboard${number}${dashboard.error === undefined ? "" : `: ${dashboard.error}`}`,
      );
      if (options.dryRun) for (const write of dashboard.writes) lines.push(`    ${write}`);
    }
    for (const problem of report.problems) {
      lines.push(
        `  ${problem.severity === "warning" ? "warning" : "error"}  ${[problem.target ?? problem.app, problem.file].filter((part) => part !== null && part !== undefined).join(" ")}: ${problem.message}`,
      );
    }
  }
  const { reads, writes, notModified } = result.github;
  lines.push(
    `GitHub API: ${reads} reads (${notModified} answered 304 Not Modified), ${writes} writes${options.dryRun ? " (dry run: none made)" : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

export function reconcileToJson(result: ReconcileReposResult): unknown {
  return {
    repositories: result.passes.map((pass) =>
      pass.error !== undefined
        ? { repo: pass.repo, error: pass.error }
        : {
            repo: pass.repo,
            base: pass.report.defaultBranch,
            pullRequests: pass.report.desired.map((pr) => ({
              branch: pr.branch,
              base: pr.base,
              title: pr.title,
              targets: pr.metadata.targets,
              automerge: pr.automerge,
            })),
            actions: pass.report.results.map((r) => ({
              kind: r.kind,
              branch: r.branch,
              ok: r.ok,
              number: r.number,
              writes: r.writes,
              ...(r.error === undefined ? {} : { error: r.error }),
            })),
            state: {
              events: pass.report.stateEvents,
              write: pass.report.stateWrite,
            },
            ...(pass.report.dashboard === undefined
              ? {}
              : {
                  dashboard: {
                    number: pass.report.dashboard.number,
                    ok: pass.report.dashboard.ok,
                    writes: pass.report.dashboard.writes,
                    ...(pass.report.dashboard.error === undefined ? {} : { error: pass.report.dashboard.error }),
                  },
                }),
            problems: pass.report.problems.map((p) => ({
              target: p.target ?? null,
              app: p.app,
              image: p.image,
              file: p.file,
              message: p.message,
              severity: p.severity ?? "error",
            })),
          },
    ),
    github: result.github,
  };
}
