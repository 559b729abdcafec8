import type { TaskDetailDto, TaskDto } from '@loop-gateway/api-client';
import type { GatewayEvent } from '@loop-gateway/contracts';

export type TaskStatus = TaskDto['status'];

type TaskEventName = 'task:start' | 'task:iteration' | 'task:complete' | 'task:error';

/** A live event about one loop task (a union the compiler can narrow by `event`). */
export type TaskEvent = { [E in TaskEventName]: GatewayEvent<E> }[TaskEventName];

export function isTaskEvent(event: GatewayEvent): event is TaskEvent {
  return event.event.startsWith('task:');
}

/** An event about the task `taskId`: one of its own, or the start of one of its iteration runs. */
export function concernsTask(event: GatewayEvent, taskId: string): boolean {
  if (isTaskEvent(event)) return event.payload.taskId === taskId;
  if (event.event !== 'agent:run:start') return false;
  const { origin } = event.payload;
  return origin.kind === 'task' && origin.ref === taskId;
}

/** The task works (or finishes the iteration under way before it stops). */
export function isWorking(status: TaskStatus): boolean {
  return status === 'running' || status === 'stopping';
}

/** POST …/stop is accepted only while the task runs. */
export function canStop(status: TaskStatus): boolean {
  return status === 'running';
}

/** POST …/start continues a task that was stopped, failed or ran out of budget. */
export function canStart(status: TaskStatus): boolean {
  return status === 'stopped' || status === 'failed' || status === 'budget_exhausted';
}

/** Why a completed task ended; empty while it has not completed. */
export function completionLabel(task: TaskDto): string {
  if (task.status !== 'completed') return '';
  return task.completion === 'marker' ? 'The agent said it is done' : 'Reached its iteration limit';
}

/** What the task is doing now, from its iteration log; empty once it stopped working. */
export function progressLabel(task: TaskDetailDto): string {
  if (!isWorking(task.status)) return '';
  const current = task.iterationLog.find((iteration) => iteration.status === 'running');
  const step = !current
    ? 'Starting the next iteration'
    : current.phase === 'plan'
      ? 'Writing the plan'
      : `Working on iteration ${current.number} of ${task.maxIterations}`;
  return task.status === 'stopping' ? `${step}; stops after it` : step;
}
