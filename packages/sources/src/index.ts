export { SOURCE_PROBLEM_CODES } from './flag-source.js';
export type {
  FlagSource,
  SourceListener,
  SourceProblem,
  SourceProblemCode,
  SourceUpdate,
} from './flag-source.js';
