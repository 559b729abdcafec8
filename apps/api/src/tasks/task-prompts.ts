import type { Task } from './entities/task.entity.js';

export const COMPLETION_MARKER = '<promise>COMPLETE</promise>';
/** How much of the output so far an iteration reads (the end of it, where the work continues). */
const OUTPUT_TAIL_CHARS = 20_000;

/** The message for the plan iteration: a numbered plan the build iterations work through. */
export function planMessage(task: Task): string {
  return [
    `You are planning the task "${task.name}". Later iterations will carry the plan out, one step at a time, each`,
    'seeing only the task, this plan and the output so far. Reply with a short numbered plan and nothing else.',
    '',
    '## Planning instructions',
    task.planPrompt ?? '',
    '',
    '## Task',
    task.prompt,
  ].join('\n');
}

/** The message for build iteration `number`: the task, the plan, the output so far and how to finish. */
export function buildMessage(task: Task, number: number): string {
  const output = task.output.trim();
  const tail = output.length > OUTPUT_TAIL_CHARS ? `…${output.slice(-OUTPUT_TAIL_CHARS)}` : output;
  return [
    `You are working on the task "${task.name}" in iterations. This is iteration ${number} of at most ${task.maxIterations}.`,
    '',
    '## Task',
    task.prompt,
    ...(task.plan ? ['', '## Plan', task.plan] : []),
    '',
    '## Output so far',
    tail || '(nothing yet)',
    '',
    '## This iteration',
    'Do the next part of the work and reply with only what it adds to the output (it is appended as it is).',
    `When the whole task is done, end your reply with ${COMPLETION_MARKER} on a line of its own; do not write`,
    'it before then.',
  ].join('\n');
}

/** An iteration's reply without the completion marker, and whether it had one. */
export function readReply(reply: string | null): { text: string; complete: boolean } {
  const text = reply ?? '';
  return { text: text.replace(COMPLETION_MARKER, '').trim(), complete: text.includes(COMPLETION_MARKER) };
}

export function summarize(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
