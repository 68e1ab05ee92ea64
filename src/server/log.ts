/** Structured one-line JSON logs. Callers pass only operational fields: never personal data, tokens or content. */

/** Fields of a log line. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A logger. */
export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** A logger writing JSON lines to stdout / stderr. */
export function createLogger(write: (line: string, level: 'info' | 'warn' | 'error') => void = defaultWrite): Logger {
  const at = (level: 'info' | 'warn' | 'error') => (event: string, fields: LogFields = {}) =>
    write(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }), level);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

function defaultWrite(line: string, level: 'info' | 'warn' | 'error'): void {
  (level === 'info' ? process.stdout : process.stderr).write(line + '\n');
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
