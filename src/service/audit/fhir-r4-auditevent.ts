/**
 * The rules of the published FHIR R4 (4.0.1) AuditEvent and Bundle StructureDefinitions that the
 * export relies on, as data, and a small validator that reports every violation (not just the
 * first). Not a general FHIR validator: datatypes we never emit (Meta, Narrative, Extension,
 * contained resources) are checked shallowly; terminology is checked only where R4 binds it
 * `required` (AuditEvent.action, .outcome, .agent.network.type, Identifier.use, Bundle.type).
 *
 * Sources: hl7.org/fhir/R4/auditevent-definitions.html, bundle-definitions.html, datatypes.html,
 * json.html. Rule ids name the R4 invariant where there is one (ele-1, sev-1, ref-1, bdl-*).
 * One rule is ours and stricter than R4, and says so: `coding-system-code` (R4 lets a Coding
 * carry only a display; an audit repository cannot index that, so we always send system + code).
 */

export interface FhirViolation {
  /** FHIRPath-like location, e.g. `AuditEvent.agent[0].requestor`. */
  path: string;
  rule: FhirRule;
  message: string;
}

/** Every rule the validator can report; the tests make each one fail at least once. */
export const FHIR_RULES = [
  'resourceType', // the resource is the expected type
  'unknown-element', // no element the StructureDefinition does not define (JSON objects are closed)
  'cardinality-min', // 1..1 / 1..* elements are present
  'cardinality-max', // 0..1 / 1..1 elements are single values, 0..* / 1..* are arrays
  'datatype', // primitives match their R4 regex/JSON type; complex types are objects
  'binding', // codes of a required binding are in its value set
  'choice', // value[x]: exactly one of the allowed types
  'ele-1', // no null, empty string, empty object or empty array anywhere
  'coding-system-code', // ours: every Coding has system and code
  'ref-1', // a local reference (#id) points at a contained resource
  'sev-1', // AuditEvent.entity: name or query, not both
  'bdl-1', // Bundle.total only for searchset/history
  'bdl-2', // entry.search only for searchset
  'bdl-3', // entry.request only (and always) for batch/transaction/history
  'bdl-4', // entry.response only (and always) for batch-response/transaction-response/history
  'bdl-5', // an entry has a resource, a request or a response
  'bdl-7', // fullUrl unique within the Bundle
  'bdl-8', // fullUrl is not a version-specific reference
  'uuid', // a urn:uuid: fullUrl carries a lower-case RFC 4122 UUID
] as const;
export type FhirRule = (typeof FHIR_RULES)[number];

// ---- R4 primitive datatypes (datatypes.html, "Primitive Types": JSON type and regex) ----

type Primitive = 'string' | 'code' | 'uri' | 'id' | 'instant' | 'dateTime' | 'boolean' | 'base64Binary' | 'unsignedInt' | 'positiveInt';

const PRIMITIVE_REGEX: Record<Exclude<Primitive, 'boolean' | 'unsignedInt' | 'positiveInt'>, RegExp> = {
  string: /^[ \r\n\t\S]+$/,
  code: /^[^\s]+( [^\s]+)*$/,
  uri: /^\S*$/,
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  // An instant always has seconds and a time zone.
  instant: /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/,
  dateTime: /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/,
  base64Binary: /^(\s*([0-9a-zA-Z+/=]){4}\s*)+$/,
};

// ---- Structure definitions, as data ----

interface ElementDef {
  type: Primitive | Structure | 'Resource';
  min: 0 | 1;
  max: 1 | '*';
  /** Required binding: the only codes allowed. */
  binding?: readonly string[];
}

/** value[x]: the property names allowed (valueString, …) and their types. */
interface ChoiceDef {
  min: 0 | 1;
  types: Record<string, Primitive>;
}

interface Structure {
  name: string;
  elements: Record<string, ElementDef>;
  choices?: Record<string, ChoiceDef>;
  /** Extra checks on one object of this structure (invariants). */
  check?: (obj: Record<string, unknown>, path: string, report: Reporter) => void;
  /** Extension-like: any `value*` property is allowed, at most one. */
  openValue?: boolean;
  /** Checked only for being a non-empty object (parts we never emit). */
  anyChildren?: boolean;
}

type Reporter = (path: string, rule: FhirRule, message: string) => void;

const one = (type: ElementDef['type'], binding?: readonly string[]): ElementDef => ({ type, min: 0, max: 1, binding });
const required = (type: ElementDef['type'], binding?: readonly string[]): ElementDef => ({ type, min: 1, max: 1, binding });
const many = (type: ElementDef['type']): ElementDef => ({ type, min: 0, max: '*' });
const oneOrMore = (type: ElementDef['type']): ElementDef => ({ type, min: 1, max: '*' });

