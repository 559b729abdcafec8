import { describe, expect, it } from '@jest/globals';
import { isStartOverCommand } from './channel-commands.js';

describe('isStartOverCommand', () => {
  it('knows /new and /reset as a message of their own, also addressed to a bot', () => {
    for (const text of ['/new', '/reset', ' /NEW ', '/new@LoopBot', '/reset\n\n-- \nAnna']) {
      expect(isStartOverCommand(text)).toBe(true);
    }
  });

  it('knows the command in an email’s subject or first body line', () => {
    expect(isStartOverCommand('Subject: /new')).toBe(true);
    expect(isStartOverCommand('Subject: Re: /reset')).toBe(true);
    expect(isStartOverCommand('Subject: Re: invoices\n\n/new\n\nThanks')).toBe(true);
  });

  it('does not take ordinary messages for the command', () => {
    for (const text of ['/new idea: cats', 'what is /new?', '/newest', 'Subject: news\n\nthe /new plan', '']) {
      expect(isStartOverCommand(text)).toBe(false);
    }
  });
});
