"""``python -m emojiforge.cli``: the same as the ``emojiforge`` command."""

import sys

from emojiforge.cli import main

sys.exit(main())
