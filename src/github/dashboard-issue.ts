/**
 * The dashboard issue on GitHub: found among the open issues with the dashboard label that the app
 * opened (its body starts with the marker), opened when missing (the label made first when the
 * repository has none), edited only when its body changes — a pass with nothing new makes no write,
 * and its one read is conditional (a 304 when nothing changed). Turned off in the repo config, an
 * open dashboard is closed with a short comment, once. A dry run lists the writes and makes none.
 */
import type { Logger } from "../log/index.js";
import { DASHBOARD_LABEL, DASHBOARD_MARKER } from "../plan/index.js";
import type { GitHubClient } from "./client.js";
import { ConditionalCache } from "./conditional.js";
import { gitHubError, isStatus } from "./errors.js";

export const DASHBOARD_ISSUE_TITLE = "argocd-image-pr dashboard";
/** Marks the app's comment on a dashboard it closes, so it is said once. */
const OFF_MARKER = "<!-- argocd-image-pr:comment dashboard-off -->";
const OFF_COMMENT = `${OFF_MARKER}\nThe dashboard is turned off (\`dashboard: false\` in \`.github/argocd-image-pr.yml\`), so the app closes this issue and keeps it no longer. Set \`dashboard: true\` (or remove the key) to have it back.`;

export interface DashboardIssueOptions {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly log: Logger;
  /** The app's own login (`<slug>[bot]`): only issues it opened are the dashboard. Null: any author. */
  readonly botLogin?: string | null;
  /** Kept across passes for conditional reads; default: one of its own. */
  readonly cache?: ConditionalCache;
}

export interface DashboardSyncResult {
  /** The dashboard issue after the sync (null: there is none, or it was closed). */
  readonly number: number | null;
  /** Every write made (or, in a dry run, that would be made), as `METHOD /path — what`. */
  readonly writes: readonly string[];
  readonly ok: boolean;
  readonly error?: string;
}

export interface DashboardIssue {
  /**
   * Make the dashboard show `body`; null: the dashboard is turned off (close an open one).
   * `open: false` edits an open dashboard but opens none (default true).
   */
  sync(body: string | null, options: { readonly dryRun: boolean; readonly open?: boolean }): Promise<DashboardSyncResult>;
}

interface RawIssue {
  readonly number: number;
  readonly body?: string | null;
  readonly user: { readonly login: string } | null;
  readonly pull_request?: unknown;
}

