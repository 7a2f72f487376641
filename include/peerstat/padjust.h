#ifndef PEERSTAT_PADJUST_H
#define PEERSTAT_PADJUST_H

#include <stddef.h>

#include "peerstat/status.h"

/* Multiplicity adjustments of a family of p-values, as R's p.adjust(p, method). */
enum ps_padjust_method {
	PS_PADJUST_HOLM,  /* Holm (1979) step-down: R's "holm" (family-wise error) */
	PS_PADJUST_BH     /* Benjamini & Hochberg (1995) step-up: R's "BH" / "fdr" (false discovery rate) */
};

/*
 * Adjust p[0..n-1] into adjusted[0..n-1] (caller-owned; may be the same array as p).
 * NaN p-values (R's NA) are left out of the family, as p.adjust does by default (the family
 * size is the number of non-NaN values) and come back NaN. Ties are handled as R's order()
 * does (stable). Returns PS_EDATA when a p-value is outside [0, 1], PS_ENOMEM, or PS_OK.
 */
enum ps_status ps_padjust(const double *p, size_t n, enum ps_padjust_method method, double *adjusted);

/* The R name of a method ("holm", "BH"). */
const char *ps_padjust_name(enum ps_padjust_method method);

#endif
