import { Injectable, inject, signal } from '@angular/core';
import {
  type SkillCreateDto,
  type SkillResponseDto,
  type SkillTryResponseDto,
  type SkillUpdateDto,
  deleteSkill,
  installSkill,
  listSkillTries,
  listSkills,
  toggleSkill,
  trySkill,
  updateSkill,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../core/api/api-client';
import { apiErrorMessage } from '../core/api/api-error';
import { LocalEdits } from '../core/state/local-edits';

/** The skills page's state: built-in and custom skills, and the operator's changes. Provided by the page. */
@Injectable()
export class SkillsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly SkillResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly busy = signal(false);
  private readonly edits = new LocalEdits();
  /** Names of the skills whose enabled switch is being saved. */
  private readonly savingNames = signal<ReadonlySet<string>>(new Set());

  readonly skills = this.list.asReadonly();
  readonly error = this.problem.asReadonly();
  readonly loading = this.busy.asReadonly();
  readonly saving = this.savingNames.asReadonly();

  async load(): Promise<void> {
    this.busy.set(true);
    const { data, error } = await this.edits.latest(() => listSkills({ client: this.api }));
    this.busy.set(false);
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The skills could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(data);
  }

  /** null when installed, else the gateway's reason. */
  async install(body: SkillCreateDto): Promise<string | null> {
    const { data, error } = await installSkill({ client: this.api, body });
    if (!data) return apiErrorMessage(error, 'The skill could not be installed.');
    await this.load();
    return null;
  }

  async update(name: string, body: SkillUpdateDto): Promise<string | null> {
    const { data, error } = await updateSkill({ client: this.api, path: { name }, body });
    if (!data) return apiErrorMessage(error, `${name} could not be updated.`);
    this.replace(data);
    return null;
  }

  async remove(name: string): Promise<string | null> {
    const { error, response } = await deleteSkill({ client: this.api, path: { name } });
    if (!response?.ok) return apiErrorMessage(error, `${name} could not be deleted.`);
    this.edits.note();
    this.list.update((skills) => skills.filter((skill) => skill.name !== name));
    return null;
  }

  async setEnabled(name: string, enabled: boolean): Promise<string | null> {
    this.savingNames.update((names) => new Set(names).add(name));
    const { data, error } = await toggleSkill({ client: this.api, path: { name }, body: { enabled } });
    this.savingNames.update((names) => {
      const next = new Set(names);
      next.delete(name);
      return next;
    });
    if (!data) return apiErrorMessage(error, `${name} could not be ${enabled ? 'enabled' : 'disabled'}.`);
    this.replace(data);
    return null;
  }

  async try(name: string, input: Record<string, unknown>): Promise<SkillTryResponseDto | string> {
    const { data, error } = await trySkill({ client: this.api, path: { name }, body: { input } });
    return data ?? apiErrorMessage(error, `${name} could not be run.`);
  }

  /** The skill's stored tries, newest first, or the reason they could not be read. */
  async tries(name: string): Promise<SkillTryResponseDto[] | string> {
    const { data, error } = await listSkillTries({ client: this.api, path: { name } });
    return data ?? apiErrorMessage(error, `The tries of ${name} could not be loaded.`);
  }

  private replace(skill: SkillResponseDto): void {
    this.edits.note();
    this.list.update((skills) => skills.map((entry) => (entry.name === skill.name ? skill : entry)));
  }
}
