import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { makeZip } from '@loop-gateway/testing';
import { setupAdmin, startTestApp, type TestApp } from './test-app.js';
import { waitUntil } from './wait.js';

/** The README's example Agent Skill. */
const README_SKILL_MD = `---
name: release-notes
description: Writes release notes from a list of merged changes. Use when asked for release notes or a changelog.
license: MIT
metadata:
  author: ops-team
---
# Release notes

1. Group the changes into Added, Changed and Fixed.
2. Follow the template in templates/notes.md.
`;

const skillMd = (front: string, body = 'Do the thing.') => `---\n${front}\n---\n${body}\n`;

interface AgentSkill {
  name: string;
  description: string;
  enabled: boolean;
  error: string | null;
  license: string | null;
  metadata: Record<string, string>;
  allowedTools: string[];
  files: { path: string; size: number }[];
  body?: string | null;
}

describe('Agent Skills API', () => {
  let gw: TestApp;
  let token: string;
  const auth = (req: request.Test) => req.set('Authorization', `Bearer ${token}`);
  const api = {
    get: (path: string) => auth(request(gw.url).get(path)),
    post: (path: string, body?: unknown) => auth(request(gw.url).post(path)).send(body as object),
    delete: (path: string) => auth(request(gw.url).delete(path)),
  };
  const folder = () => join(gw.dataDir, 'agent-skills');
  /** Everything under DATA_DIR/agent-skills, hidden upload folders included. */
  const onDisk = () => readdirSync(folder()).sort();
  const list = async () => (await api.get('/api/agent-skills').expect(200)).body as AgentSkill[];

  beforeAll(async () => {
    gw = await startTestApp();
    token = await setupAdmin(gw.url);
  });
  afterAll(() => gw.close());

  it('needs a session on every route', async () => {
    await request(gw.url).get('/api/agent-skills').expect(401);
    await request(gw.url).post('/api/agent-skills').send({}).expect(401);
    await request(gw.url).get('/api/agent-skills/x').expect(401);
    await request(gw.url).post('/api/agent-skills/x/toggle').send({}).expect(401);
    await request(gw.url).delete('/api/agent-skills/x').expect(401);
  });

  it('installs the README example from files, lists it, shows its body, toggles and deletes it', async () => {
    const created = await api
      .post('/api/agent-skills', {
        files: [
          { path: 'SKILL.md', content: README_SKILL_MD },
          { path: 'templates/notes.md', content: '## Added\n' },
          {
            path: 'logo.png',
            content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]).toString('base64'),
            encoding: 'base64',
          },
        ],
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'release-notes',
      description:
        'Writes release notes from a list of merged changes. Use when asked for release notes or a changelog.',
      enabled: true,
      error: null,
      license: 'MIT',
      metadata: { author: 'ops-team' },
      files: [
        { path: 'logo.png', size: 5 },
        { path: 'SKILL.md', size: Buffer.byteLength(README_SKILL_MD) },
        { path: 'templates/notes.md', size: 9 },
      ],
    });
    expect(created.body.body).toMatch(/^# Release notes\n\n1\. Group the changes/);
    expect(onDisk()).toEqual(['release-notes']);
    expect((await list()).map((skill) => skill.name)).toEqual(['release-notes']);
    expect((await list())[0]).not.toHaveProperty('body');

    const off = await api.post('/api/agent-skills/release-notes/toggle', { enabled: false }).expect(200);
    expect(off.body.enabled).toBe(false);
    const flipped = await api.post('/api/agent-skills/release-notes/toggle', {}).expect(200);
    expect(flipped.body.enabled).toBe(true);
    await api.post('/api/agent-skills/release-notes/toggle', { enabled: 'yes' }).expect(400);

    await api.delete('/api/agent-skills/release-notes').expect(204);
    expect(onDisk()).toEqual([]);
    await api.get('/api/agent-skills/release-notes').expect(404);
    await api.delete('/api/agent-skills/release-notes').expect(404);
    await api.post('/api/agent-skills/release-notes/toggle', {}).expect(404);
  });

  it('installs a zipped folder (its top folder dropped), disabled when asked', async () => {
    const archive = makeZip([
      { path: 'pdf-forms/SKILL.md', content: skillMd('name: pdf-forms\ndescription: Fills PDF forms.') },
      { path: 'pdf-forms/reference/fields.md', content: 'Field list', stored: true },
    ]).toString('base64');
    const created = await api.post('/api/agent-skills', { archive, enabled: false }).expect(201);
    expect(created.body).toMatchObject({
      name: 'pdf-forms',
      enabled: false,
      files: [{ path: 'reference/fields.md' }, { path: 'SKILL.md' }],
    });
    expect(readdirSync(join(folder(), 'pdf-forms', 'reference'))).toEqual(['fields.md']);
    await api.delete('/api/agent-skills/pdf-forms').expect(204);
  });

  const good = skillMd('name: ok-skill\ndescription: Fine.');
  it.each([
    ['neither archive nor files', {}, 'Send either archive'],
    ['both', { archive: '', files: [{ path: 'SKILL.md', content: good }] }, 'Send either archive'],
    ['archive that is not base64', { archive: 'not base64!' }, 'archive must be base64'],
    ['archive that is not a zip', { archive: Buffer.from('hello').toString('base64') }, 'archive: not a zip archive'],
    ['files that is not a list', { files: 'SKILL.md' }, 'files must be an array'],
    ['a file without content', { files: [{ path: 'SKILL.md' }] }, 'files[0].content must be a string'],
    [
      'an unknown file field',
      { files: [{ path: 'SKILL.md', content: good, mode: 7 }] },
      'files[0].mode is not a field',
    ],
    [
      'a path out of the folder',
      {
        files: [
          { path: 'SKILL.md', content: good },
          { path: '../evil.md', content: 'x' },
        ],
      },
      'files[1].path "../evil.md" must not have empty, "." or ".." parts',
    ],
    [
      'an absolute path',
      {
        files: [
          { path: 'SKILL.md', content: good },
          { path: '/etc/cron.d/x', content: 'x' },
        ],
      },
      'files[1].path "/etc/cron.d/x" must be relative',
    ],
    [
      'a backslash path',
      {
        files: [
          { path: 'SKILL.md', content: good },
          { path: '..\\evil', content: 'x' },
        ],
      },
      'files[1].path "..\\evil" has a character not allowed',
    ],
    [
      'a file given twice',
      {
        files: [
          { path: 'SKILL.md', content: good },
          { path: 'SKILL.md', content: good },
        ],
      },
      'files[1].path "SKILL.md" is given twice',
    ],
    ['no SKILL.md', { files: [{ path: 'notes.md', content: 'x' }] }, 'files must hold SKILL.md'],
    [
      'more than 100 files',
      { files: Array.from({ length: 101 }, (_, i) => ({ path: `f${i}.md`, content: 'x' })) },
      'files must contain no more than 100 elements',
    ],
    [
      'no front matter',
      { files: [{ path: 'SKILL.md', content: '# Just markdown' }] },
      'SKILL.md: SKILL.md must start with YAML front matter',
    ],
    [
      'a name with capitals',
      { files: [{ path: 'SKILL.md', content: skillMd('name: Bad_Name\ndescription: x') }] },
      'SKILL.md: name must be 1–64 lowercase letters',
    ],
    [
      'a name too long',
      { files: [{ path: 'SKILL.md', content: skillMd(`name: ${'a'.repeat(65)}\ndescription: x`) }] },
      'SKILL.md: name must be',
    ],
    [
      'no description',
      { files: [{ path: 'SKILL.md', content: skillMd('name: ok-skill') }] },
      'SKILL.md: description is required',
    ],
    [
      'a description over 1024 characters',
      { files: [{ path: 'SKILL.md', content: skillMd(`name: ok-skill\ndescription: ${'d'.repeat(1025)}`) }] },
      'SKILL.md: description must be at most 1024 characters',
    ],
    [
      'an unknown front matter field',
      { files: [{ path: 'SKILL.md', content: skillMd('name: ok-skill\ndescription: x\nversion: 2') }] },
      'SKILL.md: version is not a SKILL.md field',
    ],
    [
      'metadata that is not strings',
      { files: [{ path: 'SKILL.md', content: skillMd('name: ok-skill\ndescription: x\nmetadata:\n  n: [1]') }] },
      'SKILL.md: metadata must map names to strings',
    ],
    [
      'front matter that is not YAML',
      { files: [{ path: 'SKILL.md', content: skillMd('name: ok-skill\ndescription: [unclosed') }] },
      'SKILL.md: SKILL.md front matter is not valid YAML',
    ],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_what, body, message) => {
    const res = await api.post('/api/agent-skills', body).expect(400);
    expect(String(res.body.message)).toContain(message);
    expect(onDisk()).toEqual([]);
    expect(await list()).toEqual([]);
  });

  const zipped = (entries: Parameters<typeof makeZip>[0]) => ({
    archive: makeZip([{ path: 'SKILL.md', content: good }, ...entries]).toString('base64'),
  });
  it.each([
    ['a zip slip entry', zipped([{ path: '../../evil.sh', content: 'x' }]), '"../../evil.sh" must not have'],
    ['a nested zip slip', zipped([{ path: 'a/../../evil.sh', content: 'x' }]), 'must not have empty, "." or ".."'],
    ['an absolute entry', zipped([{ path: '/tmp/evil.sh', content: 'x' }]), '"/tmp/evil.sh" must be relative'],
    ['a symbolic link', zipped([{ path: 'link', content: '/etc/passwd', mode: 0o120777 }]), 'link is a symbolic link'],
    [
      'a file over 1 MiB',
      zipped([{ path: 'big.txt', content: Buffer.alloc(1024 * 1024 + 1, 'a') }]),
      'big.txt is 1048577 bytes; a file may have at most 1048576',
    ],
    [
      'more than 4 MiB unpacked',
      zipped(Array.from({ length: 5 }, (_, i) => ({ path: `part${i}.txt`, content: Buffer.alloc(1000 * 1024, 'a') }))),
      'the files come to more than 4194304 bytes unpacked',
    ],
    [
      'a bomb claiming a small size',
      zipped([{ path: 'bomb.txt', content: Buffer.alloc(512 * 1024, 'a'), claimedSize: 1000 }]),
      'bomb.txt: the compressed data is damaged or larger than declared',
    ],
    [
      'more than 100 files',
      zipped(Array.from({ length: 100 }, (_, i) => ({ path: `f${i}.md`, content: 'x' }))),
      'the zip holds more than 100 files',
    ],
  ])('refuses an archive with %s (400 on archive), storing nothing', async (_what, body, message) => {
    const res = await api.post('/api/agent-skills', body).expect(400);
    expect(String(res.body.message)).toMatch(/^archive/);
    expect(String(res.body.message)).toContain(message);
    expect(onDisk()).toEqual([]);
  });

  it('answers 409 for a name in use (an Agent Skill, a tool, a custom skill) and keeps the first', async () => {
    const first = skillMd('name: weekly-report\ndescription: First.');
    await api.post('/api/agent-skills', { files: [{ path: 'SKILL.md', content: first }] }).expect(201);
    const again = await api
      .post('/api/agent-skills', {
        files: [{ path: 'SKILL.md', content: skillMd('name: weekly-report\ndescription: Second.') }],
      })
      .expect(409);
    expect(again.body.message).toContain('"weekly-report" is already installed');
    expect((await api.get('/api/agent-skills/weekly-report').expect(200)).body.description).toBe('First.');

    // `query` is a built-in tool (an agent tool) and a valid Agent Skill name.
    const tool = await api
      .post('/api/agent-skills', { files: [{ path: 'SKILL.md', content: skillMd('name: query\ndescription: x') }] })
      .expect(409);
    expect(tool.body.message).toContain('"query" is the name of a tool');

    // A custom skill may not take an Agent Skill's name either.
    const custom = await api
      .post('/api/skills', {
        manifest: { name: 'weekly-report', description: 'x', version: '1.0.0', inputSchema: { type: 'object' } },
        handler: 'module.exports = async () => 1;',
      })
      .expect(409);
    expect(custom.body.message).toContain('the Agent Skill "weekly-report"');
    expect(onDisk()).toEqual(['weekly-report']);
    await api.delete('/api/agent-skills/weekly-report').expect(204);
  });

  it('reads folders from disk: a malformed one listed with its error, edits and removals picked up', async () => {
    mkdirSync(join(folder(), 'broken-one'));
    writeFileSync(join(folder(), 'broken-one', 'SKILL.md'), skillMd('name: other-name\ndescription: x'));
    mkdirSync(join(folder(), 'no-skill-md'));
    writeFileSync(join(folder(), 'no-skill-md', 'notes.md'), 'x');
    const listed = await waitUntil('both folders listed', async () => {
      const skills = await list();
      return skills.length === 2 && skills;
    });
    expect(listed).toEqual([
      expect.objectContaining({
        name: 'broken-one',
        description: '',
        error: 'SKILL.md: name "other-name" must equal the folder\'s name "broken-one"',
      }),
      expect.objectContaining({ name: 'no-skill-md', error: 'SKILL.md is missing' }),
    ]);
    // A malformed skill cannot be named by a group.
    await api.post('/api/agent-groups', { name: 'g-broken', skills: ['broken-one'] }).expect(400);

    writeFileSync(join(folder(), 'broken-one', 'SKILL.md'), skillMd('name: broken-one\ndescription: Fixed now.'));
    await waitUntil('the fix picked up', async () => (await list()).find((s) => s.name === 'broken-one' && !s.error));
    const group = await api.post('/api/agent-groups', { name: 'g-fixed', skills: ['broken-one'] }).expect(201);
    expect(group.body.skills).toEqual(['broken-one']);
    await api.delete(`/api/agent-groups/${group.body.id}`).expect(204);

    await api.delete('/api/agent-skills/no-skill-md').expect(204);
    await api.delete('/api/agent-skills/broken-one').expect(204);
    expect(onDisk()).toEqual([]);
  });

  it('lists load_skill and read_skill_file among the built-in skills', async () => {
    const skills = (await api.get('/api/skills').expect(200)).body as { name: string; source: string }[];
    expect(skills.filter((skill) => skill.name.endsWith('skill') || skill.name === 'read_skill_file')).toEqual([
      expect.objectContaining({ name: 'load_skill', source: 'builtin' }),
      expect.objectContaining({ name: 'read_skill_file', source: 'builtin' }),
    ]);
  });
});
