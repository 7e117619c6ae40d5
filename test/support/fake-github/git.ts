/**
 * A bare git repository driven by the git CLI: the fake GitHub's storage. Objects are written with
 * hash-object / mktree-style index plumbing / commit-tree, refs moved with update-ref (old value
 * checked), mergeability decided by merge-tree --write-tree.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitPerson {
  readonly name: string;
  readonly email: string;
  /** ISO 8601 */
  readonly date: string;
}

export interface GitCommitObject {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

export interface GitTreeEntry {
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  readonly size: number | undefined;
  readonly path: string;
}

export interface TreeChange {
  readonly path: string;
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  /** null deletes the path */
  readonly sha: string | null;
}

export interface FileStat {
  readonly filename: string;
  readonly status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  readonly additions: number;
  readonly deletions: number;
  readonly sha: string;
  readonly patch: string | undefined;
}

/** The id of the empty tree, which every git repository knows without storing it. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

interface RunResult {
  readonly stdout: Buffer;
  readonly code: number;
}

type ObjectType = "blob" | "tree" | "commit" | "tag";

interface BatchAnswer {
  readonly sha: string;
  readonly type: ObjectType;
  readonly content: Buffer;
}

const GIT_ENV = { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0" };

/**
 * One long-running `git cat-file --batch` per repository for object reads: spawning a process per
 * read is what a request cost most. It is given object ids only (refs are resolved from the fake's
 * own ref table), so git's in-process ref caching cannot answer stale.
 */
class CatFile {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #waiting: { resolve: (answer: BatchAnswer | null) => void; reject: (error: Error) => void }[] = [];

  constructor(gitDir: string) {
    this.#child = spawn("git", ["--git-dir", gitDir, "cat-file", "--batch"], {
      stdio: ["pipe", "pipe", "ignore"],
      env: { ...process.env, ...GIT_ENV },
    });
    this.#child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
      this.#drain();
    });
    this.#child.on("exit", () => {
      for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error("git cat-file --batch exited"));
    });
    this.#child.stdin.on("error", () => undefined);
  }

  get(name: string): Promise<BatchAnswer | null> {
    if (name.includes("\n")) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#child.stdin.write(`${name}\n`);
    });
  }

  #drain(): void {
    while (this.#waiting.length) {
      const eol = this.#buffer.indexOf(10);
      if (eol === -1) return;
      const header = this.#buffer.subarray(0, eol).toString("utf8");
      const parts = header.split(" ");
      if (parts.length !== 3) {
        // "<name> missing" / "<name> ambiguous"
        this.#buffer = this.#buffer.subarray(eol + 1);
        this.#waiting.shift()?.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (this.#buffer.length < eol + 1 + size + 1) return;
      const content = Buffer.from(this.#buffer.subarray(eol + 1, eol + 1 + size));
      this.#buffer = this.#buffer.subarray(eol + 1 + size + 1);
      this.#waiting.shift()?.resolve({ sha: parts[0] ?? "", type: parts[1] as ObjectType, content });
    }
  }

  close(): void {
    this.#child.stdin.end();
  }
}

export class GitRepo {
  #catFile: CatFile | undefined;
  /** All refs, read once and dropped when this class moves one (the fake is the only writer). */
  #refs: Map<string, string> | null = null;
  /** Answers about immutable objects (commits, merges of two commits, diffs between two trees). */
  readonly #memo = new Map<string, unknown>();

  constructor(readonly gitDir: string) {}

