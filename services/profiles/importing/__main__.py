from services.profiles.importing.cli import main

raise SystemExit(main())
