import sys

from mockloop.cli import main

sys.exit(main())
