/* The --on-error policy and the log of rejected rows; see include/peerstat/rejects.h. */
#include "peerstat/rejects.h"

#include <string.h>

void ps_rejects_init(struct ps_rejects *log, enum ps_error_policy policy)
{
	memset(log, 0, sizeof(*log));
	log->policy = policy;
}

enum ps_status ps_rejects_add(struct ps_rejects *log, const struct ps_error *err)
{
	if (log->policy == PS_ON_ERROR_STOP)
		return err->status == PS_OK ? PS_EDATA : err->status;
	log->rejected_rows++;
	if (log->kept < PS_REJECTS_KEPT)
		log->errors[log->kept++] = *err;
	return PS_OK;
}