const Extension: Structure = { name: 'Extension', elements: { id: one('string'), url: required('uri') }, openValue: true };
Extension.elements.extension = many(Extension);

/** Element: id + extension on every datatype; BackboneElement adds modifierExtension. */
const element = (elements: Record<string, ElementDef>) => ({ id: one('string'), extension: many(Extension), ...elements });
const backbone = (elements: Record<string, ElementDef>) => element({ modifierExtension: many(Extension), ...elements });

const Coding: Structure = {
  name: 'Coding',
  elements: element({ system: one('uri'), version: one('string'), code: one('code'), display: one('string'), userSelected: one('boolean') }),
  check(obj, path, report) {
    if (obj.system === undefined || obj.code === undefined) report(path, 'coding-system-code', 'a Coding must carry both system and code (staffgraph profile)');
  },
};
const CodeableConcept: Structure = { name: 'CodeableConcept', elements: element({ coding: many(Coding), text: one('string') }) };
const Period: Structure = { name: 'Period', elements: element({ start: one('dateTime'), end: one('dateTime') }) };
const Reference: Structure = { name: 'Reference', elements: {} };
const Identifier: Structure = {
  name: 'Identifier',
  elements: element({
    use: one('code', ['usual', 'official', 'temp', 'secondary', 'old']),
    type: one(CodeableConcept),
    system: one('uri'),
    value: one('string'),
    period: one(Period),
    assigner: one(Reference),
  }),
};
Reference.elements = element({ reference: one('string'), type: one('uri'), identifier: one(Identifier), display: one('string') });
const Meta: Structure = {
  name: 'Meta',
  elements: element({ versionId: one('id'), lastUpdated: one('instant'), source: one('uri'), profile: many('uri'), security: many(Coding), tag: many(Coding) }),
};
const Narrative: Structure = { name: 'Narrative', elements: element({ status: required('code', ['generated', 'extensions', 'additional', 'empty']), div: required('string') }) };

/** Resource + DomainResource elements. */
const domainResource = (elements: Record<string, ElementDef>) => ({
  resourceType: required('code'),
  id: one('id'),
  meta: one(Meta),
  implicitRules: one('uri'),
  language: one('code'),
  text: one(Narrative),
  contained: many('Resource'),
  extension: many(Extension),
  modifierExtension: many(Extension),
  ...elements,
});

/** R4 AuditEvent (auditevent-definitions.html). */
export const AUDIT_EVENT: Structure = {
  name: 'AuditEvent',
  elements: domainResource({
    type: required(Coding),
    subtype: many(Coding),
    action: one('code', ['C', 'R', 'U', 'D', 'E']),
    period: one(Period),
    recorded: required('instant'),
    outcome: one('code', ['0', '4', '8', '12']),
    outcomeDesc: one('string'),
    purposeOfEvent: many(CodeableConcept),
    agent: oneOrMore({
      name: 'AuditEvent.agent',
      elements: backbone({
        type: one(CodeableConcept),
        role: many(CodeableConcept),
        who: one(Reference),
        altId: one('string'),
        name: one('string'),
        requestor: required('boolean'),
        location: one(Reference),
        policy: many('uri'),
        media: one(Coding),
        network: one({
          name: 'AuditEvent.agent.network',
          // 1 machine name, 2 IP address, 3 telephone number, 4 email address, 5 URI.
          elements: backbone({ address: one('string'), type: one('code', ['1', '2', '3', '4', '5']) }),
        }),
        purposeOfUse: many(CodeableConcept),
      }),
    }),
    source: required({
      name: 'AuditEvent.source',
      elements: backbone({ site: one('string'), observer: required(Reference), type: many(Coding) }),
    }),
    entity: many({
      name: 'AuditEvent.entity',
      elements: backbone({
        what: one(Reference),
        type: one(Coding),
        role: one(Coding),
        lifecycle: one(Coding),
        securityLabel: many(Coding),
        name: one('string'),
        description: one('string'),
        query: one('base64Binary'),
        detail: many({
          name: 'AuditEvent.entity.detail',
          elements: backbone({ type: required('string') }),
          choices: { value: { min: 1, types: { valueString: 'string', valueBase64Binary: 'base64Binary' } } },
        }),
      }),
      check(obj, path, report) {
        if (obj.name !== undefined && obj.query !== undefined) report(path, 'sev-1', 'an entity has a name or a query, not both');
      },
    }),
  }),
};

const BUNDLE_TYPES = ['document', 'message', 'transaction', 'transaction-response', 'batch', 'batch-response', 'history', 'searchset', 'collection'] as const;
const WITH_REQUEST = new Set(['batch', 'transaction', 'history']);
const WITH_RESPONSE = new Set(['batch-response', 'transaction-response', 'history']);
const UUID_URN = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const BundleLink: Structure = { name: 'Bundle.link', elements: backbone({ relation: required('string'), url: required('uri') }) };
const shallow = (name: string): Structure => ({ name, elements: {}, anyChildren: true });

