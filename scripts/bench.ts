/**
 * `npm run bench`: figures for issues 4 and 7, never assertions. Starts three real registries
 * (Debian's docker-registry) on 127.0.0.1, seeds M repositories, generates GitOps checkouts of 200
 * and 1,000 Applications sharing them, runs the built `argocd-image-pr plan --format json` in a
 * child process and prints wall time, registry requests against the minimum, the child's peak RSS
 * and the updates planned — cold (an empty `--cache-dir`) and warm (the same `--cache-dir` again,
 * which must ask only for tag lists); then times filtering and sorting 50,000 tags. Exits 0 unless
 * something crashed.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { runSelectionWorkload, syntheticTags } from "./bench-selection.js";
import { startRegistry, type TestRegistry } from "../test/support/registry.js";
import { kindOf, startCountingProxy, type CountingProxy, type RequestKind } from "./bench-counting-proxy.js";
import {
  generateCheckout,
  PAGE_SIZE,
  planRepos,
  registriesConf,
  registriesFileOf,
  seedRepos,
  type GeneratedCheckout,
  type SeededRepo,
} from "./bench-fixture.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPO_COUNT = 40;
const APP_COUNTS = [200, 1000] as const;
const SORT_TAGS = 50_000;
const SORT_RUNS = 7;
const TARGET_RSS_MB = 200;
const TARGET_SORT_MS = 100;
const TIME_BIN = "/usr/bin/time";
/** requests/s per registry for the second, unthrottled run: high enough never to wait. */
const UNTHROTTLED = 100_000;

const cleanups: (() => Promise<void> | void)[] = [];
/** Children still running, killed on cleanup (an interrupted bench leaves no plan behind). */
const live = new Set<ChildProcess>();
cleanups.push(() => {
  for (const child of live) child.kill("SIGTERM");
});
/** Scratch files of this run (GNU time's output). */
const scratch = mkdtempSync(join(tmpdir(), "argocd-image-pr-bench-"));
cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));

function say(text = ""): void {
  process.stdout.write(`${text}\n`);
}

function heading(text: string): void {
  say(`\n== ${text}`);
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString("en-US")} ms`;
}

function verdict(ok: boolean): string {
  return ok ? "within target" : "OVER TARGET";
}

interface Cli {
  readonly argv: readonly string[];
  readonly label: string;
}

/**
 * Compile src/ into .tmp/bench-dist (git-ignored; dist/ is left to `npm run build`), so the child runs
 * plain JS as in production. When src/ does not compile (someone mid-edit), run it through tsx and say so.
 */
function buildCli(): Cli {
  const outDir = join(ROOT, ".tmp", "bench-dist");
  rmSync(outDir, { recursive: true, force: true });
  const started = performance.now();
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", outDir, "--noEmitOnError"],
    {
      encoding: "utf8",
    },
  );
  const entry = join(outDir, "cli.js");
  if (tsc.status === 0 && existsSync(entry)) {
    say(`compiled src/ with tsc into .tmp/bench-dist in ${ms(performance.now() - started)}`);
    return { argv: [entry], label: "node .tmp/bench-dist/cli.js (compiled)" };
  }
  say(
    `tsc failed, so the child runs the sources through tsx (slower start, more memory):\n${(tsc.stdout + tsc.stderr).trim().split("\n").slice(0, 10).join("\n")}`,
  );
  return { argv: ["--import", "tsx", join(ROOT, "src/cli.ts")], label: "node --import tsx src/cli.ts (tsc failed)" };
}

/** What docker-registry actually serves for `tags/list?n=PAGE_SIZE`: pages walked, tags seen. */
async function listingPages(repo: SeededRepo, host: string): Promise<{ pages: number; tags: number }> {
  let url: string | null = `http://${host}/v2/${repo.path}/tags/list?n=${PAGE_SIZE}`;
  let pages = 0;
  let tags = 0;
  while (url !== null) {
    const res: Response = await fetch(url);
    if (!res.ok) throw new Error(`tags/list ${repo.path}: HTTP ${res.status}`);
    const body = (await res.json()) as { tags?: unknown };
    pages += 1;
    tags += Array.isArray(body.tags) ? body.tags.length : 0;
    const link = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get("link") ?? "");
    url = link?.[1] === undefined ? null : new URL(link[1], url).toString();
  }
  return { pages, tags };
}

