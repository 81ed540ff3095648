/** Google Cloud worlds the presets build on, named after their project prefix. */

export const healthyGcp = (prefix: string) => ({
  organizationId: `${prefix}-org`,
  organizationSinks: [
    {
      name: 'all-audit-to-central',
      destination: `logging.googleapis.com/projects/${prefix}-central-logs/locations/global/buckets/audit-archive`,
      filter: 'logName:"cloudaudit.googleapis.com"',
      includeChildren: true,
    },
  ],
  projects: [
    {
      projectId: `${prefix}-central-logs`,
      buckets: [{ id: 'audit-archive', retentionDays: 400, locked: true }],
      dataAccess: 'all' as const,
    },
    { projectId: `${prefix}-prod`, dataAccess: 'all' as const },
    { projectId: `${prefix}-staging`, dataAccess: 'all' as const },
  ],
});

export const shortGcp = (prefix: string) => ({
  projects: [
    { projectId: `${prefix}-prod`, defaultRetentionDays: 30 },
    { projectId: `${prefix}-web`, defaultRetentionDays: 30 },
  ],
});

/** An organization with nested folders: audit configs on the organization, an intercepting sink on a folder. */
export const hierarchyGcp = (prefix: string) => ({
  organizationId: `${prefix}-org`,
  organizationDataAccess: 'all' as const,
  organizationSinks: [
    {
      name: 'all-audit-to-central',
      destination: `logging.googleapis.com/projects/${prefix}-central-logs/locations/global/buckets/audit-archive`,
      filter: 'logName:"cloudaudit.googleapis.com"',
      includeChildren: true,
    },
  ],
  folders: [
    {
      folderId: '3001',
      sinks: [
        {
          name: 'data-access-to-secops',
          destination: `logging.googleapis.com/projects/${prefix}-secops`,
          filter: 'LOG_ID("cloudaudit.googleapis.com/data_access")',
          includeChildren: true,
          interceptChildren: true,
        },
      ],
    },
    { folderId: '3002', parent: '3001', dataAccess: 'partial' as const },
    {
      folderId: '3100',
      sinks: [
        {
          name: 'sandbox-audit-to-bigquery',
          destination: `bigquery.googleapis.com/projects/${prefix}-secops/datasets/sandbox_audit`,
          filter: 'logName:"cloudaudit.googleapis.com"',
          includeChildren: true,
        },
      ],
    },
  ],
  projects: [
    { projectId: `${prefix}-central-logs`, buckets: [{ id: 'audit-archive', retentionDays: 400, locked: true }] },
    { projectId: `${prefix}-secops` },
    {
      projectId: `${prefix}-payments`,
      folder: '3002',
      defaultRetentionDays: 365,
      sinks: [{ name: 'keep-data-access', destination: `storage.googleapis.com/${prefix}-payments-archive` }],
    },
    // Its Admin Activity log has been silent for four days; no System Event entry is kept at all.
    { projectId: `${prefix}-sandbox`, folder: '3100', newestEntries: { activity: 100, system_event: null } },
  ],
});
