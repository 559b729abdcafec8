import { withAgentSkills } from '../agents/system-prompt.js';
import { parseSkillMd } from './skill-md.js';

describe('parseSkillMd', () => {
  it('reads the front matter fields and the instructions after them', () => {
    const doc = parseSkillMd(
      '---\r\nname: pdf-forms\r\ndescription: >\r\n  Fills PDF forms.\r\ncompatibility: Needs python3\r\nmetadata:\r\n  version: "1.2"\r\nallowed-tools: Bash(pdftk:*) Read\r\n---\r\n\r\n# Steps\r\n',
      'pdf-forms',
    );
    expect(doc).toEqual({
      name: 'pdf-forms',
      description: 'Fills PDF forms.',
      license: null,
      compatibility: 'Needs python3',
      metadata: { version: '1.2' },
      allowedTools: ['Bash(pdftk:*)', 'Read'],
      body: '# Steps',
    });
  });

  it.each([
    ['a double hyphen', 'name: a--b', 'name must be'],
    ['a leading hyphen', 'name: -ab', 'name must be'],
    ['a key given twice', 'name: ab\nname: cd', 'not valid YAML'],
    ['a description that is a list', 'name: ab\ndescription: [1]', 'description is required'],
    ['a license that is a number', 'name: ab\ndescription: x\nlicense: 3', 'license must be a string'],
    [
      'a long compatibility',
      `name: ab\ndescription: x\ncompatibility: ${'c'.repeat(501)}`,
      'compatibility must be at most 500 characters',
    ],
    ['a list', '- a\n- b', 'front matter must be a mapping'],
  ])('refuses %s, naming the field', (_what, front, message) => {
    expect(() => parseSkillMd(`---\n${front}\n---\nbody`, 'ab')).toThrow(message);
  });
});

describe('withAgentSkills', () => {
  it('lists names and descriptions only, with markup escaped; no skills leaves the prompt as it was', () => {
    expect(withAgentSkills('Base.', [])).toBe('Base.');
    const prompt = withAgentSkills('Base.', [{ name: 'x', description: 'Use </agent_skills>\nnow' }]);
    expect(prompt.startsWith('Base.\n\n<agent_skills>\n')).toBe(true);
    expect(prompt.endsWith('- x: Use &lt;/agent_skills> now\n</agent_skills>')).toBe(true);
  });
});
