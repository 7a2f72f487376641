/*
 * Which summaries the report reads and the section for each: a new kind of summary plugs in
 * here with its section function. A known command whose entry has no section (NULL) is refused
 * with a clear message rather than reported half.
 */
#include <stddef.h>
#include <string.h>

#include "report_load.h"
#include "report_sections.h"

static const struct {
	const char *command;
	ps_rep_section_fn section;
} kinds[] = {
	{ "retention", ps_rep_section_retention },
	{ "isolation", ps_rep_section_isolation },
	{ "sobriety", ps_rep_section_sobriety },
	{ "survival", ps_rep_section_survival },
	{ "compare", ps_rep_section_compare },
};

int ps_rep_command_known(const char *command)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].command, command) == 0)
			return 1;
	return 0;
}

ps_rep_section_fn ps_rep_section_for(const char *command)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].command, command) == 0)
			return kinds[i].section;
	return NULL;
}
