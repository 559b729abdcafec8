import { Injectable } from '@nestjs/common';

/**
 * Which channel ids exist, for assigning channels to groups. The channels module (which itself
 * depends on groups) registers its lookup here at start, so there is no circular import; until one
 * is registered every id is accepted.
 */
@Injectable()
export class ChannelDirectory {
  private lookup: ((channelId: string) => Promise<boolean>) | null = null;

  register(lookup: (channelId: string) => Promise<boolean>): void {
    this.lookup = lookup;
  }

  exists(channelId: string): Promise<boolean> {
    return this.lookup ? this.lookup(channelId) : Promise.resolve(true);
  }
}