export function createDashboardIssue(options: DashboardIssueOptions): DashboardIssue {
  const { client, owner, repo, log } = options;
  const full = `${owner}/${repo}`;
  const cache = options.cache ?? new ConditionalCache();
  const botLogin = options.botLogin ?? null;

  /** The app's open dashboard issues, oldest first. */
  async function openDashboards(): Promise<RawIssue[]> {
    const found: RawIssue[] = [];
    for (let page = 1; page <= 10; page += 1) {
      const data = await cache.get<RawIssue[]>(client, "GET /repos/{owner}/{repo}/issues", {
        owner,
        repo,
        labels: DASHBOARD_LABEL,
        state: "open",
        sort: "created",
        direction: "asc",
        per_page: 100,
        page,
      });
      found.push(
        ...data.filter(
          (issue) =>
            issue.pull_request === undefined &&
            (issue.body ?? "").startsWith(DASHBOARD_MARKER) &&
            (botLogin === null || issue.user?.login === botLogin),
        ),
      );
      if (data.length < 100) break;
    }
    return found.sort((a, b) => a.number - b.number);
  }

  async function ensureLabel(write: Write): Promise<void> {
    try {
      await client.request("GET /repos/{owner}/{repo}/labels/{name}", { owner, repo, name: DASHBOARD_LABEL });
      return;
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
    await write(
      `POST /repos/${full}/labels — create label ${JSON.stringify(DASHBOARD_LABEL)}`,
      async () => {
        try {
          await client.request("POST /repos/{owner}/{repo}/labels", {
            owner,
            repo,
            name: DASHBOARD_LABEL,
            color: "5319e7",
            description: "The argocd-image-pr dashboard: every image target at a glance",
          });
        } catch (error) {
          // Made meanwhile by another replica (or by a retried request that had succeeded).
          if (!isStatus(error, 422)) throw error;
        }
      },
      undefined,
    );
  }

  type Write = <T>(description: string, call: () => Promise<T>, placeholder: T) => Promise<T>;

  async function turnOff(open: readonly RawIssue[], write: Write): Promise<void> {
    for (const issue of open) {
      const comments = await client.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner,
        repo,
        issue_number: issue.number,
        per_page: 100,
      });
      if (!comments.some((comment) => (comment.body ?? "").startsWith(OFF_MARKER)))
        await write(
          `POST /repos/${full}/issues/${issue.number}/comments — the dashboard is turned off`,
          () =>
            client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
              owner,
              repo,
              issue_number: issue.number,
              body: OFF_COMMENT,
            }),
          undefined,
        );
      await write(
        `PATCH /repos/${full}/issues/${issue.number} — close the dashboard`,
        () =>
          client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
            owner,
            repo,
            issue_number: issue.number,
            state: "closed",
            state_reason: "not_planned",
          }),
        undefined,
      );
    }
  }

  return {
    async sync(body, syncOptions) {
      const writes: string[] = [];
      const write: Write = async (description, call, placeholder) => {
        writes.push(description);
        if (syncOptions.dryRun) return placeholder;
        return call();
      };
      try {
        const open = await openDashboards();
        if (body === null) {
          await turnOff(open, write);
          return { number: null, writes, ok: true };
        }
        const [current, ...duplicates] = open;
        // Two replicas racing may each have opened one: the oldest is kept, the others closed.
        for (const duplicate of duplicates) {
          await write(
            `POST /repos/${full}/issues/${duplicate.number}/comments — a duplicate of #${current?.number ?? 0}`,
            () =>
              client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
                owner,
                repo,
                issue_number: duplicate.number,
                body: `<!-- argocd-image-pr:comment dashboard-duplicate -->\nThe dashboard is #${current?.number ?? 0}; this duplicate is closed.`,
              }),
            undefined,
          );
          await write(
            `PATCH /repos/${full}/issues/${duplicate.number} — close the duplicate dashboard`,
            () =>
              client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
                owner,
                repo,
                issue_number: duplicate.number,
                state: "closed",
                state_reason: "not_planned",
              }),
            undefined,
          );
        }
        if (current === undefined) {
          if (syncOptions.open === false) return { number: null, writes, ok: true };
          await ensureLabel(write);
          const number = await write(
            `POST /repos/${full}/issues — open the dashboard`,
            async () =>
              (
                await client.request("POST /repos/{owner}/{repo}/issues", {
                  owner,
                  repo,
                  title: DASHBOARD_ISSUE_TITLE,
                  body,
                  labels: [DASHBOARD_LABEL],
                })
              ).data.number,
            0,
          );
          log.info({ repo: full, number, dryRun: syncOptions.dryRun }, "dashboard opened");
          return { number, writes, ok: true };
        }
        if ((current.body ?? "") !== body) {
          await write(
            `PATCH /repos/${full}/issues/${current.number} — the dashboard's body`,
            () => client.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { owner, repo, issue_number: current.number, body }),
            undefined,
          );
          log.info({ repo: full, number: current.number, dryRun: syncOptions.dryRun }, "dashboard edited");
        }
        return { number: current.number, writes, ok: true };
      } catch (error) {
        const failure = gitHubError(full, "keeping the dashboard issue", error);
        log.error({ repo: full, error: failure.message }, "dashboard not updated; the next pass tries again");
        return { number: null, writes, ok: false, error: failure.message };
      }
    },
  };
}
