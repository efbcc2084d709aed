/*
 * deadline.h: the legal clock of an appeal (Federal Law 59-FZ).
 *
 * An appeal is registered within 3 days of receipt and answered within 30
 * days of registration; it may be forwarded within 7 days of registration
 * and extended once by up to 30 days.  Deadlines fall at the end of the
 * local day.  Days are calendar days for now; a working-day calendar will
 * grow here, and nowhere else.
 */
#ifndef VECHE_DEADLINE_H
#define VECHE_DEADLINE_H

#include <stdint.h>

/* When an appeal received at `received` must be registered. */
int64_t deadline_register_due(int64_t received);

/* When an appeal registered at `registered` must be answered. */
int64_t deadline_answer_due(int64_t registered);

/*
 * The answer date to promise a reporter before registration: the answer due
 * date counted from the registration due date (the latest it may be).
 */
int64_t deadline_expected(int64_t received);

#endif