interface Minimum {
  readonly repos: number;
  readonly listing: number;
  readonly manifests: number;
  readonly configs: number;
  readonly total: number;
  readonly detailRepos: number;
}

/**
 * The fewest requests the plan can make: one tags/list per page per repository it uses (the
 * registries need no auth, so no challenge or token round-trips); one manifest per tag whose
 * details are needed (tag → manifest cannot be cached): every candidate of a newest-build target,
 * and the new tag of every update (its digest, build date and source go to the reviewer); and one
 * config blob per distinct build among those tags (content-addressed: tags of one build share it).
 */
function minimumRequests(checkout: GeneratedCheckout, pages: ReadonlyMap<string, number>): Minimum {
  const used = new Set(checkout.targets.map((t) => t.repo));
  let listing = 0;
  for (const repo of used) listing += pages.get(repo.path) ?? 1;
  const detailed = new Map<SeededRepo, Set<string>>();
  for (const target of checkout.targets) {
    const tags = [...(target.newestBuildCandidates ?? []), ...(target.expected === null ? [] : [target.expected])];
    if (tags.length === 0) continue;
    const set = detailed.get(target.repo) ?? new Set<string>();
    for (const tag of tags) set.add(tag);
    detailed.set(target.repo, set);
  }
  let manifests = 0;
  let configs = 0;
  for (const [repo, tags] of detailed) {
    manifests += tags.size;
    configs += new Set([...tags].map((tag) => repo.builds.get(tag))).size;
  }
  return { repos: used.size, listing, manifests, configs, total: listing + manifests + configs, detailRepos: detailed.size };
}

interface PlanJson {
  updates: { app: string | null; alias: string; to: string }[];
  errors: { app: string | null; image: string | null; message: string }[];
  skipped: unknown[];
  stats: { targets: number; images: number; registryRequests: number; cachedTagDetails?: number; durationMs: number };
}

interface RunFigures {
  readonly apps: number;
  readonly wallMs: number;
  readonly durationMs: number;
  /** The same plan with the per-registry rate limit lifted: what the tool itself costs. */
  readonly unthrottledWallMs: number;
  readonly unthrottledRequests: number;
  readonly rssMb: number;
  readonly rssHow: string;
  readonly requests: number;
  readonly minimum: Minimum;
  readonly updates: number;
  readonly expectedUpdates: number;
  readonly wrongUpdates: number;
  readonly errors: number;
  readonly targets: number;
  /** The same plan again over the cold run's --cache-dir. */
  readonly warm: {
    readonly wallMs: number;
    readonly durationMs: number;
    readonly rssMb: number;
    readonly requests: number;
    readonly cached: number;
    /** One tags/list per page per repository: all a warm pass needs (no digest-strategy target here). */
    readonly minimum: number;
    readonly sameUpdates: boolean;
  };
}

interface ChildRun {
  readonly stdout: string;
  readonly status: number | null;
  readonly wallMs: number;
  readonly rssKb: number;
  /** User + system CPU seconds; null without GNU time. */
  readonly cpuS: number | null;
  readonly rssHow: string;
}

/** Collect a child's output; asynchronous, because the counting proxies live in this process. */
async function spawnAndWait(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; status: number | null; signal: string | null }> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("close", () => live.delete(child));
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const [status, signal] = await new Promise<[number | null, string | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, sig) => resolve([code, sig]));
  });
  return { stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8"), status, signal };
}

