import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI document, built once the app is assembled (configureApp) and served by DocsController. */
@Injectable()
export class ApiDocument {
  private json: string | null = null;

  publish(document: OpenAPIObject): void {
    this.json = JSON.stringify(document);
  }

  get(): string | null {
    return this.json;
  }
}
