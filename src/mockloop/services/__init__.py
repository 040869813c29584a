"""Services: the calls both faces (CLI and app) use. They compose core, store and adapters."""