/** Run the CLI in a child; peak RSS from GNU time, else from a preload that reports maxRSS at exit. */
async function runCli(cli: Cli, cliArgs: readonly string[]): Promise<ChildRun> {
  const rssFile = join(scratch, "rss");
  rmSync(rssFile, { force: true });
  const useTime = existsSync(TIME_BIN);
  const preload = `data:text/javascript,${encodeURIComponent(
    `import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)));`,
  )}`;
  const [command, args] = useTime
    ? [TIME_BIN, ["-f", "%M %U %S", "-o", rssFile, process.execPath, ...cli.argv, ...cliArgs]]
    : [process.execPath, ["--import", preload, ...cli.argv, ...cliArgs]];
  const started = performance.now();
  const child = await spawnAndWait(command, args);
  const wallMs = performance.now() - started;
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${cliArgs[0] ?? "cli"} exited with ${child.status ?? child.signal}:\n${child.stderr.slice(-3000)}`);
  }
  // GNU time writes "Command exited with non-zero status 1" before the figures on exit code 1.
  const [rss = "NaN", user, system] = (readFileSync(rssFile, "utf8").trim().split("\n").pop() ?? "").split(" ");
  const cpuS = user === undefined || system === undefined ? null : Number(user) + Number(system);
  return {
    stdout: child.stdout,
    status: child.status,
    wallMs,
    rssKb: Number(rss),
    cpuS,
    rssHow: useTime ? "GNU time %M" : "process.resourceUsage().maxRSS",
  };
}

/** What the proxies saw: counts per kind, and every request asked more than once. */
function requestBreakdown(proxies: readonly CountingProxy[]): { byKind: Map<RequestKind, number>; repeated: string[] } {
  const byKind = new Map<RequestKind, number>();
  const repeated: string[] = [];
  proxies.forEach((proxy, i) => {
    for (const [key, times] of proxy.seen) {
      byKind.set(kindOf(key), (byKind.get(kindOf(key)) ?? 0) + times);
      if (times > 1) repeated.push(`reg${i}.example ${key} ×${times}`);
    }
  });
  return { byKind, repeated };
}

async function measurePlan(
  cli: Cli,
  apps: number,
  repos: readonly SeededRepo[],
  proxies: readonly CountingProxy[],
  pages: ReadonlyMap<string, number>,
): Promise<RunFigures> {
  heading(`plan over ${apps.toLocaleString("en-US")} Applications`);
  const generatedAt = performance.now();
  const checkout = generateCheckout(
    apps,
    repos,
    proxies.map((p) => p.host),
  );
  cleanups.push(() => {
    rmSync(checkout.dir, { recursive: true, force: true });
    rmSync(registriesFileOf(checkout), { force: true });
  });
  const newestBuild = checkout.targets.filter((t) => t.newestBuildCandidates !== null).length;
  const constrained = checkout.targets.filter((t) => t.constraint !== null).length;
  say(
    `generated ${apps} Applications, ${checkout.targets.length} targets (${constrained} semver with a constraint, ` +
      `${checkout.targets.length - constrained - newestBuild} semver without, ${newestBuild} newest-build whose candidates' ` +
      `manifests and configs are fetched) in ${ms(performance.now() - generatedAt)} (not measured)`,
  );
  for (const proxy of proxies) proxy.reset();
  const cacheDir = mkdtempSync(join(scratch, `cache-${apps}-`));
  const planArgs = [
    "plan",
    "--repo",
    checkout.dir,
    "--apps",
    checkout.appsDir,
    "--registries",
    registriesFileOf(checkout),
    "--format",
    "json",
  ];
  const child = await runCli(cli, [...planArgs, "--cache-dir", cacheDir]);
  const run = { ...child, json: JSON.parse(child.stdout) as PlanJson };
  const seen = requestBreakdown(proxies);
  for (const proxy of proxies) proxy.reset();
  const warmChild = await runCli(cli, [...planArgs, "--cache-dir", cacheDir]);
  const warmJson = JSON.parse(warmChild.stdout) as PlanJson;
  const warmSeen = requestBreakdown(proxies);
  const expected = new Map(checkout.targets.filter((t) => t.expected !== null).map((t) => [`${t.app}/${t.alias}`, t.expected]));
  const wrong = run.json.updates.filter((u) => expected.get(`${u.app ?? ""}/${u.alias}`) !== u.to).length;
  const minimum = minimumRequests(checkout, pages);
  const fastConf = `${registriesFileOf(checkout)}.unthrottled`;
  writeFileSync(
    fastConf,
    registriesConf(
      proxies.map((p) => p.host),
      UNTHROTTLED,
    ),
  );
  cleanups.push(() => rmSync(fastConf, { force: true }));
  const fast = await runCli(cli, [
    "plan",
    "--repo",
    checkout.dir,
    "--apps",
    checkout.appsDir,
    "--registries",
    fastConf,
    "--format",
    "json",
  ]);
  const fastJson = JSON.parse(fast.stdout) as PlanJson;
  for (const error of run.json.errors.slice(0, 5)) say(`  error: ${error.app ?? "-"} ${error.image ?? "-"}: ${error.message}`);
  if (run.json.errors.length > 5) say(`  … and ${run.json.errors.length - 5} more errors`);
  const figures: RunFigures = {
    apps,
    wallMs: run.wallMs,
    durationMs: run.json.stats.durationMs,
    unthrottledWallMs: fast.wallMs,
    unthrottledRequests: fastJson.stats.registryRequests,
    rssMb: run.rssKb / 1024,
    rssHow: run.rssHow,
    requests: run.json.stats.registryRequests,
    minimum,
    updates: run.json.updates.length,
    expectedUpdates: expected.size,
    wrongUpdates: wrong,
    errors: run.json.errors.length,
    targets: run.json.stats.targets,
    warm: {
      wallMs: warmChild.wallMs,
      durationMs: warmJson.stats.durationMs,
      rssMb: warmChild.rssKb / 1024,
      requests: warmJson.stats.registryRequests,
      cached: warmJson.stats.cachedTagDetails ?? 0,
      minimum: minimum.listing,
      sameUpdates: JSON.stringify(warmJson.updates) === JSON.stringify(run.json.updates),
    },
  };
  say(
    `wall time (spawn to exit, incl. Node start): ${ms(figures.wallMs)}; the pass itself (stats.durationMs): ${ms(figures.durationMs)}` +
      (child.cpuS === null ? "" : `; CPU (user+sys): ${ms(child.cpuS * 1000)}`),
  );
  say(
    `  at the default rate limit (20 requests/s per registry, bursts of 20), which bounds the wall time here; ` +
      `with "limit: ${UNTHROTTLED}" the same plan takes ${ms(fast.wallMs)} wall` +
      (fast.cpuS === null ? "" : `, ${ms(fast.cpuS * 1000)} CPU`) +
      `, ${fastJson.stats.registryRequests} requests, ${fastJson.updates.length} updates`,
  );
  say(`peak RSS of the child (${figures.rssHow}): ${figures.rssMb.toFixed(1)} MB`);
  say(
    `registry requests: ${figures.requests} made; minimum ${minimum.total} = ${minimum.listing} tags/list ` +
      `(${minimum.repos} repositories × their pages) + ${minimum.manifests} manifests + ${minimum.configs} config blobs ` +
      `(one manifest per newest-build candidate and per new tag, one config per distinct build, over ${minimum.detailRepos} repositories)`,
  );
  say(
    `requests as the registries saw them (through a counting proxy): ` +
      [...seen.byKind].map(([kind, n]) => `${n} ${kind}`).join(", ") +
      (seen.repeated.length === 0
        ? "; none asked twice"
        : `; asked more than once: ${seen.repeated.slice(0, 8).join("; ")}${seen.repeated.length > 8 ? " …" : ""}`),
  );
  say(
    `updates planned: ${figures.updates} of ${figures.targets} targets; targets behind (computed from the seed): ${figures.expectedUpdates}; ` +
      `updates to another tag than expected: ${wrong}; errors: ${figures.errors}; exit code ${run.status ?? "?"}`,
  );
  const { warm } = figures;
  say(
    `warm (the same plan again over the first run's --cache-dir): wall ${ms(warm.wallMs)}, pass ${ms(warm.durationMs)}` +
      (warmChild.cpuS === null ? "" : `, CPU ${ms(warmChild.cpuS * 1000)}`) +
      `; ${warm.requests} registry requests against a minimum of ${warm.minimum} (tags/list only), ${warm.cached} tag lookups from the cache; ` +
      `peak RSS ${warm.rssMb.toFixed(1)} MB; updates ${warm.sameUpdates ? "identical to the cold run's" : "DIFFERENT from the cold run's"}`,
  );
  say(
    `  as the registries saw them: ` +
      [...warmSeen.byKind].map(([kind, n]) => `${n} ${kind}`).join(", ") +
      (warmSeen.repeated.length === 0 ? "; none asked twice" : `; asked more than once: ${warmSeen.repeated.slice(0, 8).join("; ")}`),
  );
  return figures;
}

