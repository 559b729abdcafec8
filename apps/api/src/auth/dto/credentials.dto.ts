import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Optional } from '../../common/validation.js';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class SetupDto {
  @ApiProperty({ example: 'admin', description: '3–64 letters, digits, dots, dashes or underscores' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'username must be 3–64 letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password', minLength: 10, maxLength: 256 })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters long' })
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({
    example: 'K7QM-3XWP-HT9D',
    description:
      "Needed while GET /api/auth/status says setupCodeRequired: printed in the gateway's log at start, or the SETUP_TOKEN you set",
    maxLength: 256,
  })
  @Optional()
  @IsString()
  @MaxLength(256)
  setupCode?: string;
}
