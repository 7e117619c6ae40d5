/**
 * log/: the one logger shape, pino's (Probot hands every handler a pino child logger). Passed
 * down as a child bound to its context ({ installation, repo, app, image }); static messages,
 * metadata objects. Never log a token, password, private key or Authorization header.
 */
export interface Logger {
  debug(metadata: object, message: string): void;
  info(metadata: object, message: string): void;
  warn(metadata: object, message: string): void;
  error(metadata: object, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything: the default where a caller passes none. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
