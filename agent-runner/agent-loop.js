// The agent loop's decisions: one piece for both of the gateway's modes. The gateway steps it in its
// own process (direct mode), and the runner steps it inside the agent container (container mode),
// where each step is a request to the gateway over the protocol (see runner.js). It has no
// dependencies and does no I/O: the steps it is given do the work, and store it.
//
// In container mode the gateway never takes the runner's word for a step: before it makes a request
// the runner sent, it asks `nextStep` the same question about the run as stored, and refuses a step
// the loop would not take (code in the container can write to the runner's stdout).

/**
 * What the loop does next, given where the run stands: ask the model (the last message is not an
 * answer of this run), run the tool calls of the answer, end the run (an answer without tool calls),
 * or stop it (another model call would go over the iteration limit).
 *
 * @param {import('./agent-loop.js').LoopTurn} turn
 * @returns {import('./agent-loop.js').LoopStep}
 */
export function nextStep(turn) {
  if (!turn.answer) return { kind: 'model' };
  const toolUseIds = turn.answer.filter((block) => block.type === 'tool_use').map((block) => block.id);
  if (toolUseIds.length === 0) return { kind: 'finish' };
  if (turn.iterations >= turn.maxIterations) return { kind: 'limit' };
  return { kind: 'tools', toolUseIds };
}

/**
 * Steps the loop until the run ends (or a step throws: the run pauses or fails). `steps.model`
 * resolves with null when the model's answer ended the run (its end is stored with the answer).
 *
 * @param {import('./agent-loop.js').LoopTurn} turn
 * @param {import('./agent-loop.js').LoopSteps} steps
 * @returns {Promise<void>}
 */
export async function agentLoop(turn, steps) {
  for (let current = turn; ;) {
    const step = nextStep(current);
    if (step.kind === 'finish') return steps.finish();
    if (step.kind === 'limit') return steps.limit();
    const next = step.kind === 'tools' ? await steps.tools(step.toolUseIds) : await steps.model();
    if (next === null) return;
    current = next;
  }
}
