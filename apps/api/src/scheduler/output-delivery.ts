import { Injectable } from '@nestjs/common';
import { ChannelManager } from '../channels/channel-manager.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import type { DeliveryStatus } from './entities/job-run.entity.js';
import type { JobOutput } from './entities/scheduled-job.entity.js';

export interface JobResult {
  jobId: string;
  jobName: string;
  runId: string | null;
  status: 'success' | 'error';
  output: string | null;
  error: string | null;
  durationMs: number;
  firedAt: string;
}

export type DeliveryOutcome = { delivery: DeliveryStatus; deliveryError: string | null; deliveryId?: string };

/**
 * Sends a job's result where the job says: nowhere, a channel's allowed senders, or a webhook URL.
 * Webhook results go through the outbound delivery queue (signed, retried, logged on the Webhooks
 * page), so the firing records them as queued, with the delivery whose outcome it then follows.
 */
@Injectable()
export class OutputDelivery {
  constructor(
    private readonly channels: ChannelManager,
    private readonly outbox: WebhookOutbox,
  ) {}

  async deliver(output: JobOutput, result: JobResult): Promise<DeliveryOutcome> {
    switch (output.type) {
      case 'none':
        return { delivery: 'none', deliveryError: null };
      case 'channel': {
        const problem = await this.channels.announce(output.channelId, channelText(result));
        return { delivery: problem ? 'failed' : 'delivered', deliveryError: problem };
      }
      case 'webhook': {
        const queued = await this.outbox.send(
          output.url,
          'scheduler:job:complete',
          result,
          `Job "${result.jobName}" output`,
        );
        return 'error' in queued
          ? { delivery: 'failed', deliveryError: queued.error }
          : { delivery: 'queued', deliveryError: null, deliveryId: queued.deliveryId };
      }
    }
  }
}

/** A job's result as a chat message: the output, or what went wrong. */
function channelText(result: JobResult): string {
  if (result.status === 'success') return result.output?.trim() || `${result.jobName}: done, with nothing to say.`;
  return `${result.jobName} failed: ${result.error ?? 'unknown error'}`;
}
