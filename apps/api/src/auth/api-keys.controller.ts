import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { CurrentAuth } from './current-auth.decorator.js';
import { ApiKeyCreateDto, ApiKeyCreatedResponseDto, ApiKeyResponseDto } from './dto/api-key.dto.js';
import { RequiresScope } from './scope.decorator.js';
import type { AuthContext } from './session.service.js';

/** Operators manage API keys from a console session; a key can never mint or see keys. */
@ApiTags('api-keys')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Called with an API key' })
@RequiresScope('session')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto], description: 'Every key, newest first (never the key itself)' })
  listApiKeys(): Promise<ApiKeyResponseDto[]> {
    return this.keys.list();
  }

  @Post()
  @ApiCreatedResponse({ type: ApiKeyCreatedResponseDto, description: 'The key, shown only in this response' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  createApiKey(@Body() body: ApiKeyCreateDto, @CurrentAuth() auth: AuthContext): Promise<ApiKeyCreatedResponseDto> {
    return this.keys.create(body, auth);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Revoked: the next request with the key gets 401' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async deleteApiKey(@Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
