import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { ApiKey } from './entities/api-key.entity.js';
import { Session } from './entities/session.entity.js';
import { Setting } from './entities/setting.entity.js';
import { User } from './entities/user.entity.js';
import { LoginLimiter } from './login-limiter.js';
import { OperatorsController } from './operators.controller.js';
import { OperatorsService } from './operators.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionAuthGuard } from './session-auth.guard.js';
import { SessionService } from './session.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { SetupCode } from './setup-code.js';
import { UsersRepository } from './users.repository.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, Session, Setting, ApiKey])],
  controllers: [AuthController, ApiKeysController, OperatorsController],
  providers: [
    AuthService,
    OperatorsService,
    SessionService,
    UsersRepository,
    SessionsRepository,
    ApiKeysService,
    ApiKeysRepository,
    PasswordHasher,
    LoginLimiter,
    SetupCode,
    { provide: APP_GUARD, useClass: SessionAuthGuard },
  ],
  exports: [SessionService],
})
export class AuthModule {}
