/**
 * The commander program: each command lives in its own file under src/cli/ and registers itself.
 */
import { Command, CommanderError } from "commander";
import { AppError, ConfigError, describeError } from "../errors/index.js";
import { registerPlanCommand } from "./plan.js";
import { registerReconcileCommand } from "./reconcile.js";
import { registerTagsCommand } from "./tags.js";

export function buildProgram(): Command {
  const program = new Command("argocd-image-pr")
    .description("Keep Argo CD image tags current through pull requests")
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerTagsCommand(program);
  registerPlanCommand(program);
  registerReconcileCommand(program);
  return program;
}

/**
 * Run the CLI: exit 0 on success, 1 on a failure (plan: some targets failed, the rest planned),
 * 2 on bad usage or a configuration file that cannot be used (nothing was done).
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
    process.stderr.write(`error: ${error instanceof AppError ? error.message : describeError(error)}\n`);
    return error instanceof ConfigError ? 2 : 1;
  }
}
