/*
 * Which summaries the report reads and the section for each. isolation and sobriety are known
 * commands whose sections plug in here when their contracts land (docs/json.md): until then a
 * summary of theirs is refused with a clear message rather than reported half.
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
	{ "isolation", NULL }, /* hook: isolation change by wave (ps_chart_ci, means with intervals) */
	{ "sobriety", NULL },  /* hook: abstinence by wave, completers and missing-as-use (ps_chart_ci, percent) */
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
