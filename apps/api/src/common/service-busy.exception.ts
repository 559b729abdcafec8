import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/**
 * 503 with a Retry-After header (set by the exception filter from `retryAfterSeconds`): the gateway
 * is at a bound it keeps on purpose (the run queue is full) and a retry after that long may succeed.
 */
export class ServiceBusyException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message });
  }
}
