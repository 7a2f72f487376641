#ifndef PEERSTAT_CMD_REPORT_RENDER_H
#define PEERSTAT_CMD_REPORT_RENDER_H

/*
 * Printing a report (report_doc.h) as one self-contained HTML page (charts inline, CSS with
 * print rules for A4 and Letter, no script) or as GitHub-flavoured Markdown. The order is
 * fixed: title, front matter, headline findings, the body, data quality, methods, summaries
 * read. The output depends only on the report: same report, same bytes.
 */

#include <stddef.h>

#include "common.h"
#include "report_doc.h"

/* Append the HTML page to out (out->failed on allocation failure). */
void ps_report_html(const struct ps_report *r, struct ps_text_buf *out);

/*
 * Append the Markdown text to out. figure_prefix: charts are linked as
 * "<figure_prefix>-fig<N>.svg" (the command writes those files); NULL: charts are not written
 * (standard output) and the text says so.
 */
void ps_report_md(const struct ps_report *r, const char *figure_prefix, struct ps_text_buf *out);

#endif
