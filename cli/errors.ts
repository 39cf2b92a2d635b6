// Errors a user causes (bad flags, bad files) exit with code 2 and one clear line; nothing else is printed.
export class UsageError extends Error {
  readonly code: string;
  constructor(message: string, code = 'usage') {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
