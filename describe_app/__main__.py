from describe_app.cli import main

raise SystemExit(main())
