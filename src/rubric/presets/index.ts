import type { PresetName } from '../fields.js';
import type { RubricInput } from '../schema.js';
import { generic } from './generic.js';
import { hubspot } from './hubspot.js';
import { pipedrive } from './pipedrive.js';
import { salesforce } from './salesforce.js';
import { zoho } from './zoho.js';
import { fivetranHubspot } from './fivetran-hubspot.js';

/** The presets by the name the user types (`--preset hubspot`). */
export const presets: Record<PresetName, RubricInput> = { hubspot, salesforce, pipedrive, zoho, generic, 'fivetran-hubspot': fivetranHubspot };
