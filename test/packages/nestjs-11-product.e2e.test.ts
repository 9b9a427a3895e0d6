// Packaging: @tally/nestjs and @tally/sdk installed from their tarballs into a
// NestJS 11 application compiled to CommonJS (what most Nest projects run),
// run against `tally serve`. See support/nestjs-product.ts for the scenario.
import { describeNestJsProduct } from './support/nestjs-product';

describeNestJsProduct({ major: 11, fixture: 'nest11', moduleFormat: 'CommonJS' });
