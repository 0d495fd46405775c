import sys

from cunzhen.cli import main

sys.exit(main())
