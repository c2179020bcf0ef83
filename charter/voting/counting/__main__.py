"""``python -m charter.voting.counting [count] FILE.blt --method ...``"""

import sys

from .cli import main

raise SystemExit(main(sys.argv[1:]))
