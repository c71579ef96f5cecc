/**
 * What CRM values mean, for `init` (docs/init.md): status values by funnel stage, won and lost
 * words in several languages, flags and date columns that mark a step or an outcome, the
 * pipelines CRMs ship with, HubSpot's source names. Data only: src/rubric/init/ decides with them.
 */

/** Status values by the funnel stage they mean. Checked in this order: `Closed - Not Converted` is disqualified, not converted. */
export const DISQUALIFIED = /unqualif|disqualif|not.?convert|junk|bad.?timing|bad.?fit|cancel+ed|\blost\b|\bdead\b|not.?interested|do.?not.?contact|no.?longer|rejected|invalid|spam|perdid|verloren|perdu|descartad|nicht.?qualifiziert/i;
export const NEW = /not.?contacted|^new$|^open$|^open\b.*\bnot\b|^unread$|^lead$|^subscriber$|^other$|^untouched$|^neu$|^novo$|^nuevo$|^nouveau$/i;
export const STATUS_STAGES: readonly { key: string; pattern: RegExp }[] = [
  { key: 'won', pattern: /customer|evangelist|closed.?won|^won$|^client$|^kunde$|^cliente$|ganho|gewonnen/i },
  { key: 'opportunity', pattern: /opportunit|convert|open.?deal|proposal|negotiat|oportunidad|oportunidade|chance/i },
  { key: 'sql', pattern: /sales.?qualified|^sql$|salesqualifiedlead|working|contacted|connected|in.?progress|attempted|^qualified$|accepted|meeting|demo/i },
  { key: 'mql', pattern: /marketing.?qualified|^mql$|marketingqualifiedlead|pre.?qualified|nurtur|engaged|warm/i },
];
/** Date columns by stage: HubSpot's `Became a … Date` and `hs_lifecyclestage_…_date`, conversion dates. */
export const DATE_STAGES: readonly { key: string; pattern: RegExp }[] = [
  { key: 'mql', pattern: /marketing.?qualified.?lead.?date|lifecyclestage.?marketingqualifiedlead.?date|^mql.?date$|marketing.?qualified.?date/i },
  { key: 'sql', pattern: /sales.?qualified.?lead.?date|lifecyclestage.?salesqualifiedlead.?date|^sql.?date$|sales.?qualified.?date/i },
  { key: 'opportunity', pattern: /became.?an.?opportunity.?date|lifecyclestage.?opportunity.?date|^converted.?date$|^convertedate$|lead.?conversion.?time|^conversion.?date$/i },
  { key: 'won', pattern: /became.?a.?customer.?date|lifecyclestage.?customer.?date/i },
];
/** True/false lead columns that mark a funnel step. */
export const FLAG_STAGES: readonly { key: string; pattern: RegExp }[] = [
  { key: 'mql', pattern: /hand.?rais|^(is.?)?mql$|marketing.?qualified/i },
  { key: 'sql', pattern: /^(is.?)?sql$|sales.?qualified|^(demo|meeting).?(booked|held|scheduled|set)$|^sales.?accepted$/i },
  { key: 'opportunity', pattern: /^(is.?|has.?)?opportunit(y|ies)$/i },
];
/** A lead column that flags conversion (`Converted`, `IsConverted`). */
export const CONVERTED_FLAG = /^(is.?)?converted$|^conversion$|^converted.?flag$/i;
/** Won and lost words, in several languages; `Not Won` is neither, `Vintage` and `Personal` are no Italian. */
export const WON_VALUE = /^(?!(not|no|non)\b)(.*\bwon\b|.*closedwon|.*closed.?won|win$|.*gewonnen|.*ganho|.*\bganad[oa]\b|.*\bgagn[ée]|.*\bvint[oa]\b|signed$|converted$|renewed$)/i;
export const LOST_VALUE = /^(?!(not|no|non)\b)(.*\blost\b|.*closedlost|.*closed.?lost|loss$|.*verloren|.*\bperdid[oa]\b|.*\bperdu\b|.*\bpers[oa]\b|.*\bdead\b|.*cancel+ed|abandoned$|churned$)/i;
export const WON_FLAG = /^(is.?)?won$|^(hs.?)?(is.?)?closed.?won$|^won.?flag$/i;
export const CLOSED_FLAG = /^(hs.?)?(is.?)?(deal.?)?closed\??$/i;
/** Date or reason columns that only won (or lost) deals fill: Pipedrive's `Deal - Won time`, `Deal - Lost reason`. */
export const WON_MARK = /won.?(time|date|on|at)$|^date.?won$/i;
export const LOST_MARK = /lost.?(time|date|on|at|reason)$|^date.?lost$|^closed.?lost.?reason$/i;

/** Pipelines CRMs ship with, in order, to order deal stages whose names match. */
export const KNOWN_PIPELINES: readonly (readonly string[])[] = [
  ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review'],
  ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal or Price Quote', 'Negotiation or Review'],
  ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled', 'decisionmakerboughtin', 'contractsent'],
  ['Appointment Scheduled', 'Qualified To Buy', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent'],
  ['Qualified', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started'],
  ['Qualification', 'Needs Analysis', 'Value Proposition', 'Identify Decision Makers', 'Proposal/Price Quote', 'Negotiation/Review'],
  ['Prospecting', 'Engaging'],
];

/** Channel names for HubSpot's internal source values. */
export const CHANNEL_NAMES: Record<string, string> = {
  organicsearch: 'Organic Search',
  paidsearch: 'Paid Search',
  emailmarketing: 'Email Marketing',
  socialmedia: 'Social Media',
  paidsocial: 'Paid Social',
  referrals: 'Referrals',
  aireferrals: 'AI Referrals',
  othercampaigns: 'Other Campaigns',
  directtraffic: 'Direct Traffic',
  offline: 'Offline Sources',
  offlinesources: 'Offline Sources',
};

/** Source values that say a column is the lead source (for a file with no header row). */
export const SOURCE_VALUE = /\b(web|website|referral|partner|search|e-?mail|social|trade ?show|cold ?call|advert|seminar|campaign|google|facebook|linkedin|direct|organic|paid|event|webinar|conference|word of mouth|self generated|existing customer|public relations|inbound|outbound)\b/i;
