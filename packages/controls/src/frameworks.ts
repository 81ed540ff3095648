/** The frameworks controls map to. Data only: a mapping names one of these ids and a reference inside it. */
export const FRAMEWORKS = [
  {
    id: 'aa22-131a',
    name: 'CISA AA22-131A: Protecting Against Cyber Threats to Managed Service Providers and their Customers',
    version: '2022-05-11',
    url: 'https://www.cisa.gov/news-events/cybersecurity-advisories/aa22-131a',
  },
  {
    id: 'cis-v8',
    name: 'CIS Critical Security Controls',
    version: '8',
    url: 'https://www.cisecurity.org/controls/v8',
  },
  {
    id: 'nist-800-53',
    name: 'NIST SP 800-53 Security and Privacy Controls',
    version: 'Rev. 5',
    url: 'https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final',
  },
  {
    id: 'iso-27001',
    name: 'ISO/IEC 27001 Annex A',
    version: '2022',
    url: 'https://www.iso.org/standard/27001',
  },
  {
    id: 'cyber-essentials',
    name: 'UK Cyber Essentials: Requirements for IT Infrastructure',
    version: '3.2',
    url: 'https://www.ncsc.gov.uk/cyberessentials/overview',
  },
  {
    id: 'essential-eight',
    name: 'ACSC Essential Eight (ISM controls)',
    version: 'ISM December 2025',
    url: 'https://www.cyber.gov.au/business-government/asds-cyber-security-frameworks/essential-eight',
  },
  {
    id: 'scuba-entra',
    name: 'CISA ScubaGear Secure Configuration Baseline for Microsoft Entra ID',
    version: 'MS.AAD v1 (2026 snapshot)',
    url: 'https://github.com/cisagov/ScubaGear/blob/main/PowerShell/ScubaGear/baselines/aad.md',
  },
] as const;

export type Framework = (typeof FRAMEWORKS)[number];
export type FrameworkId = Framework['id'];

export function isFrameworkId(value: string): value is FrameworkId {
  return FRAMEWORKS.some((f) => f.id === value);
}

export function frameworkById(id: FrameworkId): Framework {
  return FRAMEWORKS.find((f) => f.id === id)!;
}

/** A control's claim to evidence one requirement of a framework. */
export interface Mapping {
  framework: FrameworkId;
  ref: string;
  note?: string;
}
