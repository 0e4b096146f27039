import sys

from .reference import main

sys.exit(main())
