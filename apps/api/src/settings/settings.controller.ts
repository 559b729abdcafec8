import { Controller, Get } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentAuth } from '../auth/current-auth.decorator.js';
import { RequiresScope } from '../auth/scope.decorator.js';
import type { AuthContext } from '../auth/session.service.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { SettingsResponseDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('settings')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: 'A viewer, or an API key: the settings are for admins' })
@RequiresScope('session')
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  @Get()
  @ApiOperation({
    summary: 'The live configuration',
    description:
      'Every documented environment variable with the value in effect (secrets only as set or unset), the ' +
      'version, the database kind, the data folder and the state of container mode. Admins only.',
  })
  @ApiOkResponse({ type: SettingsResponseDto })
  getSettings(@CurrentAuth() auth: AuthContext): Promise<SettingsResponseDto> {
    return this.settings.settings(auth);
  }
}
