import { below } from '../../rng.ts';

const GIVEN = [
  'Adele',
  'Alex',
  'Allan',
  'Bianca',
  'Brian',
  'Camille',
  'Christie',
  'Diego',
  'Elena',
  'Emily',
  'Enrico',
  'Grady',
  'Hannah',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Kenji',
  'Lee',
  'Lidia',
  'Lynne',
  'Mariam',
  'Megan',
  'Miriam',
  'Nestor',
  'Nora',
  'Omar',
  'Patti',
  'Pradeep',
  'Priya',
  'Raul',
  'Sakura',
  'Samira',
  'Tomas',
  'Uma',
  'Valeria',
  'Wei',
  'Yusuf',
  'Zoe',
] as const;

const FAMILY = [
  'Vance',
  'Wilber',
  'Deyoung',
  'Pena',
  'Johnson',
  'Santos',
  'Cline',
  'Siciliani',
  'Gonzalez',
  'Braun',
  'Bellini',
  'Archie',
  'Lindqvist',
  'Mueller',
  'Sink',
  'Okafor',
  'Lanier',
  'Sherman',
  'Tanaka',
  'Gu',
  'Holloway',
  'Robbins',
  'Haddad',
  'Bowen',
  'Graham',
  'Wilke',
  'Kowalski',
  'Farouk',
  'Fernandez',
  'Gupta',
  'Iyer',
  'Ortega',
  'Sato',
  'Nasser',
  'Novak',
  'Thurman',
  'Castillo',
  'Zhang',
  'Demir',
  'Fischer',
] as const;

const PARTNERS = ['fabrikam.example', 'litware.example', 'adventure-works.example', 'wingtiptoys.example'] as const;

export interface PersonName {
  givenName: string;
  surname: string;
}

export function personName(seed: number, tenantId: string, index: number): PersonName {
  return {
    givenName: GIVEN[below(GIVEN.length, seed, tenantId, 'given', index)]!,
    surname: FAMILY[below(FAMILY.length, seed, tenantId, 'family', index)]!,
  };
}

/** The home domain of a guest, as it shows in their `#EXT#` user principal name. */
export function partnerDomain(seed: number, tenantId: string, index: number): string {
  return PARTNERS[below(PARTNERS.length, seed, tenantId, 'partner', index)]!;
}