/** R4 Bundle (bundle-definitions.html); entry.search/request/response and signature only shallowly. */
export const BUNDLE: Structure = {
  name: 'Bundle',
  elements: {
    resourceType: required('code'),
    id: one('id'),
    meta: one(Meta),
    implicitRules: one('uri'),
    language: one('code'),
    identifier: one(Identifier),
    type: required('code', BUNDLE_TYPES),
    timestamp: one('instant'),
    total: one('unsignedInt'),
    link: many(BundleLink),
    entry: many({
      name: 'Bundle.entry',
      elements: backbone({ link: many(BundleLink), fullUrl: one('uri'), resource: one('Resource'), search: one(shallow('Bundle.entry.search')), request: one(shallow('Bundle.entry.request')), response: one(shallow('Bundle.entry.response')) }),
    }),
    signature: one(shallow('Signature')),
  },
  check(bundle, path, report) {
    const type = bundle.type as string;
    if (bundle.total !== undefined && type !== 'searchset' && type !== 'history') report(`${path}.total`, 'bdl-1', 'total only when a search or history');
    const entries = Array.isArray(bundle.entry) ? (bundle.entry as Array<Record<string, unknown>>) : [];
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      if (!isObject(entry)) return;
      const at = `${path}.entry[${i}]`;
      if (entry.search !== undefined && type !== 'searchset') report(`${at}.search`, 'bdl-2', 'entry.search only when a search');
      if ((entry.request !== undefined) !== WITH_REQUEST.has(type)) report(`${at}.request`, 'bdl-3', 'entry.request mandatory for batch/transaction/history, otherwise prohibited');
      if ((entry.response !== undefined) !== WITH_RESPONSE.has(type)) report(`${at}.response`, 'bdl-4', 'entry.response mandatory for batch-response/transaction-response/history, otherwise prohibited');
      if (entry.resource === undefined && entry.request === undefined && entry.response === undefined) report(at, 'bdl-5', 'an entry must have a resource unless there is a request or response');
      const fullUrl = entry.fullUrl;
      if (typeof fullUrl !== 'string') return;
      if (seen.has(fullUrl)) report(`${at}.fullUrl`, 'bdl-7', `fullUrl ${fullUrl} is not unique in the Bundle`);
      seen.add(fullUrl);
      if (fullUrl.includes('/_history/')) report(`${at}.fullUrl`, 'bdl-8', 'fullUrl cannot be a version specific reference');
      if (fullUrl.startsWith('urn:uuid:') && !UUID_URN.test(fullUrl)) report(`${at}.fullUrl`, 'uuid', 'a urn:uuid: fullUrl must hold a lower-case UUID');
    });
  },
};

// ---- The validator ----

/** Every violation of the R4 AuditEvent rules above in `resource` (empty when it conforms). */
export function validateAuditEvent(resource: unknown, path = 'AuditEvent'): FhirViolation[] {
  return validateResource(resource, AUDIT_EVENT, path);
}

/** Every violation in a Bundle, including those of each AuditEvent it holds. */
export function validateBundle(bundle: unknown): FhirViolation[] {
  return validateResource(bundle, BUNDLE, 'Bundle');
}

function validateResource(resource: unknown, structure: Structure, path: string): FhirViolation[] {
  const out: FhirViolation[] = [];
  const report: Reporter = (p, rule, message) => out.push({ path: p, rule, message });
  if (!isObject(resource)) {
    report(path, 'datatype', `a ${structure.name} must be a JSON object`);
    return out;
  }
  if (resource.resourceType !== structure.name) report(`${path}.resourceType`, 'resourceType', `resourceType must be "${structure.name}"`);
  const contained = new Set((Array.isArray(resource.contained) ? resource.contained : []).map((r) => (isObject(r) ? r.id : undefined)).filter((id) => typeof id === 'string'));
  checkObject(resource, structure, path, report, { contained });
  return out;
}

interface Context {
  /** Ids of the resource's contained resources, for ref-1. */
  contained: Set<unknown>;
}

