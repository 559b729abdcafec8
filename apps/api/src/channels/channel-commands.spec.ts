import { describe, expect, it } from '@jest/globals';
import { isStartOverCommand, parseChatCommand } from './channel-commands.js';

describe('isStartOverCommand', () => {
  it('knows /new and /reset as a message of their own, also addressed to a bot', () => {
    for (const text of ['/new', '/reset', ' /NEW ', '/new@LoopBot', '/reset\n\n-- \nAnna', '!new']) {
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

describe('parseChatCommand', () => {
  it('reads /status, /help, /approve and /reject with their arguments, with / or !', () => {
    expect(parseChatCommand('/status')).toEqual({ name: 'status', args: '' });
    expect(parseChatCommand('!help')).toEqual({ name: 'help', args: '' });
    expect(parseChatCommand('/status@LoopBot')).toEqual({ name: 'status', args: '' });
    expect(parseChatCommand('/approve 1a2b3c4d')).toEqual({ name: 'approve', args: '1a2b3c4d' });
    expect(parseChatCommand('!reject 1a2b3c4d  too risky today')).toEqual({
      name: 'reject',
      args: '1a2b3c4d  too risky today',
    });
    expect(parseChatCommand('Subject: Re: Approval needed\n\n/approve 1a2b3c4d\n\n> quoted')).toEqual({
      name: 'approve',
      args: '1a2b3c4d',
    });
  });

  it('leaves messages for the agent alone', () => {
    for (const text of ['/status of the deploy?', 'status', 'please /approve it', '/approver', '/helpme', '?help']) {
      expect(parseChatCommand(text)).toBeNull();
    }
  });
});