  async #remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    // Only answers about object ids are immutable; a ref name can move.
    if (!/^[a-z-]+( ([0-9a-f]{40}|-))+$/.test(key)) return compute();
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = await compute();
    this.#memo.set(key, value);
    return value;
  }

  static async init(gitDir: string, defaultBranch: string): Promise<GitRepo> {
    await run(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, gitDir], undefined, {});
    return new GitRepo(gitDir);
  }

  async git(
    args: readonly string[],
    options: { input?: Buffer | string; env?: Record<string, string>; allowFail?: boolean } = {},
  ): Promise<RunResult> {
    const result = await run(["--git-dir", this.gitDir, ...args], options.input, options.env ?? {});
    if (result.code !== 0 && !options.allowFail)
      throw new GitError(`git ${args.join(" ")} failed (${result.code}): ${result.stderr}`, result.code, result.stderr);
    return result;
  }

  async text(args: readonly string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    return (await this.git(args, options)).stdout.toString("utf8").trim();
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return this.text(["hash-object", "-w", "--stdin"], { input: content });
  }

  /**
   * An object by id, or by `<id>:<path>` / `<id>^{tree}` (never by ref name). A "missing" answer is
   * confirmed by a fresh process, in case the batch process has not seen a pack written since.
   */
  async object(name: string): Promise<BatchAnswer | null> {
    if (!/^[0-9a-f]{40}(\^\{(tree|commit)\}|:.*)?$/s.test(name)) return null;
    this.#catFile ??= new CatFile(this.gitDir);
    const answer = await this.#catFile.get(name);
    if (answer) return answer;
    const check = await this.git(["cat-file", "-e", name], { allowFail: true });
    if (check.code !== 0) return null;
    this.#catFile.close();
    this.#catFile = new CatFile(this.gitDir);
    return this.#catFile.get(name);
  }

  /** Ends the batch reader (the repository stays usable; the next read starts a new one). */
  close(): void {
    this.#catFile?.close();
    this.#catFile = undefined;
  }

  async objectType(name: string): Promise<ObjectType | null> {
    return (await this.object(name))?.type ?? null;
  }

  /** The types of many objects (null: missing). */
  async objectTypes(shas: readonly string[]): Promise<Map<string, ObjectType | null>> {
    const out = new Map<string, ObjectType | null>();
    for (const sha of shas) out.set(sha, await this.objectType(sha));
    return out;
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    const answer = await this.object(sha);
    return answer?.type === "blob" ? answer.content : null;
  }

  /**
   * A ref, branch or tag name, or a (short) sha, as the commit id it names, or null. Names are
   * resolved from the ref table as GitHub does (branch, then tag, then a full ref name).
   */
  async resolveCommit(ref: string): Promise<string | null> {
    if (ref.startsWith("-") || ref === "") return null;
    const refs = await this.refs();
    const named = refs.get(`refs/heads/${ref}`) ?? refs.get(`refs/tags/${ref}`) ?? (ref.startsWith("refs/") ? refs.get(ref) : undefined);
    if (named) return (await this.object(`${named}^{commit}`))?.sha ?? null;
    if (/^[0-9a-f]{40}$/.test(ref)) return (await this.object(`${ref}^{commit}`))?.sha ?? null;
    if (!/^[0-9a-f]{4,39}$/.test(ref)) return null;
    const result = await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { allowFail: true });
    return result.code === 0 ? result.stdout.toString().trim() : null;
  }

  /** The tree a commit (named as resolveCommit takes it) or a tree id stands for, or null. */
  async resolveTree(ref: string): Promise<string | null> {
    if (/^[0-9a-f]{40}$/.test(ref)) {
      const answer = await this.object(`${ref}^{tree}`);
      if (answer) return answer.sha;
    }
    const commit = await this.resolveCommit(ref);
    return commit ? ((await this.object(`${commit}^{tree}`))?.sha ?? null) : null;
  }

  async refs(prefix = "refs/"): Promise<Map<string, string>> {
    if (!this.#refs) {
      const out = await this.text(["for-each-ref", "--format=%(refname) %(objectname)"]);
      const map = new Map<string, string>();
      for (const line of out.split("\n")) {
        if (!line) continue;
        const [name, sha] = line.split(" ");
        if (name && sha) map.set(name, sha);
      }
      this.#refs = map;
    }
    return new Map([...this.#refs].filter(([name]) => name.startsWith(prefix)));
  }

  async ref(name: string): Promise<string | null> {
    return (await this.refs(name)).get(name) ?? null;
  }

  /** A ref's sha, read synchronously (for the test helpers that act at once), or null. */
  refSync(name: string): string | null {
    try {
      return (
        execFileSync("git", ["--git-dir", this.gitDir, "rev-parse", "--verify", "--quiet", name], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        }).trim() || null
      );
    } catch {
      return null;
    }
  }

  /** Moves a ref only if it still points at `expected` (null: must not exist). False when it moved meanwhile. */
  async updateRef(name: string, sha: string, expected: string | null): Promise<boolean> {
    this.#refs = null;
    const result = await this.git(["update-ref", name, sha, expected ?? "0".repeat(40)], { allowFail: true });
    return result.code === 0;
  }

  async deleteRef(name: string, expected: string): Promise<boolean> {
    this.#refs = null;
    const result = await this.git(["update-ref", "-d", name, expected], { allowFail: true });
    return result.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.#remember(`ancestor ${ancestor} ${descendant}`, async () => {
      const result = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], { allowFail: true });
      return result.code === 0;
    });
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    return this.#remember(`merge-base ${a} ${b}`, async () => {
      const result = await this.git(["merge-base", a, b], { allowFail: true });
      return result.code === 0 ? result.stdout.toString().trim() : null;
    });
  }

  /** The tree a three-way merge of two commits gives, or null when they conflict. */
  async mergeTree(ours: string, theirs: string): Promise<string | null> {
    return this.#remember(`merge-tree ${ours} ${theirs}`, () => this.#mergeTree(ours, theirs));
  }

  async #mergeTree(ours: string, theirs: string): Promise<string | null> {
    const result = await this.git(["merge-tree", "--write-tree", "--no-messages", ours, theirs], { allowFail: true });
    if (result.code === 1) return null;
    if (result.code !== 0) throw new GitError(`git merge-tree failed (${result.code})`, result.code, "");
    return result.stdout.toString().split("\n")[0]?.trim() ?? null;
  }

  /** Commits in `head` not in `base`, oldest first. */
  async commitsBetween(base: string | null, head: string): Promise<string[]> {
    const out = await this.text(["rev-list", "--reverse", "--topo-order", head, ...(base ? [`^${base}`] : [])]);
    return out ? out.split("\n") : [];
  }

  async count(range: string): Promise<number> {
    return Number(await this.text(["rev-list", "--count", range]));
  }

  async readCommit(sha: string): Promise<GitCommitObject | null> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return null;
    const cached = this.#memo.get(`commit ${sha}`) as GitCommitObject | undefined;
    if (cached) return cached;
    const answer = await this.object(sha);
    if (answer?.type !== "commit") return null;
    const raw = answer.content.toString("utf8");
    const split = raw.indexOf("\n\n");
    const header = split === -1 ? raw : raw.slice(0, split);
    const message = split === -1 ? "" : raw.slice(split + 2);
    let tree = "";
    const parents: string[] = [];
    let author: GitPerson | undefined;
    let committer: GitPerson | undefined;
    for (const line of header.split("\n")) {
      const space = line.indexOf(" ");
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === "tree") tree = value;
      else if (key === "parent") parents.push(value);
      else if (key === "author") author = parsePerson(value);
      else if (key === "committer") committer = parsePerson(value);
    }
    if (!author || !committer) throw new Error(`commit ${sha} has no author or committer`);
    const commit = { sha, tree, parents, author, committer, message };
    this.#memo.set(`commit ${sha}`, commit);
    return commit;
  }

  async commitTree(tree: string, parents: readonly string[], message: string, author: GitPerson, committer: GitPerson): Promise<string> {
    return this.text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], {
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: committer.date,
      },
    });
  }

  async lsTree(treeish: string, recursive: boolean): Promise<GitTreeEntry[]> {
    const out = (await this.git(["ls-tree", "-z", "-l", ...(recursive ? ["-r", "-t"] : []), treeish])).stdout.toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf("\t");
        const [mode = "", type = "", sha = "", size = "-"] = record.slice(0, tab).split(/ +/);
        return {
          mode,
          type: type as GitTreeEntry["type"],
          sha,
          size: size === "-" ? undefined : Number(size),
          path: record.slice(tab + 1),
        };
      });
  }

  /** A new tree: `base` (or empty) with the changes applied, built in a private index. */
  async buildTree(base: string | null, changes: readonly TreeChange[]): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "fake-github-index-"));
    const env = { GIT_INDEX_FILE: join(dir, "index") };
    try {
      if (base) await this.git(["read-tree", base], { env });
      else await this.git(["read-tree", "--empty"], { env });
      const needsListing = changes.some((c) => c.sha === null || c.type === "tree");
      const present = needsListing ? (await this.text(["ls-files", "-z"], { env })).split("\0").filter(Boolean) : [];
      // One --index-info batch: mode 0 removes a path (update-index --force-remove needs a work
      // tree; this repository has none), a blob line adds or replaces one.
      const lines: string[] = [];
      const subtrees: { path: string; sha: string }[] = [];
      for (const change of changes) {
        const path = change.path.replace(/^\/+|\/+$/g, "");
        if (change.sha === null || change.type === "tree") {
          for (const p of present) if (p === path || p.startsWith(`${path}/`)) lines.push(`0 ${"0".repeat(40)}\t${p}`);
          if (change.sha !== null) subtrees.push({ path, sha: change.sha });
          continue;
        }
        lines.push(`${change.mode} ${change.sha}\t${path}`);
      }
      if (lines.length) await this.git(["update-index", "-z", "--index-info"], { env, input: lines.map((l) => `${l}\0`).join("") });
      for (const subtree of subtrees) await this.git(["read-tree", `--prefix=${subtree.path}/`, subtree.sha], { env });
      return await this.text(["write-tree"], { env });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Files changed from `from` (null: the empty tree) to `to`, with line counts and patches. */
  async diffFiles(from: string | null, to: string): Promise<FileStat[]> {
    return this.#remember(`diff ${from ?? "-"} ${to}`, async () => {
      const args = ["-c", "core.quotePath=false", "diff-tree", "-r", "--no-renames", "--full-index", "-p", "--no-color"];
      const out = (await this.git([...args, from ?? EMPTY_TREE, to])).stdout.toString("utf8");
      return parsePatch(out);
    });
  }

  /** Replays `commits` onto `onto` one by one (a rebase), or null when one does not apply. */
  async replay(commits: readonly string[], onto: string, committer: GitPerson): Promise<string | null> {
    let head = onto;
    for (const sha of commits) {
      const commit = await this.readCommit(sha);
      if (!commit) return null;
      const parent = commit.parents[0] ?? null;
      // The diff parent → commit applied onto head (merge-tree has no --merge-base before git 2.40).
      const tree = await this.cherryPickTree(parent, sha, head);
      if (!tree) return null;
      head = await this.commitTree(tree, [head], commit.message, commit.author, committer);
    }
    return head;
  }

  /** The tree of applying the diff parent→commit onto `onto`, with a private index and `git apply --3way`. */
  async cherryPickTree(parent: string | null, commit: string, onto: string): Promise<string | null> {
    const diff = (await this.git(["diff-tree", "-p", "--binary", "--full-index", "--no-renames", parent ?? "--root", commit])).stdout;
    const dir = mkdtempSync(join(tmpdir(), "fake-github-apply-"));
    const env = { GIT_INDEX_FILE: join(dir, "index") };
    try {
      await this.git(["read-tree", onto], { env });
      if (diff.length) {
        const applied = await this.git(["apply", "--cached", "--3way", "-"], { env, input: diff, allowFail: true });
        if (applied.code !== 0) return null;
      }
      const written = await this.git(["write-tree"], { env, allowFail: true });
      return written.code === 0 ? written.stdout.toString().trim() : null;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** `git diff-tree -p --full-index` output → one FileStat per file (names unquoted via core.quotePath=false). */
function parsePatch(out: string): FileStat[] {
  const files: FileStat[] = [];
  const sections = out.split(/^(?=diff --git )/m).filter((section) => section.startsWith("diff --git "));
  for (const section of sections) {
    const lines = section.split("\n");
    const header = lines[0] ?? "";
    const minus = lines.find((l) => l.startsWith("--- "));
    const plus = lines.find((l) => l.startsWith("+++ "));
    const added = lines.some((l) => l.startsWith("new file mode"));
    const removed = lines.some((l) => l.startsWith("deleted file mode"));
    const index = /^index ([0-9a-f]+)\.\.([0-9a-f]+)/m.exec(section);
    const name = (removed ? minus?.slice(6) : plus?.slice(6)) ?? / b\/(.*)$/.exec(header)?.[1] ?? "";
    const hunkAt = section.indexOf("\n@@");
    let additions = 0;
    let deletions = 0;
    const body = hunkAt === -1 ? "" : section.slice(hunkAt + 1).replace(/\n$/, "");
    for (const line of body.split("\n")) {
      if (line.startsWith("+")) additions += 1;
      else if (line.startsWith("-")) deletions += 1;
    }
    files.push({
      filename: name.replace(/\t$/, ""),
      status: added ? "added" : removed ? "removed" : "modified",
      additions,
      deletions,
      sha: (removed ? index?.[1] : index?.[2]) ?? "",
      patch: hunkAt === -1 ? undefined : body,
    });
  }
  return files;
}

function parsePerson(value: string): GitPerson {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) throw new Error(`unparseable git identity: ${value}`);
  return { name: match[1] ?? "", email: match[2] ?? "", date: new Date(Number(match[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

/**
 * git runs in a small helper process: forking the test process itself (a large heap: the OpenAPI
 * description, compiled validators) costs tens of milliseconds per spawn, a fresh Node does not.
 */
const RUNNER = `
const { execFile } = require("node:child_process");
process.on("message", (m) => {
  const child = execFile("git", m.args, { encoding: "buffer", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...m.env } }, (error, stdout, stderr) => {
    const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
    process.send({ id: m.id, code, stdout: stdout.toString("base64"), stderr: stderr.toString("utf8"), failure: code === -1 ? String(error.message) : undefined });
  });
  child.stdin.on("error", () => {});
  child.stdin.end(m.input === null ? undefined : Buffer.from(m.input, "base64"));
});
process.on("disconnect", () => process.exit(0));
`;

interface RunnerReply {
  readonly id: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly failure: string | undefined;
}

let runner: { child: ReturnType<typeof spawn>; pending: Map<number, (reply: RunnerReply) => void>; next: number } | undefined;

function runnerProcess(): NonNullable<typeof runner> {
  if (runner) return runner;
  const child = spawn(process.execPath, ["--input-type=commonjs", "-e", RUNNER], {
    stdio: ["ignore", "ignore", "inherit", "ipc"],
    env: { ...process.env, ...GIT_ENV },
  });
  const state = { child, pending: new Map<number, (reply: RunnerReply) => void>(), next: 0 };
  child.on("message", (reply: RunnerReply) => {
    const resolve = state.pending.get(reply.id);
    state.pending.delete(reply.id);
    if (state.pending.size === 0) child.channel?.unref();
    resolve?.(reply);
  });
  child.on("exit", () => {
    if (runner === state) runner = undefined;
    for (const resolve of state.pending.values())
      resolve({ id: -1, code: -1, stdout: "", stderr: "", failure: "the git runner process exited" });
  });
  child.unref();
  child.channel?.unref();
  runner = state;
  return state;
}

function run(
  args: readonly string[],
  input: Buffer | string | undefined,
  env: Record<string, string>,
): Promise<RunResult & { stderr: string }> {
  const state = runnerProcess();
  const id = ++state.next;
  return new Promise((resolve, reject) => {
    state.pending.set(id, (reply) => {
      if (reply.failure !== undefined) reject(new Error(`git ${args.join(" ")}: ${reply.failure}`));
      else resolve({ stdout: Buffer.from(reply.stdout, "base64"), stderr: reply.stderr, code: reply.code });
    });
    state.child.channel?.ref();
    state.child.send({ id, args, env, input: input === undefined ? null : Buffer.from(input).toString("base64") });
  });
}
