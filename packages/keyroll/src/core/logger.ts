/**
 * The minimal structured logger Keyroll's layers use; a pino instance fits. Never pass it a
 * secret, a secret's hash or a whole row: ids, counts and codes only.
 */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}
