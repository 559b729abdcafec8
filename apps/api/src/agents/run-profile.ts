import { Injectable } from '@nestjs/common';
import type { Run } from './entities/run.entity.js';

/**
 * What a run works with besides its group's settings. A sub-agent's role (the a2a module) gives its own
 * prompt and model, and narrows the group's tools to the role's skills; the group's budget still applies.
 */
export interface RunProfile {
  systemPrompt?: string;
  model?: string;
  /** Only these of the group's tools are offered (an empty list: none). */
  skills?: string[];
}

export interface RunProfileSource {
  /** The profile of a run this source knows (a sub-agent's run), else null. */
  profileFor(run: Run): Promise<RunProfile | null>;
}

/** The sources of run profiles, registered by the modules that own them. */
@Injectable()
export class RunProfiles {
  private readonly sources: RunProfileSource[] = [];

  register(source: RunProfileSource): void {
    this.sources.push(source);
  }

  async for(run: Run): Promise<RunProfile> {
    for (const source of this.sources) {
      const profile = await source.profileFor(run);
      if (profile) return profile;
    }
    return {};
  }
}
