import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/**
 * The OpenAPI document, served by DocsController. configureApp gives the way to build it; it is
 * built on the first request for it (not at start: scanning every route costs start time and memory).
 */
@Injectable()
export class ApiDocument {
  private build: (() => OpenAPIObject) | null = null;
  private json: string | null = null;

  publish(build: () => OpenAPIObject): void {
    this.build = build;
    this.json = null;
  }

  get(): string | null {
    if (this.json === null && this.build) this.json = JSON.stringify(this.build());
    return this.json;
  }
}
