import type { FunctionComponent } from 'preact';
import { AnalysisView } from './analysis.js';
import { AuditView } from './audit.js';
import { DryRunView } from './dry-run.js';
import { ExplainView } from './explain.js';
import { FlowLogView } from './flowlog.js';
import { GroupsView } from './groups.js';
import { HypervisorsView } from './hypervisors.js';
import { MigrationsView } from './migrations.js';
import { OverviewView } from './overview.js';
import { PoliciesView } from './policies.js';
import { WebhooksView } from './webhooks.js';
import { WorkloadsView } from './workloads.js';

export interface ViewProps {
  tenant: string;
  id: string | null;
}

/** The console's views in navigation order; a new view is one entry here. */
export const VIEWS: { key: string; label: string; component: FunctionComponent<ViewProps> }[] = [
  { key: 'overview', label: 'Overview', component: OverviewView },
  { key: 'policies', label: 'Policies', component: PoliciesView },
  { key: 'groups', label: 'Groups', component: GroupsView },
  { key: 'workloads', label: 'Workloads', component: WorkloadsView },
  { key: 'hypervisors', label: 'Hypervisors', component: HypervisorsView },
  { key: 'flowlog', label: 'Flow log', component: FlowLogView },
  { key: 'audit', label: 'Audit log', component: AuditView },
  { key: 'migrations', label: 'Migrations', component: MigrationsView },
  { key: 'webhooks', label: 'Webhooks', component: WebhooksView },
  { key: 'explain', label: 'Explain', component: ExplainView },
  { key: 'analysis', label: 'Analysis', component: AnalysisView },
  { key: 'dry-run', label: 'Dry run', component: DryRunView },
];
