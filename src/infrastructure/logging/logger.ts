// Structured JSON logs (pino). Connection strings and keys are never logged.
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name: string): Logger {
  return pino({ level, name, base: { service: name }, redact: ['apiKey', 'authorization', 'connectionString', '*.apiKey', 'req.headers.authorization'] });
}

/** The projector's logger interface, backed by pino. */
export function fieldLogger(logger: Logger) {
  return {
    info: (message: string, fields: Record<string, unknown> = {}) => logger.info(fields, message),
    warn: (message: string, fields: Record<string, unknown> = {}) => logger.warn(fields, message),
    error: (message: string, fields: Record<string, unknown> = {}) => logger.error(fields, message),
  };
}