function timeSorting(): { median: number; min: number; max: number; kept: number } {
  const tags = syntheticTags(SORT_TAGS);
  for (let i = 0; i < 2; i++) runSelectionWorkload(tags); // warm-up: JIT and regexp caches
  const times: number[] = [];
  let kept = 0;
  for (let i = 0; i < SORT_RUNS; i++) {
    const started = performance.now();
    kept = runSelectionWorkload(tags).ordered.length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)] ?? Number.NaN,
    min: times[0] ?? Number.NaN,
    max: times[times.length - 1] ?? Number.NaN,
    kept,
  };
}

function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  rows.forEach((row, i) => {
    say(
      row
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join("  ")
        .trimEnd(),
    );
    if (i === 0) say(widths.map((w) => "-".repeat(w)).join("  "));
  });
}

async function main(): Promise<void> {
  heading("building the CLI");
  const cli = buildCli();

  heading(`starting 3 registries (docker-registry) and seeding ${REPO_COUNT} repositories`);
  const registries: TestRegistry[] = [];
  cleanups.push(async () => {
    await Promise.all(registries.map((r) => r.stop()));
  });
  registries.push(...(await Promise.all([startRegistry(), startRegistry(), startRegistry()])));
  const hosts = registries.map((r) => r.host);
  const proxies: CountingProxy[] = [];
  cleanups.push(async () => {
    await Promise.all(proxies.map((p) => p.close()));
  });
  proxies.push(...(await Promise.all(hosts.map((host) => startCountingProxy(host)))));
  const repos = planRepos(REPO_COUNT);
  const seededAt = performance.now();
  await seedRepos(repos, hosts);
  const pages = new Map<string, number>();
  let tagCount = 0;
  for (const repo of repos) {
    const listed = await listingPages(repo, hosts[repo.registryIndex] ?? "");
    pages.set(repo.path, listed.pages);
    tagCount += listed.tags;
  }
  const builds = repos.filter((r) => r.strategy === "newest-build");
  say(
    `registries: ${hosts.join(", ")}\n` +
      `seeded ${repos.length} repositories, ${tagCount} tags (${repos.length - builds.length} with one image under 36 tags; ` +
      `${builds.length} with a build per release and per SHA, plus latest/stable/edge aliases) in ${ms(performance.now() - seededAt)} (not measured)\n` +
      `tags/list?n=${PAGE_SIZE} pages per repository as served: ${[...new Set(pages.values())].join(", ")} (docker-registry 2.8 returns all ${Math.max(...repos.map((r) => r.tags.length))} tags at once)`,
  );

  heading("baseline: the CLI loading and printing help, no plan");
  const idle = await runCli(cli, ["plan", "--help"]);
  say(`peak RSS ${(idle.rssKb / 1024).toFixed(1)} MB, wall ${ms(idle.wallMs)} (what every run pays before reading a file)`);

  const runs: RunFigures[] = [];
  for (const apps of APP_COUNTS) runs.push(await measurePlan(cli, apps, repos, proxies, pages));

  heading(`filtering and sorting ${SORT_TAGS.toLocaleString("en-US")} tags (syntheticTags + runSelectionWorkload, in this process)`);
  const sort = timeSorting();
  say(
    `median of ${SORT_RUNS} runs after 2 warm-ups: ${sort.median.toFixed(1)} ms (min ${sort.min.toFixed(1)}, max ${sort.max.toFixed(1)}); ${sort.kept} tags kept`,
  );

  heading(`summary (CLI: ${cli.label})`);
  table([
    ["apps", "run", "targets", "wall", "pass", "wall unthrottled", "peak RSS", "requests", "minimum", "updates", "behind", "errors"],
    ...runs.flatMap((r) => [
      [
        r.apps.toLocaleString("en-US"),
        "cold",
        String(r.targets),
        ms(r.wallMs),
        ms(r.durationMs),
        ms(r.unthrottledWallMs),
        `${r.rssMb.toFixed(1)} MB`,
        String(r.requests),
        `${r.minimum.total} (${r.minimum.listing} lists)`,
        String(r.updates),
        String(r.expectedUpdates),
        String(r.errors),
      ],
      [
        "",
        "warm",
        String(r.targets),
        ms(r.warm.wallMs),
        ms(r.warm.durationMs),
        "",
        `${r.warm.rssMb.toFixed(1)} MB`,
        String(r.warm.requests),
        `${r.warm.minimum} (lists only)`,
        r.warm.sameUpdates ? "same" : "DIFFERENT",
        "",
        "",
      ],
    ]),
  ]);

  heading("targets from issues 4 and 7");
  const big = runs[runs.length - 1];
  const rows: string[][] = [["target", "figure", "verdict"]];
  if (big !== undefined) {
    rows.push([
      `${big.apps.toLocaleString("en-US")}-app plan: requests <= minimum`,
      `${big.requests} vs ${big.minimum.total}`,
      verdict(big.requests <= big.minimum.total),
    ]);
  }
  for (const r of runs) {
    rows.push([
      `${r.apps.toLocaleString("en-US")}-app warm plan: requests <= tag lists`,
      `${r.warm.requests} vs ${r.warm.minimum}`,
      verdict(r.warm.requests <= r.warm.minimum),
    ]);
  }
  const peak = Math.max(...runs.flatMap((r) => [r.rssMb, r.warm.rssMb]));
  rows.push([`peak RSS < ${TARGET_RSS_MB} MB`, `${peak.toFixed(1)} MB`, verdict(peak < TARGET_RSS_MB)]);
  rows.push([
    `sorting ${SORT_TAGS.toLocaleString("en-US")} tags < ${TARGET_SORT_MS} ms`,
    `${sort.median.toFixed(1)} ms`,
    verdict(sort.median < TARGET_SORT_MS),
  ]);
  for (const r of runs) {
    rows.push([
      `${r.apps.toLocaleString("en-US")}-app plan: updates = targets behind`,
      `${r.updates} vs ${r.expectedUpdates} (${r.wrongUpdates} to another tag)`,
      r.updates === r.expectedUpdates && r.wrongUpdates === 0 ? "as expected" : "UNEXPECTED",
    ]);
  }
  table(rows);
}

let cleaning: Promise<void> | null = null;

/** Stop registries and proxies, remove temp files: once, whether main ends or a signal comes first. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void cleanUp().finally(() => process.exit(130));
  });
}

const startedAt = performance.now();
try {
  await main();
  say(`\nbenchmark finished in ${ms(performance.now() - startedAt)}`);
} catch (error) {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
