from gpaccess.cli import main

raise SystemExit(main())
