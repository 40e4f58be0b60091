/**
 * Deterministic data for simulators: a small seeded PRNG (mulberry32) and realistic name lists,
 * so `--seed N` always produces the same users on every machine.
 */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  /** Uniform float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, maxInclusive: number): number {
    return min + Math.floor(this.next() * (maxInclusive - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** n hex digits. */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 16).toString(16);
    return s;
  }
  /** A v4-shaped UUID drawn from this generator (deterministic). */
  uuid(): string {
    const h = this.hex(32).split('');
    h[12] = '4';
    h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  /** A date between two epoch-ms bounds. */
  date(fromMs: number, toMs: number): Date {
    return new Date(fromMs + Math.floor(this.next() * (toMs - fromMs)));
  }
}

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Isabella', 'Mateo',
  'Mia', 'Levi', 'Charlotte', 'Ethan', 'Harper', 'James', 'Evelyn', 'Benjamin', 'Priya', 'Arjun', 'Mei', 'Hiroshi',
  'Fatima', 'Omar', 'Aisha', 'Kwame', 'Chloe', 'Daniel', 'Grace', 'Samuel', 'Nora', 'Henry', 'Zoe', 'Jack',
  'Lily', 'Owen', 'Hannah', 'Gabriel', 'María', 'José', 'Siobhan', 'Björn', 'Anh', 'Thabo', 'Leilani', 'Rafael',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez',
  'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen',
  'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Patel', 'Okafor', 'Kowalski', "O'Brien",
  'Nakamura', 'Fischer', 'Haddad', 'Mensah',
] as const;

export const CLINICAL_TITLES = [
  { short: 'RN', full: 'Registered Nurse' },
  { short: 'LPN', full: 'Licensed Practical Nurse' },
  { short: 'MD', full: 'Physician' },
  { short: 'DO', full: 'Doctor of Osteopathic Medicine' },
  { short: 'NP', full: 'Nurse Practitioner' },
  { short: 'PA', full: 'Physician Assistant' },
  { short: 'DDS', full: 'Dentist' },
  { short: 'LCSW', full: 'Licensed Clinical Social Worker' },
  { short: 'PharmD', full: 'Pharmacist' },
  { short: 'MA', full: 'Medical Assistant' },
] as const;

/** A name-derived e-mail on a reserved example domain. */
export function emailFor(first: string, last: string, n: number, domain = 'example.org'): string {
  const clean = (s: string) => s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  return `${clean(first)}.${clean(last)}${n}@${domain}`;
}
