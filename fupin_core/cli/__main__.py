import sys

from fupin_core.cli.main import main

sys.exit(main())
