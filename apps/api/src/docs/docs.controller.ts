import { Controller, Get, Header, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { ApiDocument } from './api-document.js';
import { DOCS_HTML, DOCS_JS } from './docs-page.js';

/**
 * The OpenAPI document for signed-in operators (or anyone with PUBLIC_API_DOCS=true), and the docs
 * page, whose shell is public because it holds nothing of the API: its script fetches the document
 * with the console's session token.
 */
@ApiExcludeController()
@Controller()
export class DocsController {
  constructor(private readonly document: ApiDocument) {}

  @Public((config) => config.publicApiDocs)
  @Get('openapi.json')
  openApiDocument(@Res() res: Response): void {
    const json = this.document.get();
    if (!json) throw new NotFoundException('The API document is not built');
    res.type('application/json').send(json);
  }

  @Public()
  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  docsPage(): string {
    return DOCS_HTML;
  }

  @Public()
  @Get('docs/docs.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  docsScript(): string {
    return DOCS_JS;
  }
}
