import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import type { TaskDetailDto } from '@loop-gateway/api-client';
import type { RunOrigin } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { taskDetail, taskIteration } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { TaskDetailPage } from './task-detail.page';

const ID = taskDetail().id;

describe('TaskDetailPage', () => {
  let gateway: FakeGateway;
  /** What the fake gateway has stored for the task. */
  let stored: TaskDetailDto;
  let output: string;
  let ws: FakeWebSocket;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    stored = taskDetail({ planned: true }, [
      taskIteration({ number: 0, phase: 'plan', summary: 'Planned three steps.' }),
      taskIteration({ number: 1, runId: 'b0b0b0b0-0000-4000-8000-000000000002', summary: 'Listed the competitors.' }),
      taskIteration({
        number: 2,
        runId: 'b0b0b0b0-0000-4000-8000-000000000003',
        status: 'running',
        summary: null,
        finishedAt: null,
      }),
    ]);
    output = 'Part one.';
    gateway.http
      .on(`GET /api/tasks/${ID}`, () => ({ status: 200, body: stored }))
      .on(`GET /api/tasks/${ID}/prompt`, () => ({
        status: 200,
        body: { taskId: ID, prompt: 'Write a report.', planPrompt: 'Plan it.', plan: '1. List\n2. Compare' },
      }))
      .on(`GET /api/tasks/${ID}/output`, () => ({
        status: 200,
        body: { taskId: ID, status: stored.status, iterations: stored.iterations, output },
      }));
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(TaskDetailPage);
    fixture.componentRef.setInput('id', ID);
    const root = fixture.nativeElement as HTMLElement;
    const text = (testId: string, el: Element = root) =>
      el.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const button = (testId: string) => root.querySelector<HTMLButtonElement>(`[data-testid=${testId}]`)!;
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await until(() => expect(text('task-output')).toBe('Part one.'));
    return { root, text, button, until };
  }

  it('shows the iteration log with links to the runs, the prompt, the plan and the output', async () => {
    const { root, text } = await render();

    expect(text('task-title')).toBe('Competitor report');
    expect(text('run-status')).toBe('Running');
    expect(text('task-progress')).toBe('Working on iteration 2 of 5');
    const rows = [...root.querySelectorAll('[data-testid=task-iteration]')].map((row) =>
      [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['0', 'Plan', 'Done', 'Planned three steps.', 'b0b0b0b0'],
      ['1', 'Build', 'Done', 'Listed the competitors.', 'b0b0b0b0'],
      ['2', 'Build', 'Running', '', 'b0b0b0b0'],
    ]);
    expect(root.querySelectorAll('[data-testid=task-iteration-run]')[2]?.getAttribute('href')).toBe(
      '/runs/b0b0b0b0-0000-4000-8000-000000000003',
    );
    expect(root.querySelector('[data-testid=task-prompt]')?.textContent).toBe('Write a report.');
    expect(root.querySelector('[data-testid=task-plan-prompt]')?.textContent).toBe('Plan it.');
    expect(root.querySelector('[data-testid=task-plan]')?.textContent).toBe('1. List\n2. Compare');
  });

  it('follows the task live: an iteration adds to the output, completion ends the progress', async () => {
    const { root, text, until } = await render();

    stored = {
      ...stored,
      status: 'completed',
      iterations: 2,
      finishedAt: '2026-01-01T12:05:00.000Z',
      iterationLog: stored.iterationLog.map((i) => (i.number === 2 ? { ...i, status: 'done', summary: 'Done.' } : i)),
    };
    output = 'Part one.\nPart two.';
    ws.receive({
      type: 'event',
      event: 'task:iteration',
      payload: { taskId: ID, iteration: 2, summary: 'Done.' },
      timestamp: new Date().toISOString(),
    });
    await until(() =>
      expect(root.querySelector('[data-testid=task-output]')?.textContent).toBe('Part one.\nPart two.'),
    );
    expect(text('run-status')).toBe('Completed');
    expect(text('task-completion')).toBe('The agent said it is done');
    expect(root.querySelector('[data-testid=task-progress]')).toBeNull();

    // Events about other tasks are not this page's business.
    const before = gateway.http.requests.length;
    ws.receive({
      type: 'event',
      event: 'task:error',
      payload: { taskId: '00000000-0000-4000-8000-000000000000', error: 'boom' },
      timestamp: new Date().toISOString(),
    });
    expect(gateway.http.requests.length).toBe(before);
  });

  it('shows an iteration as soon as its run starts, and ignores runs of anything else', async () => {
    const { text, until } = await render();
    const runStart = (origin: RunOrigin) =>
      ws.receive({
        type: 'event',
        event: 'agent:run:start',
        payload: { runId: 'b0b0b0b0-0000-4000-8000-000000000004', conversationId: 'c1', groupId: null, origin },
        timestamp: new Date().toISOString(),
      });

    const before = gateway.http.requests.length;
    runStart({ kind: 'api' });
    runStart({ kind: 'task', ref: '00000000-0000-4000-8000-000000000000' });
    expect(gateway.http.requests.length).toBe(before);

    stored = {
      ...stored,
      iterations: 2,
      iterationLog: [
        ...stored.iterationLog.map((i) => (i.number === 2 ? { ...i, status: 'done' as const, summary: 'Done.' } : i)),
        taskIteration({
          number: 3,
          runId: 'b0b0b0b0-0000-4000-8000-000000000004',
          status: 'running',
          summary: null,
          finishedAt: null,
        }),
      ],
    };
    runStart({ kind: 'task', ref: ID });
    await until(() => expect(text('task-progress')).toBe('Working on iteration 3 of 5'));
  });

  it('stops a running task; Start is offered once it stopped, and a 409 is shown', async () => {
    gateway.http.on(`POST /api/tasks/${ID}/stop`, () => {
      stored = { ...stored, status: 'stopping' };
      return { status: 200, body: stored };
    });
    gateway.http.on(`POST /api/tasks/${ID}/start`, {
      status: 409,
      body: { statusCode: 409, message: `Task ${ID} is running` },
    });
    const { text, button, until } = await render();
    expect(button('task-stop').disabled).toBe(false);
    expect(button('task-start').disabled).toBe(true);

    button('task-stop').click();
    await until(() => expect(text('run-status')).toBe('Stopping'));
    expect(gateway.http.last(`POST /api/tasks/${ID}/stop`)).toBeDefined();
    expect(text('task-progress')).toBe('Working on iteration 2 of 5; stops after it');
    expect(button('task-stop').disabled).toBe(true);

    stored = { ...stored, status: 'stopped' };
    ws.receive({
      type: 'event',
      event: 'task:error',
      payload: { taskId: ID, error: 'Stopped' },
      timestamp: new Date().toISOString(),
    });
    await until(() => expect(text('run-status')).toBe('Stopped'));
    expect(button('task-start').disabled).toBe(false);

    button('task-start').click();
    await until(() => expect(text('task-action-error')).toBe(`Task ${ID} is running`));
    expect(gateway.http.last(`POST /api/tasks/${ID}/start`)).toBeDefined();
  });

  it('deletes the task after a confirmation and goes back to the list', async () => {
    gateway.http.on(`DELETE /api/tasks/${ID}`, { status: 204 });
    const { button, until } = await render();

    button('task-delete').click();
    TestBed.tick();
    document.querySelector<HTMLButtonElement>('[data-testid=confirm]')!.click();
    await until(() => expect(TestBed.inject(Router).url).toBe('/tasks'));
    expect(gateway.http.last(`DELETE /api/tasks/${ID}`)).toBeDefined();
  });
});
