import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ContainerPool } from '../containers/container-pool.js';
import type { HealthResponseDto } from './dto/health-response.dto.js';

@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly containers: ContainerPool,
  ) {}

  async check(): Promise<HealthResponseDto> {
    const databaseUp = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    const containers = this.containers.enabled
      ? await this.containers.state().then((state) => (state.problem ? 'unavailable' : 'ready'))
      : 'off';
    return {
      status: databaseUp && containers !== 'unavailable' ? 'ok' : 'degraded',
      containers,
      version: this.config.version,
      uptimeSeconds: Math.round(process.uptime()),
      database: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite',
    };
  }
}
