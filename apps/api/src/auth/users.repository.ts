import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Transactions } from '../database/transactions.js';
import { Setting } from './entities/setting.entity.js';
import { User } from './entities/user.entity.js';

const SETUP_KEY = 'setup.completed';
/** SHA-256 of the one-time set-up code printed at start; deleted when the first admin is created. */
const SETUP_CODE_KEY = 'setup.code';

/** All SQL for operators and the set-up marker. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
  ) {}

  async isSetupComplete(): Promise<boolean> {
    return this.dataSource.getRepository(Setting).existsBy({ key: SETUP_KEY });
  }

  async saveSetupCodeHash(hash: string, at: Date): Promise<void> {
    await this.dataSource.getRepository(Setting).upsert({ key: SETUP_CODE_KEY, value: hash, updatedAt: at }, ['key']);
  }

  async setupCodeHash(): Promise<string | null> {
    return (await this.dataSource.getRepository(Setting).findOneBy({ key: SETUP_CODE_KEY }))?.value ?? null;
  }

  /**
   * Creates the first admin together with the set-up marker in one transaction, and drops the
   * set-up code. The marker's primary key makes a second, concurrent set-up fail instead of
   * creating a second admin.
   */
  async createFirstAdmin(user: User): Promise<boolean> {
    try {
      await this.transactions.run(async (manager) => {
        await manager.insert(Setting, { key: SETUP_KEY, value: user.id, updatedAt: user.createdAt });
        await manager.insert(User, user);
        await manager.delete(Setting, { key: SETUP_CODE_KEY });
      });
      return true;
    } catch (error) {
      if (await this.isSetupComplete()) return false;
      throw error;
    }
  }

  list(): Promise<User[]> {
    return this.dataSource.getRepository(User).find({ order: { createdAt: 'ASC' } });
  }

  /** Inserts an operator; false when the username is taken. */
  async insert(user: User): Promise<boolean> {
    const users = this.dataSource.getRepository(User);
    if (await users.existsBy({ username: user.username })) return false;
    await users.insert(user);
    return true;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.dataSource.getRepository(User).update({ id }, { passwordHash });
  }

  async countAdmins(): Promise<number> {
    return this.dataSource.getRepository(User).countBy({ role: 'admin' });
  }

  async delete(id: string): Promise<void> {
    await this.dataSource.getRepository(User).delete({ id });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ username });
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }
}
