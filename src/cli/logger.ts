/**
 * The CLI's logger: pino to stderr, at `LOG_LEVEL` (default `warn`); silent under `--format json`
 * unless LOG_LEVEL is set, so a script reading stdout and stderr gets only the JSON and errors.
 * The app passes Probot's pino logger instead. pino is loaded only when something will be logged.
 */
import { UsageError } from "../errors/index.js";
import { silentLogger, type Logger } from "../log/index.js";

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** `env` is any variables map (Probot's typings narrow NodeJS.ProcessEnv's LOG_LEVEL to valid levels; this is where it is checked). */
export async function createCliLogger(options: {
  readonly json: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<Logger> {
  const env: Readonly<Record<string, string | undefined>> = options.env ?? process.env;
  const raw = env["LOG_LEVEL"]?.trim().toLowerCase() ?? "";
  if (raw !== "" && !(LEVELS as readonly string[]).includes(raw)) {
    throw new UsageError(`LOG_LEVEL "${raw.slice(0, 40)}" is not a log level`, { hint: `use one of ${LEVELS.join(", ")}` });
  }
  const level = raw === "" ? (options.json ? "silent" : "warn") : raw;
  if (level === "silent") return silentLogger;
  const { pino } = await import("pino");
  const logger: Logger = pino({ level, base: null }, pino.destination({ fd: 2, sync: true }));
  return logger;
}
