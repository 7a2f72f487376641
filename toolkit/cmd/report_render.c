/* HTML and Markdown printing of a report; see report_render.h. */
#include "report_render.h"

#include <stdio.h>
#include <string.h>

#define TITLE "Programme evaluation report"

static void put(struct ps_text_buf *b, const char *s)
{
	if (*s)
		ps_text_put(b, s, strlen(s));
}

/* HTML text: escaped, counts as <span class="n">. */
static void html_text(struct ps_text_buf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': put(b, "&amp;"); break;
		case '<': put(b, "&lt;"); break;
		case '>': put(b, "&gt;"); break;
		case '"': put(b, "&quot;"); break;
		case PS_REP_N_OPEN: put(b, "<span class=\"n\">"); break;
		case PS_REP_N_CLOSE: put(b, "</span>"); break;
		default:
			if ((unsigned char)*p >= 0x20 || *p == '\n')
				ps_text_put(b, p, 1);
		}
	}
}

/* Markdown text: punctuation that would act as markup escaped, counts plain; in_table: one line. */
static void md_text(struct ps_text_buf *b, const char *s, int in_table)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == PS_REP_N_OPEN || c == PS_REP_N_CLOSE || (c < 0x20 && c != '\n'))
			continue;
		if (c == '\n') {
			put(b, in_table ? " " : "\n");
			continue;
		}
		if (strchr("\\`*_[]<>#|", c))
			put(b, "\\");
		ps_text_put(b, p, 1);
	}
}

static const char css[] =
	"body{font-family:Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0;line-height:1.45}\n"
	"main{max-width:46rem;margin:0 auto;padding:1.5rem}\n"
	"h1{font-size:1.7rem;margin:0 0 .5rem}h2{font-size:1.35rem;margin-top:2rem;border-bottom:1px solid #ccc}"
	"h3{font-size:1.1rem;margin-top:1.5rem}\n"
	".notice{border:2px solid #D55E00;background:#fff4ec;padding:.6rem .8rem;font-weight:bold}\n"
	".findings li{margin-bottom:.5rem}\n"
	"table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem;width:100%}\n"
	"caption{text-align:left;font-weight:bold;padding-bottom:.3rem}\n"
	"th,td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:right;vertical-align:top}\n"
	"th:first-child,td:first-child{text-align:left}thead th{border-bottom:2px solid #888}\n"
	".note{font-size:.85rem;color:#444}\n"
	"figure{margin:1rem 0}figure svg{max-width:100%;height:auto;display:block}\n"
	"figcaption{font-size:.9rem;color:#333}\n"
	"@page{margin:15mm}\n"
	"@media print{body{font-size:10pt}main{max-width:none;padding:0}h2,h3{break-after:avoid}"
	"figure,table,.notice{break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

