import { Injectable, inject, signal } from '@angular/core';
import {
  type AgentSkillDetailDto,
  type AgentSkillResponseDto,
  type AgentSkillUploadDto,
  deleteAgentSkill,
  getAgentSkill,
  installAgentSkill,
  listAgentSkills,
  toggleAgentSkill,
} from '@loop-gateway/api-client';
import { API_CLIENT } from '../../core/api/api-client';
import { apiErrorMessage } from '../../core/api/api-error';
import { LocalEdits } from '../../core/state/local-edits';

/** The Agent Skills panel's state: the folders (valid or with their error) and the operator's changes. */
@Injectable()
export class AgentSkillsStore {
  private readonly api = inject(API_CLIENT);

  private readonly list = signal<readonly AgentSkillResponseDto[]>([]);
  private readonly problem = signal<string | null>(null);
  private readonly edits = new LocalEdits();

  readonly skills = this.list.asReadonly();
  readonly error = this.problem.asReadonly();

  async load(): Promise<void> {
    const { data, error } = await this.edits.latest(() => listAgentSkills({ client: this.api }));
    if (!data) {
      this.problem.set(apiErrorMessage(error, 'The Agent Skills could not be loaded.'));
      return;
    }
    this.problem.set(null);
    this.list.set(data);
  }

  /** null when installed, else the gateway's reason (it names the field). */
  async install(body: AgentSkillUploadDto): Promise<string | null> {
    const { data, error } = await installAgentSkill({ client: this.api, body });
    if (!data) return apiErrorMessage(error, 'The Agent Skill could not be installed.');
    this.replace(data);
    return null;
  }

  /** The skill with its instructions, or the reason it could not be read. */
  async detail(name: string): Promise<AgentSkillDetailDto | string> {
    const { data, error } = await getAgentSkill({ client: this.api, path: { name } });
    return data ?? apiErrorMessage(error, 'The Agent Skill could not be read.');
  }

  async toggle(name: string, enabled: boolean): Promise<string | null> {
    const { data, error } = await toggleAgentSkill({ client: this.api, path: { name }, body: { enabled } });
    if (!data) return apiErrorMessage(error, 'The Agent Skill could not be changed.');
    this.replace(data);
    return null;
  }

  async remove(name: string): Promise<string | null> {
    const { error, response } = await deleteAgentSkill({ client: this.api, path: { name } });
    if (!response?.ok) return apiErrorMessage(error, 'The Agent Skill could not be deleted.');
    this.edits.note();
    this.list.update((skills) => skills.filter((skill) => skill.name !== name));
    return null;
  }

  private replace(skill: AgentSkillResponseDto): void {
    this.edits.note();
    const { name, description, enabled, error, license, compatibility, metadata, allowedTools, files, updatedAt } =
      skill;
    const entry = {
      name,
      description,
      enabled,
      error,
      license,
      compatibility,
      metadata,
      allowedTools,
      files,
      updatedAt,
    };
    this.list.update((skills) =>
      [...skills.filter((other) => other.name !== skill.name), entry].sort((a, b) => a.name.localeCompare(b.name)),
    );
  }
}
