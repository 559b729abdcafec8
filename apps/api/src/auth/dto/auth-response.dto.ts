import { ApiProperty } from '@nestjs/swagger';

export class AuthStatusResponseDto {
  @ApiProperty({ description: 'true until the first admin has been created with POST /api/auth/setup' })
  needsSetup!: boolean;

  @ApiProperty({
    description:
      "true while set-up needs setupCode: the gateway listens beyond loopback or SETUP_TOKEN is set. The code is printed in the gateway's log at start, or is the SETUP_TOKEN",
  })
  setupCodeRequired!: boolean;
}

export class UserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ enum: ['admin', 'viewer'], description: 'admin: everything; viewer: read-only' })
  role!: 'admin' | 'viewer';
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Session token: send it as Authorization: Bearer <token>' })
  token!: string;

  @ApiProperty({ format: 'date-time', description: 'Absolute expiry; the session also ends when idle' })
  expiresAt!: string;

  @ApiProperty({ type: UserResponseDto })
  user!: UserResponseDto;
}

export class CredentialResponseDto {
  @ApiProperty({ enum: ['session', 'apiKey'], description: 'A console session (it expires) or an API key' })
  kind!: 'session' | 'apiKey';
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['session', 'full', 'runs', 'read'], description: 'What the credential may do' })
  scope!: 'session' | 'full' | 'runs' | 'read';
}
