from hostcast.cli import main

raise SystemExit(main())
