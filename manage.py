#!/usr/bin/env python3
from zoneops.cli import main

if __name__ == "__main__":
    main()
