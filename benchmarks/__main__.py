"""``python -m benchmarks [--quick] [--only NAME]``: run the suite and write benchmarks/RESULTS.md."""

from benchmarks.run import main

raise SystemExit(main())
