import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { makeZip } from '@loop-gateway/testing';
import { startGatewayProcessOn, useLocalClaude, useScratchDir } from './pipeline-harness.js';
import { waitUntil } from './wait.js';

const RELEASE_NOTES = `---
name: release-notes
description: Writes release notes from merged changes. Use when asked for release notes.
license: MIT
---
# Release notes

Group the changes into Added, Changed and Fixed; follow reference/template.md.
`;

interface Listed {
  name: string;
  description: string;
  error: string | null;
}

/** The system prompt of a model request, as text. */
function systemOf(body: { system?: string | { text: string }[] }): string {
  return typeof body.system === 'string' ? body.system : (body.system ?? []).map((block) => block.text).join('\n');
}

describe('Agent Skills through the built gateway and the local Claude', () => {
  const claude = useLocalClaude({ toolCommands: true });
  const scratch = useScratchDir('lg-agent-skills-');

  it('lists the description in the system prompt, loads the body and a file on demand, reports a malformed folder, reloads edits', async () => {
    const dataDir = scratch();
    // A malformed folder copied in before the start: listed with its error, offered to no run.
    const skillsDir = join(dataDir, 'agent-skills');
    mkdirSync(join(skillsDir, 'half-done'), { recursive: true });
    writeFileSync(join(skillsDir, 'half-done', 'SKILL.md'), '---\nname: half-done\n---\nNo description.\n');
    writeFileSync(join(dataDir, 'outside.txt'), 'secret outside the skill folder');

    const { gw, auth, submit, waitForRun } = await startGatewayProcessOn(claude(), dataDir, true);
    try {
      const archive = makeZip([
        { path: 'release-notes/SKILL.md', content: RELEASE_NOTES },
        { path: 'release-notes/reference/template.md', content: '## Added\n- {change}\n' },
      ]).toString('base64');
      await request(gw.url).post('/api/agent-skills').set(auth).send({ archive }).expect(201);
      symlinkSync(join(dataDir, 'outside.txt'), join(skillsDir, 'release-notes', 'escape.txt'));

      const listed = (await request(gw.url).get('/api/agent-skills').set(auth).expect(200)).body as Listed[];
      expect(listed).toEqual([
        expect.objectContaining({
          name: 'half-done',
          error: 'SKILL.md: description is required: what the skill does and when to use it',
        }),
        expect.objectContaining({ name: 'release-notes', error: null }),
      ]);

      // The model sees names and descriptions only, and the two tools to read more.
      const loaded = await waitForRun((await submit({ message: '/tool load_skill {"name":"release-notes"}' })).runId);
      const first = claude().requests[0]!.body;
      const system = systemOf(first);
      expect(system).toContain(
        '<agent_skills>\n' + 'Agent Skills are instructions the operators installed for particular tasks.',
      );
      expect(system).toContain(
        '- release-notes: Writes release notes from merged changes. Use when asked for release notes.\n</agent_skills>',
      );
      expect(system).not.toContain('Group the changes');
      expect(system).not.toContain('half-done');
      expect(first.tools!.map((tool) => tool.name)).toEqual(expect.arrayContaining(['load_skill', 'read_skill_file']));
      expect(loaded.status).toBe('completed');
      expect(loaded.toolCalls[0]).toMatchObject({ name: 'load_skill', isError: false });
      expect(loaded.toolCalls[0]!.output).toContain('Group the changes into Added, Changed and Fixed');
      expect(loaded.toolCalls[0]!.output).toContain('- reference/template.md (');
      expect(loaded.reply).toContain('Group the changes into Added');

      const file = await waitForRun(
        (await submit({ message: '/tool read_skill_file {"skill":"release-notes","path":"reference/template.md"}' }))
          .runId,
      );
      expect(file.toolCalls[0]).toMatchObject({ name: 'read_skill_file', isError: false });
      expect(file.toolCalls[0]!.output).toContain('<untrusted_data>');
      expect(file.toolCalls[0]!.output).toContain('## Added\n- {change}');

      // Confined to the folder: neither ".." nor a link leads out of it.
      for (const path of ['../../outside.txt', 'escape.txt', '../half-done/SKILL.md']) {
        const escaped = await waitForRun(
          (await submit({ message: `/tool read_skill_file {"skill":"release-notes","path":"${path}"}` })).runId,
        );
        expect(escaped.toolCalls[0]).toMatchObject({ name: 'read_skill_file', isError: true });
        expect(escaped.toolCalls[0]!.output).toContain(`has no file "${path}"`);
      }
      const malformed = await waitForRun((await submit({ message: '/tool load_skill {"name":"half-done"}' })).runId);
      expect(malformed.toolCalls[0]).toMatchObject({ isError: true });
      expect(malformed.toolCalls[0]!.output).toContain('There is no Agent Skill "half-done" for this run');

      // Hot reload: an edit, a fixed folder and a new one are picked up without a restart.
      writeFileSync(
        join(skillsDir, 'release-notes', 'SKILL.md'),
        RELEASE_NOTES.replace('Writes release notes', 'Drafts release notes'),
      );
      writeFileSync(
        join(skillsDir, 'half-done', 'SKILL.md'),
        '---\nname: half-done\ndescription: Now complete.\n---\nDone.\n',
      );
      mkdirSync(join(skillsDir, 'brand-new'));
      writeFileSync(
        join(skillsDir, 'brand-new', 'SKILL.md'),
        '---\nname: brand-new\ndescription: Added on disk.\n---\nNew.\n',
      );
      await waitUntil('the edits on disk picked up', async () => {
        const skills = (await request(gw.url).get('/api/agent-skills').set(auth).expect(200)).body as Listed[];
        return (
          skills.length === 3 &&
          skills.every((skill) => skill.error === null) &&
          skills.some((skill) => skill.description.startsWith('Drafts'))
        );
      });
      claude().reset();
      await waitForRun((await submit({ message: 'hello' })).runId);
      const reloaded = systemOf(claude().requests[0]!.body);
      expect(reloaded).toContain(
        '- brand-new: Added on disk.\n- half-done: Now complete.\n- release-notes: Drafts release notes',
      );

      // Removed on disk: gone from the list and the prompt. Disabled: still listed, not offered.
      rmSync(join(skillsDir, 'brand-new'), { recursive: true });
      await request(gw.url).post('/api/agent-skills/half-done/toggle').set(auth).send({ enabled: false }).expect(200);
      await waitUntil('the removal picked up', async () => {
        const skills = (await request(gw.url).get('/api/agent-skills').set(auth).expect(200)).body as Listed[];
        return skills.length === 2;
      });
      claude().reset();
      await waitForRun((await submit({ message: 'hello again' })).runId);
      const after = systemOf(claude().requests[0]!.body);
      expect(after).toContain('- release-notes: Drafts');
      expect(after).not.toContain('brand-new');
      expect(after).not.toContain('half-done');

      // A group's skills allowlist covers them: only the named one is offered, and only it loads.
      await request(gw.url).post('/api/agent-skills/half-done/toggle').set(auth).send({ enabled: true }).expect(200);
      const group = await request(gw.url)
        .post('/api/agent-groups')
        .set(auth)
        .send({ name: 'notes-only', skills: ['half-done'] })
        .expect(201);
      claude().reset();
      const limited = await waitForRun(
        (await submit({ message: '/tool load_skill {"name":"release-notes"}', groupId: group.body.id })).runId,
      );
      const limitedRequest = claude().requests[0]!.body;
      expect(systemOf(limitedRequest)).toContain('- half-done: Now complete.\n</agent_skills>');
      expect(systemOf(limitedRequest)).not.toContain('release-notes');
      expect(limitedRequest.tools!.map((tool) => tool.name).sort()).toEqual(['load_skill', 'read_skill_file']);
      expect(limited.toolCalls[0]).toMatchObject({ name: 'load_skill', isError: true });
      expect(limited.toolCalls[0]!.output).toContain('Available: half-done.');
    } finally {
      await gw.stop({ keepData: true });
    }
  });
});
