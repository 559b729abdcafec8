import { TestBed } from '@angular/core/testing';
import type { TaskDto } from '@loop-gateway/api-client';
import type { WsServerMessage } from '@loop-gateway/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeGateway, FakeWebSocket, fakeGateway, loginResponse } from '../../testing/fake-gateway';
import { agentGroup, task, taskDetail } from '../../testing/fixtures';
import { GatewaySocket } from '../core/realtime/gateway-socket';
import { SESSION_STORAGE_KEY } from '../core/session/session.store';
import { TasksPage } from './tasks.page';

const ID = task().id;
const DONE = '8b8b8b8b-1111-4222-8333-444455556666';
const GROUP = '0f0f0f0f-1111-4222-8333-444455556666';

describe('TasksPage', () => {
  let gateway: FakeGateway;
  /** The tasks the fake gateway has stored. */
  let stored: TaskDto[];
  let ws: FakeWebSocket;

  beforeEach(() => {
    gateway = fakeGateway();
    gateway.storage.setItem(SESSION_STORAGE_KEY, JSON.stringify(loginResponse()));
    TestBed.configureTestingModule({ providers: gateway.providers });
    stored = [
      task(),
      task({
        id: DONE,
        name: 'Release notes',
        status: 'completed',
        iterations: 3,
        maxIterations: 10,
        completion: 'marker',
        createdAt: '2025-12-31T12:00:00.000Z',
        finishedAt: '2025-12-31T12:05:00.000Z',
      }),
    ];
    gateway.http
      .on('GET /api/tasks', () => ({ status: 200, body: stored }))
      .on('GET /api/agent-groups', { status: 200, body: [agentGroup({ id: GROUP, name: 'Research' })] });
    for (const id of [ID, DONE]) {
      gateway.http.on(`GET /api/tasks/${id}`, () => ({
        status: 200,
        body: taskDetail(stored.find((t) => t.id === id)),
      }));
    }
  });

  async function render() {
    TestBed.inject(GatewaySocket).connect('token-1');
    ws = FakeWebSocket.latest();
    ws.open();
    ws.receive({ type: 'ready', userId: 'u1' });
    const fixture = TestBed.createComponent(TasksPage);
    const root = fixture.nativeElement as HTMLElement;
    const row = (id: string) => root.querySelector(`[data-testid=task-row][data-task-id="${id}"]`);
    const text = (el: Element | null | undefined, testId: string) =>
      el?.querySelector(`[data-testid=${testId}]`)?.textContent?.replace(/\s+/g, ' ').trim();
    const until = (check: () => void) =>
      vi.waitFor(() => {
        TestBed.tick();
        check();
      });
    await until(() => expect(row(DONE)).not.toBeNull());
    return { root, row, text, until };
  }

  function event(message: Omit<Extract<WsServerMessage, { type: 'event' }>, 'type' | 'timestamp'>): void {
    ws.receive({ type: 'event', timestamp: new Date().toISOString(), ...message } as WsServerMessage);
  }

  it('lists the tasks newest first with status, iterations, outcome and a link to each', async () => {
    stored.push(
      task({
        id: '9c9c9c9c-1111-4222-8333-444455556666',
        name: 'Out of tokens',
        status: 'budget_exhausted',
        error: 'The daily token budget of Support is used up',
        createdAt: '2025-12-30T12:00:00.000Z',
      }),
    );
    const { root, row, text } = await render();

    expect([...root.querySelectorAll('[data-testid=task-link]')].map((a) => a.textContent?.trim())).toEqual([
      'Competitor report',
      'Release notes',
      'Out of tokens',
    ]);
    expect(text(row(ID), 'run-status')).toBe('Running');
    expect(text(row(ID), 'task-iterations')).toBe('2 of 5');
    expect(row(ID)?.querySelector('mat-progress-bar')).not.toBeNull();
    expect(row(ID)?.querySelector('[data-testid=task-link]')?.getAttribute('href')).toBe(`/tasks/${ID}`);
    expect(text(row(DONE), 'run-status')).toBe('Completed');
    expect(text(row(DONE), 'task-completion')).toBe('The agent said it is done');
    expect(row(DONE)?.querySelector('mat-progress-bar')).toBeNull();
    const exhausted = root.querySelector('[data-testid=task-row][data-status=budget_exhausted]');
    expect(text(exhausted, 'run-status')).toBe('Budget exhausted');
    expect(text(exhausted, 'task-error')).toBe('The daily token budget of Support is used up');
  });

  it('moves a task live on task:iteration and task:complete, and adds one started elsewhere', async () => {
    const { row, text, until } = await render();

    stored[0] = { ...stored[0]!, iterations: 3, updatedAt: '2026-01-01T12:02:00.000Z' };
    event({ event: 'task:iteration', payload: { taskId: ID, iteration: 3, summary: 'Wrote the summary.' } });
    await until(() => expect(text(row(ID), 'task-iterations')).toBe('3 of 5'));

    stored[0] = { ...stored[0]!, status: 'completed', completion: 'marker', updatedAt: '2026-01-01T12:03:00.000Z' };
    event({ event: 'task:complete', payload: { taskId: ID, iterations: 3 } });
    await until(() => expect(row(ID)?.getAttribute('data-status')).toBe('completed'));
    expect(text(row(ID), 'task-completion')).toBe('The agent said it is done');

    const NEW = '5d5d5d5d-1111-4222-8333-444455556666';
    stored.unshift(task({ id: NEW, name: 'From the API', iterations: 0, createdAt: '2026-01-02T00:00:00.000Z' }));
    gateway.http.on(`GET /api/tasks/${NEW}`, { status: 200, body: taskDetail(stored[0], []) });
    event({ event: 'task:start', payload: { taskId: NEW, name: 'From the API' } });
    await until(() => expect(text(row(NEW), 'task-iterations')).toBe('0 of 5'));
  });

  it("creates a task from the dialog, showing the gateway's 400 message first", async () => {
    let attempts = 0;
    gateway.http.on('POST /api/tasks', (request) => {
      if (attempts++ === 0) {
        return { status: 400, body: { statusCode: 400, message: ['maxIterations must not be greater than 1000'] } };
      }
      const created = task({
        ...(request.body as Partial<TaskDto>),
        id: '6e6e6e6e-1111-4222-8333-444455556666',
        iterations: 0,
        createdAt: '2026-01-02T00:00:00.000Z',
      });
      stored.unshift(created);
      return { status: 201, body: created };
    });
    const { row, text, root, until } = await render();

    root.querySelector<HTMLButtonElement>('[data-testid=task-new]')!.click();
    TestBed.tick();
    const dialog = document.querySelector<HTMLElement>('lg-task-dialog')!;
    const fill = (testId: string, value: string) => {
      const field = dialog.querySelector<HTMLInputElement>(`[data-testid=${testId}]`)!;
      field.value = value;
      field.dispatchEvent(new Event('input'));
    };
    fill('task-name', ' Market scan ');
    fill('task-prompt', 'Scan the market.\nList the five biggest players.');
    fill('task-max-iterations', '20');
    TestBed.tick();
    dialog.querySelector<HTMLButtonElement>('[data-testid=task-save]')!.click();
    await until(() =>
      expect(document.querySelector('[data-testid=form-error]')?.textContent?.trim()).toBe(
        'maxIterations must not be greater than 1000',
      ),
    );

    // The group picker offers the gateway's groups.
    dialog.querySelector<HTMLElement>('[data-testid=task-group] .mat-mdc-select-trigger')!.click();
    TestBed.tick();
    const options = [...document.querySelectorAll<HTMLElement>('mat-option')];
    expect(options.map((option) => option.textContent?.trim())).toEqual(['Default group', 'Research']);
    options[1]!.click();
    fill('task-plan-prompt', 'Plan the scan first.');
    TestBed.tick();
    dialog.querySelector<HTMLButtonElement>('[data-testid=task-save]')!.click();

    await until(() => expect(document.querySelector('lg-task-dialog')).toBeNull());
    expect(gateway.http.last('POST /api/tasks')?.body).toEqual({
      name: 'Market scan',
      prompt: 'Scan the market.\nList the five biggest players.',
      planPrompt: 'Plan the scan first.',
      maxIterations: 20,
      groupId: GROUP,
    });
    await until(() => expect(text(row('6e6e6e6e-1111-4222-8333-444455556666'), 'task-iterations')).toBe('0 of 20'));
  });
});
