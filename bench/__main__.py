from bench.build import main

raise SystemExit(main())
