/*
 * render.h - how leads, listings and explanations look on the command line
 * (table for people, JSON and CSV for scripts). Adapters only: the numbers
 * come from the service.
 */
#ifndef LQ_RENDER_H
#define LQ_RENDER_H

#include <stdio.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "io/json_out.h"
#include "service/service.h"

void lq_render_lead_list(const lq_lead_list *l, lq_format fmt, FILE *out);
/* full: profile, history and events too (show); else explanation only. */
void lq_render_lead_detail(const lq_lead_detail *d, lq_format fmt, int full,
			   FILE *out);


/* "Ana Lima <ana@acme.io>", else the email, else the external id. */
void lq_lead_label(const lq_lead *l, lq_buf *out);

#endif
