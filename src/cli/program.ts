/**
 * The commander program: each command lives in its own file under src/cli/ and registers itself.
 */
import { Command, CommanderError } from "commander";
import { AppError, UsageError, describeError } from "../errors/index.js";
import { escapeControlCharacters } from "../text/index.js";
import { registerPlanCommand } from "./plan.js";
import { registerReconcileCommand } from "./reconcile.js";
import { registerRunCommand } from "./run.js";
import { registerTagsCommand } from "./tags.js";

/** Lines for stderr: control characters escaped (line breaks kept), runs over 200 characters cut. */
function forTerminal(text: string): string {
  return text
    .split("\n")
    .map((line) => escapeControlCharacters(line).replace(/[^\s'"]{201,}/g, (run) => `${run.slice(0, 80)}… (${run.length} characters)`))
    .join("\n");
}

export function buildProgram(): Command {
  const program = new Command("argocd-image-pr")
    .description("Keep Argo CD image tags current through pull requests")
    .exitOverride()
    .showHelpAfterError()
    // Commander echoes argument values: escape them, and shorten a 100,000-character one.
    .configureOutput({ writeErr: (s) => process.stderr.write(forTerminal(s)) });
  registerTagsCommand(program);
  registerPlanCommand(program);
  registerReconcileCommand(program);
  registerRunCommand(program);
  return program;
}

/**
 * Run the CLI: exit 0 on success, 1 on a failure (plan: some targets failed, the rest planned),
 * 2 on bad usage (a UsageError: a flag, an argument, LOG_LEVEL, or a file a flag names that cannot
 * be read or used; nothing was done).
 */
export async function runCli(argv: readonly string[], program: Command = buildProgram()): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: "user" });
    // A command that ran but found failures (plan: some targets failed) sets process.exitCode.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return 0;
      return 2;
    }
    process.stderr.write(`${forTerminal(`error: ${error instanceof AppError ? error.message : describeError(error)}`)}\n`);
    // Only bad usage exits 2 (nothing was done); a ConfigError that escapes a command is a failure.
    return error instanceof UsageError ? 2 : 1;
  }
}
