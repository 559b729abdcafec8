import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ClientInfo } from '../common/client-info.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { AuthService, type ClientInfo as Client, type LoginResult } from './auth.service.js';
import { CurrentAuth } from './current-auth.decorator.js';
import { LoginDto, SetupDto } from './dto/credentials.dto.js';
import { PasswordChangeDto, PasswordChangedResponseDto, SessionResponseDto } from './dto/operator.dto.js';
import { OperatorsService } from './operators.service.js';
import { ViewerAllowed } from './viewer.decorator.js';
import {
  AuthStatusResponseDto,
  CredentialResponseDto,
  LoginResponseDto,
  UserResponseDto,
} from './dto/auth-response.dto.js';
import { Public } from './public.decorator.js';
import { RequiresScope } from './scope.decorator.js';
import type { AuthContext } from './session.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly operators: OperatorsService,
  ) {}

  @Public()
  @Get('status')
  @ApiOkResponse({ type: AuthStatusResponseDto })
  async authStatus(): Promise<AuthStatusResponseDto> {
    return this.auth.setupStatus();
  }

  @Public()
  @Post('setup')
  @ApiCreatedResponse({ type: LoginResponseDto, description: 'The first admin, logged in' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'The set-up code is needed but missing' })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The set-up code is wrong' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Set-up was already done' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many wrong set-up codes from this address' })
  async setup(@Body() body: SetupDto, @ClientInfo() client: Client): Promise<LoginResponseDto> {
    return toLoginResponse(await this.auth.setup(body, client));
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: 'Too many failed attempts from this address' })
  async login(@Body() body: LoginDto, @ClientInfo() client: Client): Promise<LoginResponseDto> {
    return toLoginResponse(await this.auth.login(body.username, body.password, client));
  }

  @Post('logout')
  @RequiresScope('session')
  @ViewerAllowed()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'The session is revoked' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  async logout(@CurrentAuth() auth: AuthContext): Promise<void> {
    await this.auth.logout(auth);
  }

  @Get('me')
  @RequiresScope('session')
  @ApiBearerAuth()
  @ApiOkResponse({ type: UserResponseDto, description: 'The operator behind the session token' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  me(@CurrentAuth() auth: AuthContext): UserResponseDto {
    return { id: auth.userId, username: auth.username, role: auth.role };
  }

  @Post('password')
  @RequiresScope('session')
  @ViewerAllowed()
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth()
  @ApiOkResponse({
    type: PasswordChangedResponseDto,
    description: 'The new password is set; every other session of yours has ended',
  })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'The current password is wrong, or the new one too short',
  })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  async changePassword(
    @Body() body: PasswordChangeDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<PasswordChangedResponseDto> {
    return { endedSessions: await this.operators.changePassword(auth, body.currentPassword, body.newPassword) };
  }

  @Get('sessions')
  @RequiresScope('session')
  @ApiBearerAuth()
  @ApiOkResponse({ type: [SessionResponseDto], description: 'Your live sessions, most recently used first' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  listSessions(@CurrentAuth() auth: AuthContext): Promise<SessionResponseDto[]> {
    return this.operators.sessionsOf(auth);
  }

  @Delete('sessions/:id')
  @RequiresScope('session')
  @ViewerAllowed()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'The session has ended (its live connection is closed)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Not a live session of yours' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  async revokeSession(@Param('id', new ParseUUIDPipe()) id: string, @CurrentAuth() auth: AuthContext): Promise<void> {
    await this.operators.revokeSession(auth, id);
  }

  /** What an automation client's credential test asks: works with any session or API key. */
  @Get('credential')
  @RequiresScope('runs')
  @ApiBearerAuth()
  @ApiOkResponse({ type: CredentialResponseDto, description: 'Whether the bearer is a session or an API key' })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  credential(@CurrentAuth() auth: AuthContext): CredentialResponseDto {
    return auth.apiKey
      ? { kind: 'apiKey', username: auth.username, scope: auth.apiKey.scope }
      : { kind: 'session', username: auth.username, scope: 'session' };
  }
}

function toLoginResponse(result: LoginResult): LoginResponseDto {
  const { id, username, role } = result.user;
  return { token: result.token, expiresAt: result.expiresAt.toISOString(), user: { id, username, role } };
}
