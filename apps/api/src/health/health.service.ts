import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { HealthResponseDto } from './dto/health-response.dto.js';

@Injectable()
export class HealthService {
  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async check(): Promise<HealthResponseDto> {
    const databaseUp = await this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    return {
      status: databaseUp ? 'ok' : 'degraded',
      version: this.config.version,
      uptimeSeconds: Math.round(process.uptime()),
      database: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite',
    };
  }
}
