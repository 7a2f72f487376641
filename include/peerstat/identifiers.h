#ifndef PEERSTAT_IDENTIFIERS_H
#define PEERSTAT_IDENTIFIERS_H

/*
 * The identifier guard. Substance-use treatment records are among the most protected health
 * data (42 CFR Part 2 in the US); peerstat's inputs must be de-identified. A header column
 * whose name looks like a direct identifier (HIPAA Safe Harbor's list: names, dates of birth,
 * contact details, record numbers, ...) stops the run unless the user says --allow-identifiers.
 * Values of such columns are never read into any output or message.
 */

/*
 * If the column name looks like a direct identifier, return a short description of what it
 * seems to hold ("a person's name"); otherwise NULL. Matching ignores case, spaces,
 * underscores, dashes and dots ("Date of Birth", "date_of_birth" and "DOB" all match).
 */
const char *ps_identifier_kind(const char *column_name);

#endif
