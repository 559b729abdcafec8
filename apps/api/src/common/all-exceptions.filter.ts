import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { redactWebhookUrl } from '../webhooks/redact-webhook-url.js';
import { ServiceBusyException } from './service-busy.exception.js';
import { TooManyRequestsException } from './too-many-requests.exception.js';

/**
 * HTTP errors keep their status and message. Anything unexpected becomes one stable 500 body with the
 * request id, and the details go to the log only — never a stack trace to the client.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { id?: string }>();
    if (exception instanceof HttpException) {
      if (exception instanceof TooManyRequestsException || exception instanceof ServiceBusyException)
        res.setHeader('Retry-After', String(exception.retryAfterSeconds));
      const body = exception.getResponse();
      res
        .status(exception.getStatus())
        .json(typeof body === 'string' ? { statusCode: exception.getStatus(), message: body } : body);
      return;
    }
    if (isBodyParserError(exception)) {
      res
        .status(exception.status)
        .json({ statusCode: exception.status, error: 'Bad Request', message: exception.message });
      return;
    }
    this.logger.error({ err: exception, requestId: req.id, path: redactWebhookUrl(req.path) }, 'Unhandled error');
    if (res.headersSent) return;
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'An unexpected error occurred',
      requestId: req.id,
    });
  }
}

/** Malformed JSON and oversized bodies from the body parser are the client's fault (4xx). */
function isBodyParserError(error: unknown): error is { status: number; message: string } {
  const candidate = error as { status?: unknown; type?: unknown };
  return (
    typeof candidate?.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    typeof candidate.type === 'string'
  );
}
