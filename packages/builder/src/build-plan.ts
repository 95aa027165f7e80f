/** What a generated Dockerfile needs, whatever the language. */
type CommandPlan = {
  /** Files copied before installing, so that the dependency layer is cached across deploys. */
  readonly manifestFiles: readonly string[];
  readonly install: string;
  readonly build: string | null;
  readonly start: string;
  readonly aptPackages: readonly string[];
  readonly source: PlanSource;
};

export type NodePlan = CommandPlan & {
  readonly kind: 'node';
  readonly packageManager: 'npm' | 'pnpm' | 'yarn';
  /** The bot drives a headless browser (whatsapp-web.js, venom, WPPConnect, puppeteer). */
  readonly chromium: boolean;
};

export type PythonPlan = CommandPlan & { readonly kind: 'python' };

export type DockerfilePlan = { readonly kind: 'dockerfile'; readonly dockerfile: string; readonly source: 'Dockerfile' };

export type BuildPlan = NodePlan | PythonPlan | DockerfilePlan;
export type PlanSource = 'package.json' | 'zapdeploy.json' | 'squarecloud' | 'discloud' | 'requirements.txt' | 'pyproject.toml';

/** Why a repository cannot be run, and what to add (codes are translated for users). */
export type DetectionFailure = { readonly code: string; readonly hint: string };

export type Detection =
  | { readonly ok: true; readonly plan: BuildPlan; readonly notes: readonly string[] }
  | { readonly ok: false; readonly failure: DetectionFailure };