function checkObject(obj: Record<string, unknown>, structure: Structure, path: string, report: Reporter, ctx: Context): void {
  if (Object.keys(obj).length === 0) report(path, 'ele-1', 'an element must have a value or children (no empty objects)');
  for (const [key, value] of Object.entries(obj)) {
    const at = `${path}.${key}`;
    const def = structure.elements[key];
    if (def) {
      checkElement(value, def, at, report, ctx);
      continue;
    }
    const choice = choiceOf(structure, key);
    if (choice) {
      const type = choice.def.types[key];
      if (type) checkSingle(value, type, undefined, at, report, ctx);
      else report(at, 'choice', `${choice.base}[x] must be one of ${Object.keys(choice.def.types).join(', ')}`);
      continue;
    }
    if (structure.anyChildren || (structure.openValue && /^value[A-Z]/.test(key))) continue;
    // `_name` carries the id/extensions of primitive `name` (json.html, "Representing primitive elements").
    if (key.startsWith('_') && isPrimitiveElement(structure.elements[key.slice(1)])) {
      if (!isObject(value) && !Array.isArray(value)) report(at, 'datatype', `${key} must be an object or array`);
      continue;
    }
    report(at, 'unknown-element', `${key} is not an element of ${structure.name}`);
  }

  for (const [key, def] of Object.entries(structure.elements)) {
    if (def.min === 1 && obj[key] === undefined) report(`${path}.${key}`, 'cardinality-min', `${key} is required (${def.min}..${def.max})`);
  }
  for (const [base, choice] of Object.entries(structure.choices ?? {})) {
    const given = Object.keys(obj).filter((k) => choiceOf(structure, k)?.base === base);
    if (given.length > 1) report(`${path}.${base}[x]`, 'choice', `${base}[x] takes one type, got ${given.join(', ')}`);
    else if (given.length === 0 && choice.min === 1) report(`${path}.${base}[x]`, 'cardinality-min', `${base}[x] is required (one of ${Object.keys(choice.types).join(', ')})`);
  }
  if (structure.openValue && Object.keys(obj).filter((k) => /^value[A-Z]/.test(k)).length > 1) report(path, 'choice', 'an extension has at most one value[x]');
  if (structure === Reference && typeof obj.reference === 'string' && obj.reference.startsWith('#') && !ctx.contained.has(obj.reference.slice(1))) {
    report(`${path}.reference`, 'ref-1', `${obj.reference} is a local reference but no contained resource has that id`);
  }
  structure.check?.(obj, path, report);
}

function checkElement(value: unknown, def: ElementDef, path: string, report: Reporter, ctx: Context): void {
  if (value === null) {
    report(path, 'ele-1', 'null is not allowed: leave the element out');
    return;
  }
  if (def.max === '*') {
    if (!Array.isArray(value)) {
      report(path, 'cardinality-max', `must be an array (${def.min}..*)`);
      return;
    }
    if (value.length === 0) report(path, 'ele-1', 'an empty array is not allowed: leave the element out');
    value.forEach((item, i) => checkSingle(item, def.type, def.binding, `${path}[${i}]`, report, ctx));
    return;
  }
  if (Array.isArray(value)) {
    report(path, 'cardinality-max', `takes a single value (${def.min}..1), got an array`);
    return;
  }
  checkSingle(value, def.type, def.binding, path, report, ctx);
}

function checkSingle(value: unknown, type: ElementDef['type'], binding: readonly string[] | undefined, path: string, report: Reporter, ctx: Context): void {
  if (value === null || value === undefined) {
    report(path, 'ele-1', 'null is not allowed: leave the element out');
    return;
  }
  if (type === 'Resource') {
    if (!isObject(value) || typeof value.resourceType !== 'string') report(path, 'datatype', 'must be a resource (an object with resourceType)');
    else if (value.resourceType === 'AuditEvent') for (const v of validateAuditEvent(value, path)) report(v.path, v.rule, v.message);
    return;
  }
  if (typeof type === 'object') {
    if (!isObject(value)) report(path, 'datatype', `must be a ${type.name} (a JSON object)`);
    else checkObject(value, type, path, report, ctx);
    return;
  }
  if (!primitiveOk(value, type)) {
    report(path, value === '' ? 'ele-1' : 'datatype', value === '' ? 'an empty string is not allowed: leave the element out' : `${JSON.stringify(value)} is not a valid ${type}`);
    return;
  }
  if (binding && !binding.includes(value as string)) report(path, 'binding', `${JSON.stringify(value)} is not in the required value set (${binding.join(' | ')})`);
}

function primitiveOk(value: unknown, type: Primitive): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'unsignedInt':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'positiveInt':
      return Number.isInteger(value) && (value as number) >= 1;
    default:
      return typeof value === 'string' && PRIMITIVE_REGEX[type].test(value);
  }
}

/** The choice element `key` belongs to: `valueString` → value[x]. */
function choiceOf(structure: Structure, key: string): { base: string; def: ChoiceDef } | undefined {
  for (const [base, def] of Object.entries(structure.choices ?? {})) {
    if (key.startsWith(base) && /^[A-Z]/.test(key.slice(base.length))) return { base, def };
  }
  return undefined;
}

function isPrimitiveElement(def: ElementDef | undefined): boolean {
  return def !== undefined && typeof def.type === 'string' && def.type !== 'Resource';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
