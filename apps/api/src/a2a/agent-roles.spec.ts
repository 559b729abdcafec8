import { agentStatus } from './agent-records.repository.js';
import { parseRole } from './agent-roles.js';

describe('parseRole', () => {
  it('reads the front matter and the prompt', () => {
    expect(
      parseRole(
        '---\ndescription: Finds facts.\nmodel: claude-haiku-4-5\nskills: web_browse, http_request\n---\n\nYou research.\n',
      ),
    ).toEqual({
      description: 'Finds facts.',
      model: 'claude-haiku-4-5',
      skills: ['web_browse', 'http_request'],
      systemPrompt: 'You research.',
    });
  });

  it('tells no skills line (all of the group’s) from an empty one (none), and takes a file without front matter whole', () => {
    expect(parseRole('---\nskills:\n---\nYou review.').skills).toEqual([]);
    expect(parseRole('You write.')).toEqual({ description: '', model: null, skills: null, systemPrompt: 'You write.' });
  });
});

describe('agentStatus', () => {
  it('follows the agent’s current run, and the asking run for an agent that answered', () => {
    expect(agentStatus('queued', 'waiting')).toBe('working');
    expect(agentStatus('running', 'waiting')).toBe('working');
    expect(agentStatus('waiting', 'waiting')).toBe('waiting');
    expect(agentStatus('completed', 'waiting')).toBe('idle');
    expect(agentStatus('completed', 'completed')).toBe('done');
    expect(agentStatus('completed', undefined)).toBe('done');
    expect(agentStatus('cancelled', 'cancelled')).toBe('failed');
    expect(agentStatus('refused', 'running')).toBe('failed');
    expect(agentStatus(undefined, undefined)).toBe('idle');
  });
});
