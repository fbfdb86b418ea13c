/**
 * Trouble with one input (a file, a document, a resource list) that does not stop the run.
 * Sources return these beside the objects; commands print them and lint turns them into findings.
 */
export type ProblemCode =
  | 'invalid-manifest' // cannot be used as a Kubernetes object
  | 'helm-template' // an unrendered template: a special case of invalid-manifest
  | 'unreadable' // the file could not be read
  | 'skipped' // a notice: the file is deliberately not read (kustomization, Chart, values, not Kubernetes)
  | 'forbidden' // a list the identity may not make
  | 'incomplete'; // an answer that is known to lack something

export type Problem = Readonly<{
  code: ProblemCode;
  severity: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  object?: string;
  /** the API server would refuse the object (a missing or unserved apiVersion): lint makes it an error */
  refused?: boolean;
}>;

export function describeProblem(problem: Problem): string {
  const where = problem.file ? `${problem.file}${problem.line ? `:${problem.line}` : ''}: ` : '';
  return `${where}${problem.message}`;
}
