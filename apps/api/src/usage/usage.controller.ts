import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  DailyUsageDto,
  DaysQueryDto,
  LimitQueryDto,
  ModelCallResponseDto,
  ModelPriceDto,
  ModelUsageDto,
  PriceTableDto,
  UsageBreakdownQueryDto,
  UsageBreakdownResponseDto,
  UsageSummaryResponseDto,
} from './dto/usage.dto.js';
import { UsageService } from './usage.service.js';

@ApiTags('usage')
@ApiExtraModels(ModelPriceDto)
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorResponseDto })
@Controller('usage')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @ApiOkResponse({ type: UsageSummaryResponseDto })
  getUsageSummary(): Promise<UsageSummaryResponseDto> {
    return this.usage.summary();
  }

  @Get('daily')
  @ApiOkResponse({ type: [DailyUsageDto], description: 'One entry per local day (TIMEZONE), oldest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  getDailyUsage(@Query() query: DaysQueryDto): Promise<DailyUsageDto[]> {
    return this.usage.daily(query.days ?? 30);
  }

  @Get('models')
  @ApiOkResponse({ type: [ModelUsageDto] })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  getModelUsage(@Query() query: DaysQueryDto): Promise<ModelUsageDto[]> {
    return this.usage.byModel(query.days);
  }

  @Get('breakdown')
  @ApiOkResponse({
    type: UsageBreakdownResponseDto,
    description:
      'What spent: per origin (console, API, webhook, scheduler, task, each channel type), group, channel or sub-agent role',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  getUsageBreakdown(@Query() query: UsageBreakdownQueryDto): Promise<UsageBreakdownResponseDto> {
    return this.usage.breakdown(query);
  }

  @Get('calls')
  @ApiOkResponse({ type: [ModelCallResponseDto], description: 'Recent model calls, newest first' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  listModelCalls(@Query() query: LimitQueryDto): Promise<ModelCallResponseDto[]> {
    return this.usage.recentCalls(query.limit ?? 50);
  }

  @Get('prices')
  @ApiOkResponse({ type: PriceTableDto })
  async getPriceTable(): Promise<PriceTableDto> {
    return { prices: await this.usage.priceTable() };
  }

  @Put('prices')
  @ApiOkResponse({ type: PriceTableDto, description: 'The new table replaces the old one' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  async updatePriceTable(@Body() body: PriceTableDto): Promise<PriceTableDto> {
    return { prices: await this.usage.setPriceTable(body.prices) };
  }
}
