import { agentLoop, type LoopTurn, nextStep } from '@loop-gateway/agent-runner/agent-loop';

const text = { type: 'text' };
const use = (id: string) => ({ type: 'tool_use', id });
const turn = (answer: LoopTurn['answer'], iterations = 1, maxIterations = 5): LoopTurn => ({
  answer,
  iterations,
  maxIterations,
});

describe('the agent loop’s decisions (shared by the gateway and the container’s runner)', () => {
  it('asks the model when the last message is not an answer of the run', () => {
    expect(nextStep(turn(null, 0))).toEqual({ kind: 'model' });
  });

  it('runs the answer’s tool calls, in order, while the limit allows another model call', () => {
    expect(nextStep(turn([text, use('a'), use('b')], 4))).toEqual({ kind: 'tools', toolUseIds: ['a', 'b'] });
    expect(nextStep(turn([use('a')], 5))).toEqual({ kind: 'limit' });
  });

  it('ends the run on an answer without tool calls, even at the limit', () => {
    expect(nextStep(turn([text], 5))).toEqual({ kind: 'finish' });
  });

  it('steps model, tools, model until the answer ends the run', async () => {
    const taken: string[] = [];
    const answers = [turn([use('a')], 1), null];
    await agentLoop(turn(null, 0), {
      model: async () => {
        taken.push('model');
        return answers.shift() ?? null;
      },
      tools: async (ids) => {
        taken.push(`tools ${ids.join(',')}`);
        return turn(null, 1);
      },
      finish: async () => void taken.push('finish'),
      limit: async () => void taken.push('limit'),
    });
    expect(taken).toEqual(['model', 'tools a', 'model']);
  });

  it('continues a resumed run from its stored answer: the tools first, or its end', async () => {
    const taken: string[] = [];
    const steps = {
      model: async () => {
        taken.push('model');
        return null;
      },
      tools: async () => {
        taken.push('tools');
        return turn(null, 2);
      },
      finish: async () => void taken.push('finish'),
      limit: async () => void taken.push('limit'),
    };
    await agentLoop(turn([use('x')], 2), steps);
    await agentLoop(turn([text], 2), steps);
    await agentLoop(turn([use('y')], 5), steps);
    expect(taken).toEqual(['tools', 'model', 'finish', 'limit']);
  });
});
