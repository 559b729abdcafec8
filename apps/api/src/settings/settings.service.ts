import { ForbiddenException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthContext } from '../auth/session.service.js';
import { AppConfig } from '../config/app-config.js';
import { ContainerPool } from '../containers/container-pool.js';
import type { SettingsResponseDto } from './dto/settings.dto.js';

/** The gateway's configuration as it runs: for admins, secrets only as set or unset. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly containers: ContainerPool,
  ) {}

  async settings(auth: AuthContext): Promise<SettingsResponseDto> {
    if (auth.role !== 'admin') throw new ForbiddenException('Your account is a viewer: the settings are for admins');
    const containers = await this.containers.state();
    return {
      version: this.config.version,
      database: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite',
      dataDir: this.config.dataDir,
      containerMode: {
        enabled: containers.enabled,
        state: !containers.enabled ? 'off' : containers.problem ? 'unavailable' : 'ready',
        problem: containers.problem,
        image: containers.image,
        dockerHost: containers.dockerHost,
      },
      variables: this.config.entries.map((entry) => ({ ...entry })),
    };
  }
}
