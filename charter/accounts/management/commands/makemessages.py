"""makemessages that also reads the N_() markers.

Charter marks words that are translated later, when they are shown (record words, poll states,
refusal texts kept as keys), with ``gettext_noop as N_``. xgettext knows gettext_noop but not the
alias, so without this those words never reach the catalogs.
"""

from __future__ import annotations

from django.core.management.commands.makemessages import Command as MakeMessages


class Command(MakeMessages):
    xgettext_options = [*MakeMessages.xgettext_options, "--keyword=N_"]
