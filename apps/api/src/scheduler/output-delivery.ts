import { Injectable } from '@nestjs/common';
import { ChannelManager } from '../channels/channel-manager.js';
import type { JobOutput } from './entities/scheduled-job.entity.js';

const WEBHOOK_TIMEOUT_MS = 10_000;

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

/** Sends a job's result where the job says: nowhere, a channel, or a webhook URL. */
@Injectable()
export class OutputDelivery {
  constructor(private readonly channels: ChannelManager) {}

  /** null when delivered (or nowhere to deliver), else why not. */
  async deliver(output: JobOutput, result: JobResult): Promise<string | null> {
    switch (output.type) {
      case 'none':
        return null;
      case 'channel':
        return this.channels.announce(output.channelId, channelText(result));
      case 'webhook':
        return this.post(output.url, result);
    }
  }

  /** POSTs the result as the outbound event body; no redirects are followed. */
  private async post(url: string, result: JobResult): Promise<string | null> {
    const body = {
      event: 'scheduler:job:complete',
      payload: result,
      timestamp: new Date().toISOString(),
      source: 'loop-gateway',
    };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      await response.body?.cancel();
      return response.ok ? null : `The webhook answered ${response.status}`;
    } catch (error) {
      return `The webhook could not be reached: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
}

/** A job's result as a chat message: the output, or what went wrong. */
function channelText(result: JobResult): string {
  if (result.status === 'success') return result.output?.trim() || `${result.jobName}: done, with nothing to say.`;
  return `${result.jobName} failed: ${result.error ?? 'unknown error'}`;
}
