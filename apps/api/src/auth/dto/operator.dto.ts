import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { USER_ROLES, type UserRole } from '../entities/user.entity.js';

const USERNAME = /^[A-Za-z0-9._-]{3,64}$/;

export class OperatorCreateDto {
  @ApiProperty({ example: 'ops', description: '3–64 letters, digits, dots, dashes or underscores' })
  @IsString()
  @Matches(USERNAME, { message: 'username must be 3–64 letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty({ format: 'password', minLength: 10, maxLength: 256, writeOnly: true })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters long' })
  @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: USER_ROLES, description: 'admin: everything; viewer: reads everything, changes nothing' })
  @IsIn(USER_ROLES, { message: `role must be one of: ${USER_ROLES.join(', ')}` })
  role!: UserRole;
}

export class OperatorResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PasswordChangeDto {
  @ApiProperty({ format: 'password', writeOnly: true })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: 10, maxLength: 256, writeOnly: true })
  @IsString()
  @MinLength(10, { message: 'newPassword must be at least 10 characters long' })
  @MaxLength(256)
  newPassword!: string;
}

export class PasswordChangedResponseDto {
  @ApiProperty({ description: 'How many of your other sessions were ended' })
  endedSessions!: number;
}

export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The address the session was opened from' }) ip!: string;
  @ApiProperty() userAgent!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'The session making this request' }) current!: boolean;
}
