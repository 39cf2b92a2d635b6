// The queue's user errors: a queue URL that is not one, or a Redis that refuses the login. They name the URL with the
// password masked; the CLI maps them to exit 2 (cli/errors.ts), the app's API to a bad-request error.
export class QueueUrlError extends Error {
  readonly code = 'queue_url';
  constructor(message: string) {
    super(message);
    this.name = 'QueueUrlError';
  }
}
