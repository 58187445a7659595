/*
 * mono.h - the server's monotonic clock, for what measures or waits in
 * real time: request durations, deadlines of waits, cache and rate-limit
 * ages, pacing. Never a timestamp that is stored or shown (that is
 * lq_server_now, the clock the engine is given).
 */
#ifndef LQ_MONO_H
#define LQ_MONO_H

#include <stdint.h>

/* CLOCK_MONOTONIC in microseconds and in milliseconds. */
int64_t lq_mono_us(void);
int64_t lq_mono_ms(void);

#endif
