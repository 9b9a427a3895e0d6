// A product's NestJS application that adopts Tally through @tally/nestjs. The
// packaging tests compile it with NestJS 11 (CommonJS) and NestJS 12 (ES
// modules) against the packed tarballs and run it against `tally serve`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  // SIGTERM closes the application, which delivers the usage still buffered.
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
  console.log(`listening on ${await app.getUrl()}`);
}

void bootstrap();
