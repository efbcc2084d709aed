/* deadline.c: 59-FZ deadlines in the deployment's time zone. */
#include "veche.h"
#include "core/datetime.h"
#include "core/deadline.h"

int64_t
deadline_register_due(int64_t received)
{
	return datetime_end_of_day(received, VECHE_DAYS_REGISTER);
}

int64_t
deadline_answer_due(int64_t registered)
{
	return datetime_end_of_day(registered, VECHE_DAYS_ANSWER);
}

int64_t
deadline_expected(int64_t received)
{
	return deadline_answer_due(deadline_register_due(received));
}
