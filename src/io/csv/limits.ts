/** Sizes past which a record or a field is refused rather than held in memory. */

export const MAX_RECORD_CHARS = 32 * 1024 * 1024;
/**
 * A field longer than this rejects its row. No CRM stores such a value (HubSpot caps a property at
 * 65,536 characters, Salesforce a long text at 131,072, Excel a cell at 32,767): it is a quote left
 * open that swallowed the lines after it, or not an export at all.
 */
export const MAX_FIELD_CHARS = 1024 * 1024;
