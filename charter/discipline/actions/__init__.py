"""Every step of a disciplinary case is an action here, judged by the rulebook in force.

- charges: frame_charge, deliver_charge, reply_to_charge, schedule_hearing, name_companion,
  record_recusal, minute_hearing
- measures: decide_measure, order_interim_suspension, end_suspension, lapse_interim_suspension
- appeals: file_appeal, schedule_appeal_hearing, decide_appeal, refer_appeal, decide_referral
- deadlines: check_deadlines (each worker round), warn_deadline, miss_deadline
"""

from charter.discipline.actions.appeals import (
    decide_appeal,
    decide_referral,
    file_appeal,
    refer_appeal,
    schedule_appeal_hearing,
)
from charter.discipline.actions.charges import (
    deliver_charge,
    frame_charge,
    minute_hearing,
    name_companion,
    record_recusal,
    reply_to_charge,
    schedule_hearing,
)
from charter.discipline.actions.deadlines import check_deadlines, miss_deadline, warn_deadline
from charter.discipline.actions.measures import (
    ACT_FOR_MEASURE,
    InvalidMeasure,
    decide_measure,
    end_suspension,
    lapse_interim_suspension,
    order_interim_suspension,
)

__all__ = [
    "ACT_FOR_MEASURE", "InvalidMeasure", "check_deadlines", "decide_appeal", "decide_measure", "decide_referral",
    "deliver_charge", "end_suspension", "file_appeal", "frame_charge", "lapse_interim_suspension", "minute_hearing",
    "miss_deadline", "name_companion", "order_interim_suspension", "record_recusal", "refer_appeal", "reply_to_charge",
    "schedule_appeal_hearing", "schedule_hearing", "warn_deadline",
]
