import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Transactions } from './transactions.js';
import { WalCheckpointer } from './wal-checkpointer.js';

/**
 * The database connection (SQLite or PostgreSQL, migrated at start), the one way to run a transaction,
 * and SQLite's WAL checkpoints off the event loop.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config), autoLoadEntities: true }),
    }),
  ],
  providers: [Transactions, WalCheckpointer],
  exports: [Transactions],
})
export class DatabaseModule {}