static void html_list(const struct ps_rep_list *list, struct ps_text_buf *b, const char *ul_class)
{
	int in_list = 0;
	for (size_t i = 0; i < list->n; i++) {
		const struct ps_rep_block *k = &list->blocks[i];
		if (k->kind == PS_REP_ITEM && !in_list) {
			put(b, ul_class ? "<ul class=\"" : "<ul>\n");
			if (ul_class) {
				put(b, ul_class);
				put(b, "\">\n");
			}
			in_list = 1;
		} else if (k->kind != PS_REP_ITEM && in_list) {
			put(b, "</ul>\n");
			in_list = 0;
		}
		switch (k->kind) {
		case PS_REP_HEADING:
			put(b, k->level <= 2 ? "<h2>" : "<h3>");
			html_text(b, k->text);
			put(b, k->level <= 2 ? "</h2>\n" : "</h3>\n");
			break;
		case PS_REP_PARA:
			put(b, "<p>");
			html_text(b, k->text);
			put(b, "</p>\n");
			break;
		case PS_REP_ITEM:
			put(b, "<li>");
			html_text(b, k->text);
			put(b, "</li>\n");
			break;
		case PS_REP_NOTICE:
			put(b, "<p class=\"notice\" role=\"note\">");
			html_text(b, k->text);
			put(b, "</p>\n");
			break;
		case PS_REP_TABLE: {
			const struct ps_rep_table *t = k->table;
			size_t nrows = t->ncols ? t->ncells / t->ncols : 0;
			put(b, "<table>\n<caption>");
			html_text(b, t->caption);
			put(b, "</caption>\n");
			for (size_t r = 0; r < nrows; r++) {
				put(b, r == 0 ? "<thead><tr>" : "<tr>");
				for (size_t c = 0; c < t->ncols; c++) {
					const char *cell = t->cells[r * t->ncols + c];
					put(b, r == 0 ? "<th scope=\"col\">" : c == 0 ? "<th scope=\"row\">" : "<td>");
					html_text(b, cell);
					put(b, r == 0 || c == 0 ? "</th>" : "</td>");
				}
				put(b, r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
			}
			put(b, "</tbody>\n</table>\n");
			if (t->note) {
				put(b, "<p class=\"note\">");
				html_text(b, t->note);
				put(b, "</p>\n");
			}
			break;
		}
		case PS_REP_FIGURE: {
			char id[32];
			snprintf(id, sizeof(id), "%d", k->figure);
			put(b, "<figure id=\"figure-");
			put(b, id);
			put(b, "\">\n");
			put(b, k->svg);
			put(b, "<figcaption>Figure ");
			put(b, id);
			put(b, ". ");
			html_text(b, k->text);
			put(b, "</figcaption>\n</figure>\n");
			break;
		}
		}
	}
	if (in_list)
		put(b, "</ul>\n");
}

void ps_report_html(const struct ps_report *r, struct ps_text_buf *b)
{
	put(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"generator\" content=\"peerstat " PEERSTAT_VERSION "\">\n<title>" TITLE "</title>\n<style>\n");
	put(b, css);
	put(b, "</style>\n</head>\n<body>\n<main>\n<h1>" TITLE "</h1>\n");
	html_list(&r->front, b, NULL);
	put(b, "<section id=\"headline\">\n<h2>Headline findings</h2>\n");
	html_list(&r->headline, b, "findings");
	put(b, "</section>\n<section id=\"results\">\n");
	html_list(&r->body, b, NULL);
	put(b, "</section>\n<section id=\"data-quality\">\n<h2>Data quality</h2>\n");
	html_list(&r->quality, b, NULL);
	put(b, "</section>\n<section id=\"methods\">\n<h2>Methods</h2>\n");
	html_list(&r->methods, b, NULL);
	put(b, "</section>\n<section id=\"sources\">\n<h2>Summaries read</h2>\n");
	html_list(&r->sources, b, NULL);
	put(b, "</section>\n</main>\n</body>\n</html>\n");
}

static void md_list(const struct ps_rep_list *list, const char *prefix, struct ps_text_buf *b)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct ps_rep_block *k = &list->blocks[i];
		int next_is_item = i + 1 < list->n && list->blocks[i + 1].kind == PS_REP_ITEM;
		switch (k->kind) {
		case PS_REP_HEADING:
			put(b, k->level <= 2 ? "## " : "### ");
			md_text(b, k->text, 0);
			put(b, "\n\n");
			break;
		case PS_REP_PARA:
			md_text(b, k->text, 0);
			put(b, "\n\n");
			break;
		case PS_REP_ITEM:
			put(b, "- ");
			md_text(b, k->text, 0);
			put(b, next_is_item ? "\n" : "\n\n");
			break;
		case PS_REP_NOTICE:
			put(b, "> **");
			md_text(b, k->text, 0);
			put(b, "**\n\n");
			break;
		case PS_REP_TABLE: {
			const struct ps_rep_table *t = k->table;
			size_t nrows = t->ncols ? t->ncells / t->ncols : 0;
			put(b, "**");
			md_text(b, t->caption, 0);
			put(b, "**\n\n");
			for (size_t r = 0; r < nrows; r++) {
				put(b, "|");
				for (size_t c = 0; c < t->ncols; c++) {
					put(b, " ");
					md_text(b, t->cells[r * t->ncols + c], 1);
					put(b, " |");
				}
				put(b, "\n");
				if (r == 0) {
					put(b, "|");
					for (size_t c = 0; c < t->ncols; c++)
						put(b, c == 0 ? " --- |" : " ---: |");
					put(b, "\n");
				}
			}
			put(b, "\n");
			if (t->note) {
				put(b, "*");
				md_text(b, t->note, 0);
				put(b, "*\n\n");
			}
			break;
		}
		case PS_REP_FIGURE: {
			char num[64];
			snprintf(num, sizeof(num), "Figure %d. ", k->figure);
			if (prefix) {
				put(b, "![");
				md_text(b, k->desc, 1);
				put(b, "](<");
				put(b, prefix);
				snprintf(num, sizeof(num), "-fig%d.svg>)\n\n", k->figure);
				put(b, num);
				snprintf(num, sizeof(num), "Figure %d. ", k->figure);
				put(b, "*");
				put(b, num);
				md_text(b, k->text, 0);
				put(b, "*\n\n");
			} else {
				put(b, "*");
				put(b, num);
				md_text(b, k->text, 0);
				put(b, "* (chart not written: Markdown on standard output; with -o FILE the charts are written "
				       "as SVG files next to it). ");
				md_text(b, k->desc, 0);
				put(b, "\n\n");
			}
			break;
		}
		}
	}
}

void ps_report_md(const struct ps_report *r, const char *figure_prefix, struct ps_text_buf *b)
{
	put(b, "# " TITLE "\n\n");
	md_list(&r->front, figure_prefix, b);
	put(b, "## Headline findings\n\n");
	md_list(&r->headline, figure_prefix, b);
	md_list(&r->body, figure_prefix, b);
	put(b, "## Data quality\n\n");
	md_list(&r->quality, figure_prefix, b);
	put(b, "## Methods\n\n");
	md_list(&r->methods, figure_prefix, b);
	put(b, "## Summaries read\n\n");
	md_list(&r->sources, figure_prefix, b);
}
