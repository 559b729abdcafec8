import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKey } from './entities/api-key.entity.js';

/** All SQL for API keys. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get keys() {
    return this.dataSource.getRepository(ApiKey);
  }

  async insert(key: ApiKey): Promise<void> {
    await this.keys.insert(key);
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'DESC' } });
  }

  /** One query: the key for a token hash, with its user (see SessionsRepository.findActiveByTokenHash). */
  findByTokenHash(tokenHash: string): Promise<ApiKey | null> {
    return this.keys
      .createQueryBuilder('key')
      .innerJoinAndSelect('key.user', 'user')
      .where('key.token_hash = :tokenHash', { tokenHash })
      .getOne();
  }

  async touch(id: string, at: Date, ip: string): Promise<void> {
    await this.keys.update({ id }, { lastUsedAt: at, lastUsedIp: ip });
  }

  /** Deletes the key: the next request with it is refused. */
  async delete(id: string): Promise<boolean> {
    const result = await this.keys.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
