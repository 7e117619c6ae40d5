/**
 * Errors by origin. Every error says what failed, where (image, repo, file, key) and what to do.
 * Messages never contain credentials: build them from typed context, not from raw requests.
 */

export interface ErrorContext {
  readonly image?: string;
  readonly registry?: string;
  readonly repo?: string;
  readonly file?: string;
  readonly app?: string;
  readonly key?: string;
  readonly value?: string;
}

export interface AppErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
  /** What the user can do about it. Appended to the message. */
  readonly hint?: string;
}

export class AppError extends Error {
  readonly context: ErrorContext;
  readonly hint: string | undefined;

  constructor(message: string, options: AppErrorOptions = {}) {
    super(options.hint ? `${message} (${options.hint})` : message, { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
    this.hint = options.hint;
  }
}

export type RegistryErrorKind = "auth" | "not-found" | "rate-limit" | "server" | "network" | "timeout" | "protocol" | "config";

export interface RegistryErrorOptions extends AppErrorOptions {
  readonly kind: RegistryErrorKind;
  readonly status?: number;
}

/** A registry could not answer. Never means "no newer tag". */
export class RegistryError extends AppError {
  readonly kind: RegistryErrorKind;
  readonly status: number | undefined;

  constructor(message: string, options: RegistryErrorOptions) {
    super(message, options);
    this.kind = options.kind;
    this.status = options.status;
  }
}

/**
 * A configuration value (annotation, repo config, registries.conf, a pull secret) is invalid, or a
 * repository file cannot be used as written. Reported for the target or file it concerns; the
 * pass goes on for the rest.
 */
export class ConfigError extends AppError {}

/**
 * Bad usage of the CLI: a flag, an argument, an environment variable, or a file a flag names
 * that cannot be read or used. Nothing was done; the CLI exits 2.
 */
export class UsageError extends AppError {}

/** `error` as a UsageError: the same message (its hint included) and context, the original as cause. */
export function asUsageError(error: unknown): UsageError {
  if (error instanceof UsageError) return error;
  return new UsageError(describeError(error), { cause: error, ...(error instanceof AppError ? { context: error.context } : {}) });
}

/** An edit could not be applied safely; the file is left untouched. */
export class EditConflictError extends AppError {}

/** The GitHub API refused or failed a call. */
export class GitHubError extends AppError {}

/** The app's state (pins, holds, refused tags) as stored cannot be read; nothing is changed. */
export class StateError extends AppError {}

/** A short, single-line description of any thrown value, safe for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
