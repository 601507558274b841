"""What people see: message catalogs (``locales/``), HTML helpers, menus and reply rendering."""
