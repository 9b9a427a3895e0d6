// Packaging: @tally/nestjs and @tally/sdk installed from their tarballs into a
// NestJS 12 application compiled to ES modules (NestJS 12's packages are ES
// modules only), run against `tally serve`. See support/nestjs-product.ts.
import { describeNestJsProduct } from './support/nestjs-product';

describeNestJsProduct({ major: 12, fixture: 'nest12', moduleFormat: 'ES modules' });
